import type { ChatObj, MessageObj, Obj, UserObj } from "./types.ts";
import type { BotState, ChatState, World } from "./world.ts";

/** A bot, by its handle (`{ token }`), token or username. */
export type BotRef = { readonly token: string } | string;

/** Options of a scripted user's message. */
export interface UserSendOptions {
  /**
   * In the user's private chat: the bot to write to (default: the bot the user last exchanged a message
   * with, else the first bot).
   */
  readonly to?: BotRef;
  /** Message to reply to. */
  readonly replyTo?: { readonly message_id: number } | number;
  /** Entities to send instead of the detected commands and mentions. */
  readonly entities?: readonly Obj[];
}

/** A message as tests hold it: a Message from the emulator or from a Bot API answer. */
export interface MessageRef {
  /** Id within its chat. */
  readonly message_id: number;
  /** Its chat. */
  readonly chat: { readonly id: number };
  /** Its sender; a bot sender tells which private chat the message is in. */
  readonly from?: { readonly id: number; readonly is_bot: boolean };
}

/** A chat reference: its id, `@username`, the chat object, or a user (their private chat). */
export type ChatRef = number | string | ChatObj | { readonly id: number };

/** Which inline button to press: its text, its callback data, or its `[row, column]`. */
export type ButtonRef =
  | string
  | { readonly text?: string; readonly data?: string }
  | readonly [number, number];

/** A message with an inline keyboard: a chat message, or an inline message by its id. */
export type KeyboardHost = MessageRef | { readonly inline_message_id: string };

/**
 * What scripted users need from the emulator. The emulator implements it; the user only drives the world.
 */
export interface UserWorld {
  /** The world. */
  readonly world: World;
  /** The bot state behind a reference. */
  bot(ref: BotRef): BotState;
  /** The chat state behind a reference (a user's id: their private chat with `bot` or the default peer). */
  chat(ref: ChatRef, bot?: BotRef): ChatState;
}

/** A scripted user as its actions see it: the account, the emulator, and writing as the user. */
export interface Actor {
  /** The emulator. */
  readonly host: UserWorld;
  /** The account. */
  readonly user: UserObj;
  /** Posts content as the user in a chat (replying to `replyTo` when given) and tells the chat's bots. */
  post(state: ChatState, content: Obj, replyTo?: number): MessageObj;
  /** The chat a message the test holds is in. */
  chatOf(message: MessageRef): ChatState;
}
