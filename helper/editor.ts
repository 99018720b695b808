import { EDITOR_METHODS, type EditorMethod } from "../api/classification.gen.ts";
import type { ApiMethods } from "../api/methods.gen.ts";
import type {
  ChatMsgIdentifier,
  ChatOrInlineMsgIdentifier,
  EphemeralMsgIdentifier,
  MsgIdentifier,
} from "../api/msg_identifier.ts";
import { messageIdentifier } from "../bot/identifier.ts";
import { BadInput } from "../exception/bad_input.ts";
import { checkBot } from "./bot_argument.ts";
import { installTargetedMethods, type WithoutParam } from "./proxy.ts";

/**
 * The message-editing methods of a bot with the message already filled in (those of chat messages
 * only, such as `deleteMessage`, refuse an editor of an inline message with `BadInput`).
 */
export type EditorMethods = {
  [K in EditorMethod & keyof ApiMethods]: WithoutParam<
    WithoutParam<WithoutParam<ApiMethods[K], ChatOrInlineMsgIdentifier>, EphemeralMsgIdentifier>,
    ChatMsgIdentifier
  >;
};

/**
 * A bot's methods that act on one existing message (editing, deleting, stopping a poll…), bound to that
 * message: `editor.editMessageText("new")` is `bot.editMessageText(msgIdentifier, …)`. The
 * methods come from the generated classification table.
 *
 * @example
 * ```ts ignore
 * const editor = new Editor(bot, sentMessage);
 * await editor.deleteMessage();
 * ```
 */
export interface Editor extends EditorMethods {}

// The shapes a MsgIdentifier has, checked when the Editor is made rather than at its first call.
function isMsgIdentifier(identifier: string | readonly unknown[]): identifier is MsgIdentifier {
  if (typeof identifier === "string") return identifier !== "";
  const chat = (id: unknown) => typeof id === "number" || typeof id === "string";
  const [first, second, third] = identifier;
  switch (identifier.length) {
    case 1:
      return typeof first === "string" && first !== "";
    case 2:
      return chat(first) && typeof second === "number";
    case 3:
      return chat(first) && typeof second === "number" && typeof third === "number";
    default:
      return false;
  }
}

/** See the {@link Editor} interface: the class is a thin holder of bot and message identifier. */
export class Editor {
  /** The targeted message. */
  readonly msgIdentifier: MsgIdentifier;

  /** The bot (or an augmented bot) whose methods are called. */
  readonly bot: ApiMethods;
  /**
   * Creates an instance.
   *
   * @param bot the bot (or an augmented bot) whose methods are called.
   * @param msgIdentifier the message, as an identifier or as the message object itself.
   * @throws {BadInput} when `bot` is not an object, or `msgIdentifier` neither an identifier nor a
   *   message that has one.
   */
  constructor(bot: ApiMethods, msgIdentifier: MsgIdentifier | object) {
    checkBot(bot);
    this.bot = bot;
    if (typeof msgIdentifier === "string" || Array.isArray(msgIdentifier)) {
      if (!isMsgIdentifier(msgIdentifier)) {
        throw new BadInput(
          "msgIdentifier",
          "[chatId, messageId], [inlineMessageId], an inlineMessageId string or [chatId, receiverUserId, ephemeralMessageId]",
        );
      }
      this.msgIdentifier = msgIdentifier;
    } else {
      this.msgIdentifier = messageIdentifier(msgIdentifier);
    }
  }
}

installTargetedMethods(Editor.prototype, EDITOR_METHODS, "msgIdentifier");
