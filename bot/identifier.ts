import type { ChosenInlineResult } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { LoopMessage } from "./handler.ts";

/** A message identifier in tuple form, as `messageIdentifier` and `originIdentifier` return it. */
export type MsgIdentifierTuple =
  | [chatId: number, messageId: number]
  | [inlineMessageId: string]
  | [chatId: number, receiverUserId: number, ephemeralMessageId: number];

/** A chat message as {@link messageIdentifier} reads it: its chat's id and its own. */
export interface ChatMessageLike {
  /** The chat the message is in. */
  readonly chat: { readonly id: number };
  /** The message's id in that chat. */
  readonly message_id: number;
}

/** An ephemeral message as {@link messageIdentifier} reads it. */
export interface EphemeralMessageLike {
  /** The chat the message was shown in. */
  readonly chat: { readonly id: number };
  /** The one user who sees it. */
  readonly receiver_user: { readonly id: number };
  /** The ephemeral message's id in that chat. */
  readonly ephemeral_message_id: number;
}

/**
 * The identifier of a message for the editing methods (`editMessageText`…): `[chatId, messageId]` for
 * a chat message, `[inlineMessageId]` for a chosen inline result (or anything with `inline_message_id`),
 * `[chatId, receiverUserId, ephemeralMessageId]` for an ephemeral message.
 *
 * A `Message` gives the `[chatId, messageId]` type, which `deleteMessage` and `stopPoll` also take.
 * The Bot API's `Message` only marks its ephemeral fields optional, so an ephemeral message typed as a
 * plain `Message` still gives three elements at run time; narrow it (`receiver_user` and
 * `ephemeral_message_id` present) to get the three-element type.
 *
 * @example
 * ```ts
 * import { Bot, messageIdentifier } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * export async function flash(chatId: number) {
 *   const sent = await bot.sendMessage(chatId, "temporary");
 *   await bot.deleteMessage(messageIdentifier(sent));
 * }
 * ```
 *
 * @throws {BadInput} when `msg` has neither `chat` and `message_id` nor `inline_message_id`.
 */
export function messageIdentifier(
  msg: EphemeralMessageLike,
): [chatId: number, receiverUserId: number, ephemeralMessageId: number];
/** `messageIdentifier` of a chat message: `[chatId, messageId]`. */
export function messageIdentifier(msg: ChatMessageLike): [chatId: number, messageId: number];
/** `messageIdentifier` of anything with `inline_message_id`: `[inlineMessageId]`. */
export function messageIdentifier(msg: { readonly inline_message_id: string }): [inlineMessageId: string];
/**
 * `messageIdentifier` of a chosen inline result, whose `inline_message_id` is optional:
 * `[inlineMessageId]`, since it has no chat for another form to come from (it throws without the id).
 */
export function messageIdentifier(msg: ChosenInlineResult): [inlineMessageId: string];
/** `messageIdentifier` of an object whose type does not say which form it gives. */
export function messageIdentifier(msg: object): MsgIdentifierTuple;
export function messageIdentifier(msg: object): MsgIdentifierTuple {
  // null has none of the fields either: the BadInput below, not a TypeError reading them.
  const m = (msg ?? {}) as LoopMessage;
  if (m.chat && m.receiver_user && m.ephemeral_message_id) {
    return [m.chat.id, m.receiver_user.id, m.ephemeral_message_id];
  }
  if (m.chat && typeof m.message_id === "number") return [m.chat.id, m.message_id];
  if (typeof m.inline_message_id === "string") return [m.inline_message_id];
  throw new BadInput("msg", "a chat message or a chosen inline result with inline_message_id");
}

/**
 * The identifier of the message a callback query came from: `[chatId, messageId]` when it was a chat
 * message, `[inlineMessageId]` when it was sent in inline mode.
 *
 * The type says which only when the query's type does: a `CallbackQuery` whose `message` is optional
 * gives either form. To delete the message a button belongs to, test `query.message` and pass it to
 * {@link messageIdentifier}: `if (query.message) await bot.deleteMessage(messageIdentifier(query.message))`.
 *
 * @throws {BadInput} when the query carries neither `message` nor `inline_message_id`.
 */
export function originIdentifier(
  msg: { readonly message: ChatMessageLike },
): [chatId: number, messageId: number];
/** `originIdentifier` of a callback query from a message sent in inline mode: `[inlineMessageId]`. */
export function originIdentifier(
  msg: { readonly inline_message_id: string; readonly message?: undefined },
): [inlineMessageId: string];
/** `originIdentifier` of a callback query that may come from either. */
export function originIdentifier(
  msg: { readonly message?: ChatMessageLike; readonly inline_message_id?: string },
): [chatId: number, messageId: number] | [inlineMessageId: string];
/** `originIdentifier` of an object whose type does not say which form it gives. */
export function originIdentifier(msg: object): MsgIdentifierTuple;
export function originIdentifier(msg: object): MsgIdentifierTuple {
  // As in messageIdentifier: null is a query without its fields.
  const m = (msg ?? {}) as LoopMessage;
  if (m.message?.chat && typeof m.message.message_id === "number") {
    return [m.message.chat.id, m.message.message_id];
  }
  if (typeof m.inline_message_id === "string") return [m.inline_message_id];
  throw new BadInput("msg", "a callback query with message or inline_message_id");
}
