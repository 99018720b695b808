import type { Chat, Message, User } from "../api/types.gen.ts";

/** A loose JSON object, as the emulator builds and stores Bot API objects. */
export type Obj = Record<string, unknown>;

/**
 * A Telegram user or bot account as the emulator stores it: the Bot API `User`, open to fields the
 * emulator sets for its own bookkeeping.
 */
export type UserObj = User & Obj;

/** Kinds of chat the emulator knows. */
export type ChatType = "private" | "group" | "supergroup" | "channel";

/** A chat as it appears inside messages: the Bot API `Chat`, with its `type` narrowed to {@link ChatType}. */
export type ChatObj = Chat & { type: ChatType } & Obj;

/** A message as the emulator stores it: the Bot API `Message` over {@link ChatObj} and {@link UserObj}. */
export type MessageObj = Message & { chat: ChatObj; from?: UserObj } & Obj;

/** Unix time in whole seconds, as Telegram dates are. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
