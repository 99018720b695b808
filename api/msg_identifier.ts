import { BadInput } from "../exception/bad_input.ts";

/**
 * telepot's message identifier: which message a method such as `editMessageText` targets.
 *
 * - `[chatId, messageId]` for a message in a chat,
 * - `[inlineMessageId]` or a bare `inlineMessageId` string for a message sent via inline mode,
 * - `[chatId, receiverUserId, ephemeralMessageId]` for an ephemeral message (Bot API 10.2), which only
 *   the `…Ephemeral…` methods accept.
 *
 * Each method's wrapper takes the narrower form it accepts ({@link ChatOrInlineMsgIdentifier},
 * {@link EphemeralMsgIdentifier}, {@link ChatMsgIdentifier}); this one is for holding any of them,
 * as an `Editor` does.
 *
 * @example
 * ```ts
 * import type { MsgIdentifier } from "@telepot/telepot-ts";
 * const inChat: MsgIdentifier = [12345, 42];
 * const inline: MsgIdentifier = "AAQCAD4";
 * const ephemeral: MsgIdentifier = [-100123, 777, 5];
 * ```
 */
export type MsgIdentifier = ChatOrInlineMsgIdentifier | EphemeralMsgIdentifier;

/**
 * The message identifier of a method that edits chat and inline messages alike (`editMessageText`,
 * `editMessageReplyMarkup`…): `[chatId, messageId]`, `[inlineMessageId]` or an `inlineMessageId`
 * string. An ephemeral message's identifier is a type error here, since these methods refuse it.
 *
 * @example
 * ```ts
 * import type { ChatOrInlineMsgIdentifier } from "@telepot/telepot-ts";
 * const inChat: ChatOrInlineMsgIdentifier = [12345, 42];
 * const inline: ChatOrInlineMsgIdentifier = ["AAQCAD4"];
 * ```
 */
export type ChatOrInlineMsgIdentifier =
  | ChatMsgIdentifier
  | readonly [inlineMessageId: string]
  | string;

/**
 * The message identifier of a method that only chat messages have (`deleteMessage`, `stopPoll`,
 * `deleteMessageReaction`): `[chatId, messageId]`.
 *
 * @example
 * ```ts
 * import type { ChatMsgIdentifier } from "@telepot/telepot-ts";
 * const target: ChatMsgIdentifier = [12345, 42];
 * ```
 */
export type ChatMsgIdentifier = readonly [chatId: number | string, messageId: number];

/**
 * The message identifier of the `…Ephemeral…` methods: `[chatId, receiverUserId, ephemeralMessageId]`
 * (the one form they accept).
 *
 * @example
 * ```ts
 * import type { EphemeralMsgIdentifier } from "@telepot/telepot-ts";
 * const target: EphemeralMsgIdentifier = [-100123, 777, 5];
 * ```
 */
export type EphemeralMsgIdentifier = readonly [
  chatId: number | string,
  receiverUserId: number,
  ephemeralMessageId: number,
];

/** The Bot API parameters a {@link ChatOrInlineMsgIdentifier} stands for. */
export interface MsgIdentifierParams {
  /** Chat of the targeted message. */
  chat_id?: number | string;
  /** Id of the targeted message in its chat. */
  message_id?: number;
  /** Id of the targeted inline message. */
  inline_message_id?: string;
}

/** The Bot API parameters an {@link EphemeralMsgIdentifier} stands for. */
export interface EphemeralIdentifierParams {
  /** Chat the ephemeral message was shown in. */
  chat_id: number | string;
  /** The only user who sees the message. */
  receiver_user_id: number;
  /** Id of the ephemeral message in that chat. */
  ephemeral_message_id: number;
}

/**
 * Expands a {@link ChatOrInlineMsgIdentifier} into Bot API parameters.
 *
 * @throws {BadInput} when the identifier has neither shape (an ephemeral identifier included, which
 * the type already refuses: its messages are edited through the `…Ephemeral…` methods).
 */
export function msgIdentifierParams(identifier: ChatOrInlineMsgIdentifier): MsgIdentifierParams {
  if (typeof identifier === "string") return { inline_message_id: identifier };
  if (Array.isArray(identifier)) {
    if (identifier.length === 2) return { chat_id: identifier[0], message_id: identifier[1] as number };
    if (identifier.length === 1 && typeof identifier[0] === "string") {
      return { inline_message_id: identifier[0] };
    }
  }
  throw new BadInput(
    "msgIdentifier",
    "[chatId, messageId], [inlineMessageId] or an inlineMessageId string (an ephemeral message takes the …Ephemeral… methods)",
  );
}

/**
 * Expands a {@link ChatMsgIdentifier} into Bot API parameters.
 *
 * @throws {BadInput} for any other shape (an inline message's id: such a method has no inline form).
 */
export function chatMsgIdentifierParams(
  identifier: ChatMsgIdentifier,
): { chat_id: number | string; message_id: number } {
  if (Array.isArray(identifier) && identifier.length === 2) {
    return { chat_id: identifier[0], message_id: identifier[1] };
  }
  throw new BadInput("msgIdentifier", "[chatId, messageId]: this method has no inline form");
}

/**
 * Expands an {@link EphemeralMsgIdentifier}, `[chatId, receiverUserId, ephemeralMessageId]`, into Bot
 * API parameters.
 *
 * @throws {BadInput} for any other shape (an untyped caller's; the type refuses them).
 */
export function ephemeralIdentifierParams(identifier: EphemeralMsgIdentifier): EphemeralIdentifierParams {
  if (Array.isArray(identifier) && identifier.length === 3) {
    return { chat_id: identifier[0], receiver_user_id: identifier[1], ephemeral_message_id: identifier[2] };
  }
  throw new BadInput(
    "msgIdentifier",
    "[chatId, receiverUserId, ephemeralMessageId] for an ephemeral message",
  );
}
