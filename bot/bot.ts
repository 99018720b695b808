import { Api, type ApiOptions } from "../api/client.ts";
import { TelepotException } from "../exception/telepot_exception.ts";

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
 * ```
 */
export class Bot extends Api {
  /**
   * @param token the bot token from @BotFather.
   * @param options server, timeout, abort signal, fetch and retry settings, as for `Api`.
   */
  constructor(token: string, options: BotOptions = {}) {
    super(token, options);
  }

  /**
   * Handles one message (or update payload, or event) when `messageLoop` is given no handler. The
   * returned value, when a promise, tells the loop when the message is accepted: the loop confirms an
   * update to Telegram only after that promise settles.
   *
   * @throws {TelepotException} unless a subclass overrides it.
   */
  handle(msg: unknown): unknown {
    void msg;
    throw new TelepotException(
      "Bot.handle is not implemented: pass a handler to messageLoop or override handle in a subclass",
    );
  }
}
