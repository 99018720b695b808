import { BadInput } from "../exception/bad_input.ts";
import { type LoopHandler, type LoopMessage, resolveHandler } from "./handler.ts";
import { checkOptionNames } from "./option_names.ts";
import { receiverOf } from "./receiver.ts";
import { type FetchHandler, webhookHandler, type WebhookOptions } from "./webhook.ts";

/** Options of {@link serverlessHandler}: the webhook's, less ordering, plus failure handling. */
export interface ServerlessOptions extends Omit<WebhookOptions, "ordered" | "maxhold"> {
  /** Receives each failure (a handler that threw, an update given up on), with the update. */
  readonly onError?: (error: unknown, update?: unknown) => unknown;
  /** Attempts an update gets within its request before it is dead-lettered and reported. Default 3. */
  readonly maxAttempts?: number;
}

/** The part of a bot a serverless handler needs: its default `handle` and its redacted logger. */
export interface ServerlessBot {
  /** Handles a message when no handler is given (the default flavor router, or an override). */
  handle(msg: LoopMessage): unknown;
  /** Reports a failure with the token cut out. */
  logError(what: string, error: unknown): void;
}

const SERVERLESS_OPTIONS = [
  "secretToken",
  "maxBodySize",
  "bodyTimeout",
  "maxConcurrentBodies",
  "onError",
  "maxAttempts",
];

/**
 * A webhook handler for hosts that run a function per request and keep nothing running between
 * requests (Deno Deploy, Cloudflare Workers, AWS Lambda behind a web-standard adapter): each update is
 * handled inside its own request, and the answer (200) is sent once the handler has finished, so no
 * background loop, poller or timer is needed and nothing is left to finish after the response. Telegram
 * waits for that answer and sends the update again when the request fails or times out.
 *
 * It checks requests as {@link webhookHandler} does (secret token, method, size, deadline). A handler
 * that throws is tried again within the same request, up to `maxAttempts`; then the update is reported
 * to `onError` as dead-lettered and answered 200, so one poison update cannot make Telegram resend it
 * for hours. Do not start a `messageLoop` on the same bot.
 *
 * @example
 * ```ts
 * import { Bot, serverlessHandler } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * const handle = serverlessHandler(bot, {
 *   chat: (msg) => bot.sendMessage(msg.chat.id, `You said: ${msg.text}`),
 * }, { secretToken: "s3cret" });
 * // Deno Deploy: Deno.serve(handle);  Cloudflare Workers: export default { fetch: handle };
 * ```
 *
 * @param bot the bot whose receiver takes the updates (its `handle` when `handler` is absent).
 * @param handler a function or a routing table, as `messageLoop` takes it.
 * @param options secret token, body limits, failure handling.
 * @throws {BadInput} when `bot` is not a bot, or on a malformed handler or option.
 */
export function serverlessHandler(
  bot: ServerlessBot,
  handler?: LoopHandler,
  options: ServerlessOptions = {},
): FetchHandler {
  // Both are called only once requests come, where a missing one would fail every update.
  if (typeof bot?.handle !== "function" || typeof bot.logError !== "function") {
    throw new BadInput("bot", "a Bot (an object with handle and logError methods)");
  }
  checkOptionNames(options, SERVERLESS_OPTIONS, "serverlessHandler");
  const handle = handler === undefined ? (msg: LoopMessage) => bot.handle(msg) : resolveHandler(handler);
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new BadInput("options.maxAttempts", "a positive integer");
  }
  const { onError } = options;
  if (onError !== undefined && typeof onError !== "function") {
    throw new BadInput("options.onError", "a function");
  }
  // Each request waits for its own update, so updates need no reordering across requests.
  const { onError: _onError, maxAttempts: _maxAttempts, ...webhookOptions } = options;
  const webhook = webhookHandler(bot, { ...webhookOptions, ordered: false });
  const receiver = receiverOf(bot);
  let attached: Promise<void> | undefined;
  const report = (error: unknown, update?: unknown) => {
    if (onError === undefined) return bot.logError("serverless update failed", error);
    try {
      const result = onError(error, update);
      if (result instanceof Promise) result.catch((failure) => bot.logError("onError failed", failure));
    } catch (failure) {
      bot.logError("onError failed", failure);
    }
  };
  return async (req) => {
    // Attached on the first request, in memory: a durable journal would answer before handling, and
    // a serverless host may freeze the instance as soon as the answer is sent.
    attached ??= receiver.attach(
      { handle: (payload) => handle(payload as LoopMessage), onError: report, maxAttempts },
      receiver.journal,
    ).catch((error) => {
      // Refused (a message loop runs on this bot): the next request tries again.
      attached = undefined;
      throw error;
    });
    await attached;
    return webhook(req);
  };
}
