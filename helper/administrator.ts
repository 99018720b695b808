import { ADMINISTRATOR_METHODS, type AdministratorMethod } from "../api/classification.gen.ts";
import type { ApiMethods } from "../api/methods.gen.ts";
import { checkBot, checkChatId } from "./bot_argument.ts";
import { installTargetedMethods, type TargetPosition, type WithoutParamAt } from "./proxy.ts";

/** The chat-administration methods of a bot with the chat already filled in. */
export type AdministratorMethods = {
  [K in AdministratorMethod & keyof ApiMethods]: WithoutParamAt<ApiMethods[K], TargetPosition<K>>;
};

/**
 * A bot's methods that inspect or administer a chat, bound to one chat: `admin.getChat()` is
 * `bot.getChat(chatId)`. The methods come from the generated classification table.
 *
 * @example
 * ```ts ignore
 * const admin = new Administrator(bot, -100123);
 * await admin.setChatTitle("New title");
 * ```
 */
export interface Administrator extends AdministratorMethods {}

/** See the {@link Administrator} interface: the class is a thin holder of bot and chat. */
export class Administrator {
  /** The bot (or an augmented bot) whose methods are called. */
  readonly bot: ApiMethods;
  /** The chat every call targets. */
  readonly chatId: number | string;
  /**
   * Creates an instance.
   *
   * @param bot the bot (or an augmented bot) whose methods are called.
   * @param chatId the chat every call targets.
   * @throws {BadInput} when `bot` is not an object, or `chatId` no chat's id.
   */
  constructor(bot: ApiMethods, chatId: number | string) {
    checkBot(bot);
    checkChatId(chatId);
    this.bot = bot;
    this.chatId = chatId;
  }
}

installTargetedMethods(Administrator.prototype, ADMINISTRATOR_METHODS, "chatId");
