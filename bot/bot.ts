import { Api, type ApiOptions } from "../api/client.ts";
import { redactText } from "../api/redact.ts";
import { BadInput } from "../exception/bad_input.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import type { LoopHandler, LoopMessage } from "./handler.ts";
import { runLoop } from "./loop.ts";
import type { LoopController, MessageLoopOptions } from "./loop_options.ts";
import { parseUpdate } from "./parse_update.ts";
import { receiverOf } from "./receiver.ts";
import type { QueueItem } from "./update_queue.ts";

/** Options of {@link Bot}: the same as those of the {@link Api} client. */
export type BotOptions = ApiOptions;

/**
 * A Telegram bot: the whole Bot API client (every method, `call`, `downloadFile`) plus ways to receive
 * updates. Subclass it and override {@link Bot.handle}, or give `messageLoop` a handler.
 *
 * @example
 * ```ts
 * import { Bot } from "./bot.ts";
 * const bot = new Bot("123:abc", { apiRoot: "http://127.0.0.1:8081" });
 * const loop = bot.messageLoop({
 *   chat: (msg) => console.log("chat", msg.text),
 *   callback_query: (query) => console.log("button", query.data),
 * });
 * await loop.stop();
 * ```
 */
export class Bot extends Api {
  readonly #redact: (text: string) => string;

  /**
   * Creates a bot.
   *
   * @param token the bot token from @BotFather.
   * @param options server, timeout, abort signal, fetch and retry settings, as for `Api`.
   */
  constructor(token: string, options: BotOptions = {}) {
    super(token, options);
    this.#redact = (text) => redactText(text, token);
  }

  /**
   * Handles one message (or update payload, or event) when `messageLoop` is given no handler. The
   * returned value, when a promise, tells the loop when the message is accepted: the loop confirms an
   * update to Telegram only after that promise settles.
   *
   * @throws {TelepotException} unless a subclass overrides it.
   */
  handle(msg: LoopMessage): unknown {
    void msg;
    throw new TelepotException(
      "Bot.handle is not implemented: pass a handler to messageLoop or override handle in a subclass",
    );
  }

  /**
   * Hands one update (an object, or its JSON text or bytes) to this bot's receiver, as a webhook
   * request does: it is handled by the running `messageLoop` (or kept until one starts), once per
   * `update_id`. Resolves when the update may be confirmed to its sender: journaled, with a durable
   * journal, else handled.
   *
   * @throws {BadInput} (as a rejection) when `update` is not an Update with an integer `update_id`.
   */
  async handleUpdate(update: QueueItem): Promise<void> {
    await receiverOf(this).deliver(parseUpdate(update));
  }

  /**
   * Receives updates in the background and hands each one's payload (a Message, CallbackQuery, …) to
   * `handler`: a function, a routing table by flavor (`{ chat: fn, callback_query: fn, null: fallback }`),
   * or nothing for this bot's {@link Bot.handle}.
   *
   * Updates come from `getUpdates` (an update is confirmed to Telegram only once handled, or once
   * journaled with a durable `journal`: a crash means redelivery, never loss), from `options.source` (a
   * queue or iterable), or from this bot's `webhookHandler`, all into the bot's one receiver. Each
   * `update_id` is handled once per process; one chat's updates in order, different chats concurrently.
   * A handler that throws is reported to `onError`, tried again up to `maxAttempts`, then dead-lettered;
   * the loop goes on. Network errors and 5xx are retried with back-off for
   * ever, 429 waits `retry_after`; 401 (`UnauthorizedError`) and 409 (another poller, or a webhook)
   * end the loop: `done` rejects with them.
   *
   * @returns a controller: `stop()` ends gracefully, `done` settles when the loop has ended.
   * @throws {BadInput} on a malformed handler or option, or no handler on a bot that does not override
   *   `handle`.
   * @throws {TelepotException} when a loop of this bot is already running.
   */
  messageLoop(handler?: LoopHandler, options?: MessageLoopOptions): LoopController {
    if (handler === undefined && this.handle === Bot.prototype.handle) {
      throw new BadInput("handler", "a function or routing table, since this bot does not override handle");
    }
    return runLoop(this, handler, options, this.#redact);
  }
}
