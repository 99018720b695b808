import { BadInput } from "../exception/bad_input.ts";
import type { LoopMessage } from "./handler.ts";

/** A message identifier in tuple form, as `messageIdentifier` and `originIdentifier` return it. */
export type MsgIdentifierTuple =
  | [chatId: number, messageId: number]
  | [inlineMessageId: string]
  | [chatId: number, receiverUserId: number, ephemeralMessageId: number];

/**
 * The identifier of a message for the editing methods (`editMessageText`…): `[chatId, messageId]` for
 * a chat message, `[inlineMessageId]` for a chosen inline result (or anything with `inline_message_id`),
 * `[chatId, receiverUserId, ephemeralMessageId]` for an ephemeral message.
 *
 * @throws {BadInput} when `msg` has neither `chat` and `message_id` nor `inline_message_id`.
 */
export function messageIdentifier(msg: object): MsgIdentifierTuple {
  const m = msg as LoopMessage;
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
 * @throws {BadInput} when the query carries neither `message` nor `inline_message_id`.
 */
export function originIdentifier(msg: object): MsgIdentifierTuple {
  const m = msg as LoopMessage;
  if (m.message?.chat && typeof m.message.message_id === "number") {
    return [m.message.chat.id, m.message.message_id];
  }
  if (typeof m.inline_message_id === "string") return [m.inline_message_id];
  throw new BadInput("msg", "a callback query with message or inline_message_id");
}
