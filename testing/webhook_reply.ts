/**
 * Reading a "webhook reply": the method call a bot may put in its answer to a webhook delivery. The
 * Bot API server reads that answer with the same HTTP reader as its own requests (td's HttpReader), so
 * a reply may be JSON, a urlencoded form or multipart/form-data (with uploads), told apart by the
 * answer's content type; any other type carries no parameters and so no method.
 */
import { addFirst, bodyKind, type CallInput, readMultipartInput } from "./params.ts";
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
    input = { params: jsonParameters(new TextDecoder().decode(body)), files: NO_FILES };
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

/**
 * The top-level members of a JSON object, read as td's HttpReader::parse_json_parameters reads them:
 * member by member, so a body that goes wrong part way (a syntax error, data after the object) still
 * yields the members read before it, and a repeated name keeps its first value (HttpQuery::get_arg
 * finds the first). Anything but an object yields nothing that could name a method.
 */
function jsonParameters(text: string): Obj {
  const params: Obj = Object.create(null);
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && " \t\r\n".includes(text[at])) at++;
  };
  // A JSON value starting at `at`, parsed, with `at` moved past it; undefined when it is not one.
  const value = (): { ok: true; value: unknown } | { ok: false } => {
    const start = at;
    if (text[at] === "\"") {
      at++;
      while (at < text.length && text[at] !== "\"") at += text[at] === "\\" ? 2 : 1;
      at++;
    } else if (text[at] === "{" || text[at] === "[") {
      let depth = 0;
      do {
        const c = text[at];
        if (c === "\"") {
          at++;
          while (at < text.length && text[at] !== "\"") at += text[at] === "\\" ? 2 : 1;
        } else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") depth--;
        at++;
      } while (depth > 0 && at < text.length);
    } else {
      while (at < text.length && !",}] \t\r\n".includes(text[at])) at++;
    }
    try {
      return { ok: true, value: JSON.parse(text.slice(start, at)) };
    } catch {
      return { ok: false };
    }
  };
  skipSpace();
  if (text[at] !== "{") return params;
  at++;
  while (true) {
    skipSpace();
    if (at >= text.length || text[at] === "}") return params;
    if (text[at] !== "\"") return params;
    const key = value();
    if (!key.ok) return params;
    skipSpace();
    if (text[at] !== ":") return params;
    at++;
    skipSpace();
    const member = value();
    if (!member.ok) return params;
    const name = key.value as string;
    if (!(name in params)) params[name] = member.value;
    skipSpace();
    if (text[at] === ",") at++;
    else if (text[at] !== "}") return params;
  }
}
