import { SENDER_METHODS, type SenderMethod } from "../api/classification.gen.ts";
import type { ApiMethods } from "../api/methods.gen.ts";
import { checkBot, checkChatId } from "./bot_argument.ts";
import { installTargetedMethods, type TargetPosition, type WithoutParamAt } from "./proxy.ts";

/** The sending methods of a bot with the chat already filled in. */
export type SenderMethods = {
  [K in SenderMethod & keyof ApiMethods]: WithoutParamAt<ApiMethods[K], TargetPosition<K>>;
};

/**
 * A bot's sending methods (every method of the Bot API that sends to a chat) bound to one chat:
 * `sender.sendMessage("hi")` is `bot.sendMessage(chatId, "hi")`. The methods come from the generated
 * classification table, so every sending method of the Bot API version is here.
 *
 * @example
 * ```ts ignore
 * const sender = new Sender(bot, 12345);
 * await sender.sendMessage("Hello");
 * ```
 */
export interface Sender extends SenderMethods {}

/** See the {@link Sender} interface: the class is a thin holder of bot and chat. */
export class Sender {
  /** The bot (or an augmented bot) whose methods are called. */
  readonly bot: ApiMethods;
  /** The chat every call goes to. */
  readonly chatId: number | string;
  /**
   * Creates an instance.
   *
   * @param bot the bot (or an augmented bot) whose methods are called.
   * @param chatId the chat every call goes to.
   * @throws {BadInput} when `bot` is not an object, or `chatId` no chat's id.
   */
  constructor(bot: ApiMethods, chatId: number | string) {
    checkBot(bot);
    checkChatId(chatId);
    this.bot = bot;
    this.chatId = chatId;
  }
}

installTargetedMethods(Sender.prototype, SENDER_METHODS, "chatId");
