import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { constantTimeEqual } from "./constant_time.ts";
import { deferred } from "./deferred.ts";
import { parseUpdate } from "./parse_update.ts";
import { orderedIntake } from "./queue_source.ts";
import { receiverOf } from "./receiver.ts";

/** Options of {@link webhookHandler}. Times are in seconds, sizes in bytes. */
export interface WebhookOptions {
  /**
   * The `secret_token` given to `setWebhook`: requests without it in `X-Telegram-Bot-Api-Secret-Token`
   * are refused with 401. Strongly recommended; without it anyone who finds the URL can post updates.
   */
  readonly secretToken?: string;
  /** Largest accepted body; larger ones get 413. Default 1 MiB. */
  readonly maxBodySize?: number;
  /**
   * Deliver in `update_id` order, holding a gap up to `maxhold` seconds (Telegram may deliver over
   * several connections at once). Default true.
   */
  readonly ordered?: boolean;
  /** Seconds an update waits for a missing smaller id. Default 3. */
  readonly maxhold?: number;
}

/** A web-standard request handler, as `Deno.serve`, Bun and Hono take it. */
export type FetchHandler = (req: Request) => Promise<Response>;

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

class TooLarge extends Error {}

async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  if (req.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/**
 * Receives Telegram's webhook POSTs for `bot`: checks the secret token in constant time (401), refuses
 * other methods (405), bodies over `maxBodySize` (413) and anything that is not a JSON Update (400),
 * and hands each update to the bot's receiver, which the bot's `messageLoop` runs. Updates received
 * before the loop starts are kept. The answer is 200 once the update may be confirmed: journaled,
 * with a durable journal (`journal` option of `messageLoop`), else handled, so Telegram redelivers
 * whatever a crash interrupted; 500 when the journal failed. A repeated delivery of an update is
 * answered but not handled again. A loop started without a `source` on a bot that has a webhook
 * handler does not poll.
 *
 * @example
 * ```ts
 * import { Bot } from "./bot.ts";
 * import { webhookHandler } from "./webhook.ts";
 * const bot = new Bot("123:abc");
 * const handler = webhookHandler(bot, { secretToken: "s3cret" });
 * // Deno.serve({ port: 8443 }, handler);
 * bot.messageLoop((msg) => console.log(msg));
 * ```
 *
 * @throws {BadInput} on a malformed option.
 */
export function webhookHandler(bot: object, options: WebhookOptions = {}): FetchHandler {
  const { secretToken } = options;
  if (secretToken !== undefined && (typeof secretToken !== "string" || secretToken === "")) {
    throw new BadInput("options.secretToken", "a non-empty string");
  }
  const maxBodySize = options.maxBodySize ?? 1 << 20;
  if (!Number.isInteger(maxBodySize) || maxBodySize <= 0) {
    throw new BadInput("options.maxBodySize", "a positive integer number of bytes");
  }
  const maxhold = checkSeconds(options.maxhold, "options.maxhold", true) ?? 3;
  const receiver = receiverOf(bot);
  receiver.webhook = true;
  const intake = options.ordered === false
    ? undefined
    : orderedIntake(receiver, maxhold, (error, update) => receiver.report(error, update));
  return async (req) => {
    if (req.method !== "POST") return plain(405, "Method Not Allowed", { allow: "POST" });
    if (secretToken !== undefined && !constantTimeEqual(req.headers.get(SECRET_HEADER) ?? "", secretToken)) {
      return plain(401, "Unauthorized");
    }
    let body: Uint8Array;
    try {
      body = await readLimited(req, maxBodySize);
    } catch (error) {
      if (error instanceof TooLarge) return plain(413, "Payload Too Large");
      return plain(400, "Bad Request: unreadable body");
    }
    let update;
    try {
      update = parseUpdate(body);
    } catch {
      return plain(400, "Bad Request: expected a JSON Update");
    }
    const confirmed = deferred<void>();
    if (intake) intake.push({ update, done: () => confirmed.resolve(), fail: confirmed.reject });
    else receiver.deliver(update).then(confirmed.resolve, confirmed.reject);
    try {
      await confirmed.promise;
    } catch {
      return plain(500, "Internal Server Error: the update could not be journaled");
    }
    return new Response(null, { status: 200 });
  };
}
