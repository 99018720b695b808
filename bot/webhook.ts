import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { constantTimeEqual } from "./constant_time.ts";
import { deferred } from "./deferred.ts";
import { inboxOf } from "./inbox.ts";
import { parseUpdate } from "./parse_update.ts";
import { BodyGate, bodyLimits, BodyRefused } from "./read_body.ts";
import { within } from "./within.ts";

/** Options of {@link webhookHandler}. Times are in seconds, sizes in bytes. */
export interface WebhookOptions {
  /**
   * The `secret_token` given to `setWebhook`: requests without it in `X-Telegram-Bot-Api-Secret-Token`
   * are refused with 401. Strongly recommended; without it anyone who finds the URL can post updates.
   */
  readonly secretToken?: string;
  /** Largest accepted body; larger ones get 413. Default 1 MiB. */
  readonly maxBodySize?: number;
  /** Seconds a body may take to arrive; a slower one gets 408 and its connection is cut. Default 10. */
  readonly bodyTimeout?: number;
  /** Bodies read at the same time; requests beyond get 503 (Telegram delivers again). Default 100. */
  readonly maxConcurrentBodies?: number;
  /**
   * Seconds to wait for the update to be handled before answering 200 anyway. Answering after the
   * handler finished means Telegram redelivers it if this process dies first; answering by this bound
   * keeps Telegram's webhook from timing out behind a slow handler (the update stays queued). Default 2.
   */
  readonly answerWithin?: number;
}

/** A web-standard request handler, as `Deno.serve`, Bun and Hono take it. */
export type FetchHandler = (req: Request) => Promise<Response>;

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

const REFUSALS = {
  400: "Bad Request: unreadable body",
  408: "Request Timeout",
  413: "Payload Too Large",
  503: "Service Unavailable: too many bodies being read",
} as const;

/** A refused body's answer; the connection is closed, since the rest of the body is not read. */
function refused(status: BodyRefused["status"]): Response {
  const headers: Record<string, string> = { connection: "close" };
  if (status === 503) headers["retry-after"] = "1";
  return plain(status, REFUSALS[status], headers);
}

/**
 * Receives Telegram's webhook POSTs for `bot`: checks the secret token in constant time (401), refuses
 * other methods (405), bodies over `maxBodySize` (413) or slower than `bodyTimeout` (408), requests
 * beyond `maxConcurrentBodies` bodies being read (503) and anything that is not a JSON Update (400),
 * and puts each update in the bot's inbox, which the bot's `messageLoop` reads (with the same
 * `ordered`/`maxhold` handling as a queue source). Updates received before the loop starts are kept.
 * Each request is answered once its update is handled, or after `answerWithin` seconds at the latest.
 * A repeated delivery of an update (after a lost answer) is answered but not handled again.
 * A loop that is already polling stops polling and reads the webhook from the moment the handler is made.
 *
 * @example
 * ```ts
 * import { Bot, webhookHandler } from "@telepot/telepot-ts";
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
  const limits = bodyLimits(options);
  const gate = new BodyGate(limits.maxConcurrentBodies);
  const answerWithin = checkSeconds(options.answerWithin, "options.answerWithin", true) ?? 2;
  const inbox = inboxOf(bot);
  return async (req) => {
    if (req.method !== "POST") return plain(405, "Method Not Allowed", { allow: "POST" });
    if (secretToken !== undefined && !constantTimeEqual(req.headers.get(SECRET_HEADER) ?? "", secretToken)) {
      return plain(401, "Unauthorized");
    }
    let body: Uint8Array;
    try {
      body = await gate.read(req.body, req.headers.get("content-length"), limits);
    } catch (error) {
      if (error instanceof BodyRefused) return refused(error.status);
      throw error;
    }
    let update;
    try {
      update = parseUpdate(body);
    } catch {
      return plain(400, "Bad Request: expected a JSON Update");
    }
    const handled = deferred<void>();
    inbox.put(update, handled.resolve);
    await within(handled.promise, answerWithin);
    return new Response(null, { status: 200 });
  };
}
