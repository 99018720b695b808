/**
 * Reading a "webhook reply": the method call a bot may put in its answer to a webhook delivery. The
 * Bot API server reads that answer with the same HTTP reader as its own requests (td's HttpReader), so
 * a reply may be JSON, a urlencoded form or multipart/form-data (with uploads), told apart by the
 * answer's content type; any other type carries no parameters and so no method.
 */
import { addFirst, bodyKind, type CallInput, jsonMembers, readMultipartInput } from "./params.ts";
import type { Obj } from "./types.ts";

/** A method to run and its input, read from a webhook answer. */
export interface WebhookReply {
  /** Method name as the bot spelled it. */
  readonly method: string;
  /** Parameters (without `method`) and uploaded files. */
  readonly input: CallInput;
}

const NO_FILES: ReadonlyMap<string, File> = new Map();

/**
 * The method call in a 2xx webhook answer, or null when there is none to run: no `method`, or one the
 * server leaves alone in a reply (deleteWebhook, setWebhook, close, logOut and every get… method, as
 * telegram-bot-api's WebhookActor::handle skips them). Which bodies are parsed follows td's
 * HttpReader::read_next: the (lowercased) content type containing `multipart/form-data`, else
 * `application/x-www-form-urlencoded` or `application/json`. Multipart is read by the same code as a
 * method call's (`readMultipartInput`), which throws on a body that cannot be read (the server's reader
 * fails the connection then).
 */
export async function readWebhookReply(
  contentType: string | null,
  body: Uint8Array<ArrayBuffer>,
): Promise<WebhookReply | null> {
  const declared = contentType ?? "";
  const kind = bodyKind(declared);
  let input: CallInput;
  if (kind === "multipart") input = await readMultipartInput(body, declared);
  else if (kind === "form") {
    const params: Obj = Object.create(null);
    addFirst(params, new URLSearchParams(new TextDecoder().decode(body)));
    input = { params, files: NO_FILES };
  } else if (kind === "json") {
    input = { params: jsonMembers(new TextDecoder().decode(body)), files: NO_FILES };
  } else {
    return null;
  }
  const { method, ...params } = input.params;
  if (typeof method !== "string") return null;
  const lower = method.toLowerCase();
  if (
    lower === "" || lower === "deletewebhook" || lower === "setwebhook" || lower === "close"
    || lower === "logout" || lower.startsWith("get")
  ) return null;
  return { method, input: { params, files: input.files } };
}
