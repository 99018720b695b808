import { BadInput } from "../exception/bad_input.ts";

/**
 * telepot's message identifier: which message a method such as `editMessageText` targets.
 *
 * - `[chatId, messageId]` for a message in a chat,
 * - `[inlineMessageId]` or a bare `inlineMessageId` string for a message sent via inline mode.
 *
 * @example
 * ```ts
 * import type { MsgIdentifier } from "@telepot/telepot-ts";
 * const inChat: MsgIdentifier = [12345, 42];
 * const inline: MsgIdentifier = "AAQCAD4";
 * ```
 */
export type MsgIdentifier =
  | readonly [chatId: number | string, messageId: number]
  | readonly [inlineMessageId: string]
  | string;

/** The Bot API parameters a {@link MsgIdentifier} stands for. */
export interface MsgIdentifierParams {
  /** Chat of the targeted message. */
  chat_id?: number | string;
  /** Id of the targeted message in its chat. */
  message_id?: number;
  /** Id of the targeted inline message. */
  inline_message_id?: string;
}

/**
 * Expands a {@link MsgIdentifier} into Bot API parameters.
 *
 * @throws {BadInput} when the identifier has none of these shapes.
 */
export function msgIdentifierParams(identifier: MsgIdentifier): MsgIdentifierParams {
  if (typeof identifier === "string") return { inline_message_id: identifier };
  if (Array.isArray(identifier)) {
    if (identifier.length === 2) return { chat_id: identifier[0], message_id: identifier[1] as number };
    if (identifier.length === 1 && typeof identifier[0] === "string") {
      return { inline_message_id: identifier[0] };
    }
  }
  throw new BadInput("msgIdentifier", "[chatId, messageId], [inlineMessageId] or an inlineMessageId string");
}
