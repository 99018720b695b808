import { checkSeconds } from "../api/seconds.ts";
import type { Update } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { constantTimeEqual } from "./constant_time.ts";
import { checkOptionNames } from "./option_names.ts";
import { parseUpdate } from "./parse_update.ts";
import { orderedIntake } from "./queue_source.ts";
import { BodyGate, bodyLimits, BodyRefused } from "./read_body.ts";
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
  /** Seconds a body may take to arrive; a slower one gets 408 and its connection is cut. Default 10. */
  readonly bodyTimeout?: number;
  /** Bodies read at the same time; requests beyond get 503 (Telegram delivers again). Default 100. */
  readonly maxConcurrentBodies?: number;
  /**
   * Deliver in `update_id` order across chats, holding a gap up to `maxhold` seconds. Default false:
   * Telegram sends a chat's next update only once the previous one was answered, and the receiver
   * handles each chat in order, so per-chat order holds without it; holding every chat behind a gap
   * would make one slow chat (a handler waiting out a 429, or a journal answer) delay all the others.
   */
  readonly ordered?: boolean;
  /** With `ordered`: seconds an update waits for a missing smaller id. Default 3. */
  readonly maxhold?: number;
}

const WEBHOOK_OPTIONS = [
  "secretToken",
  "maxBodySize",
  "bodyTimeout",
  "maxConcurrentBodies",
  "ordered",
  "maxhold",
];

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
 * and hands each update to the bot's receiver, which the bot's `messageLoop` runs. Updates received
 * before the loop starts are kept. The answer is 200 once the update may be confirmed: journaled,
 * with a durable journal (`journal` option of `messageLoop`), else handled, so Telegram redelivers
 * whatever a crash interrupted; 500 when the journal failed. A repeated delivery of an update is
 * answered but not handled again. A loop started without a `source` on a bot that has a webhook
 * handler does not poll.
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
 * @throws {BadInput} when `bot` is not a bot, or on a malformed or misspelled option (`secret_token` is
 *   spelled `secretToken` here).
 */
export function webhookHandler(bot: object, options: WebhookOptions = {}): FetchHandler {
  const receiver = receiverOf(bot);
  checkOptionNames(options, WEBHOOK_OPTIONS, "webhookHandler");
  const { secretToken } = options;
  if (secretToken !== undefined && (typeof secretToken !== "string" || secretToken === "")) {
    throw new BadInput("options.secretToken", "a non-empty string");
  }
  const limits = bodyLimits(options);
  const gate = new BodyGate(limits.maxConcurrentBodies);
  const maxhold = checkSeconds(options.maxhold, "options.maxhold", true) ?? 3;
  receiver.webhook = true;
  const intake = options.ordered !== true
    ? undefined
    : orderedIntake(receiver, maxhold, ({ update, done, fail }) => {
      receiver.deliver(update).then(() => done?.(), (error) => {
        receiver.report(error, update);
        fail?.(error);
      });
    });
  const journaled = intake === undefined
    ? (update: Update) => receiver.deliver(update)
    : (update: Update) =>
      new Promise<void>((resolve, reject) => intake.push({ update, done: resolve, fail: reject }));
  return async (req) => {
    if (req.method !== "POST") return plain(405, "Method Not Allowed", { allow: "POST" });
    if (secretToken !== undefined && !constantTimeEqual(req.headers.get(SECRET_HEADER) ?? "", secretToken)) {
      return plain(401, "Unauthorized");
    }
    let update: Update;
    try {
      update = parseUpdate(await gate.read(req, limits));
    } catch (error) {
      if (error instanceof BodyRefused) return refused(error.status);
      if (error instanceof BadInput) return plain(400, "Bad Request: expected a JSON Update");
      throw error;
    }
    try {
      await journaled(update);
    } catch {
      return plain(500, "Internal Server Error: the update could not be journaled");
    }
    return new Response(null, { status: 200 });
  };
}
