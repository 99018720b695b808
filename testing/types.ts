/** A loose JSON object, as the emulator builds and stores Bot API objects. */
export type Obj = Record<string, unknown>;

/** A Telegram user or bot account as the emulator stores it. */
export interface UserObj {
  /** Unique id. */
  id: number;
  /** True for bots. */
  is_bot: boolean;
  /** First name. */
  first_name: string;
  /** Last name. */
  last_name?: string;
  /** Username without the `@`. */
  username?: string;
  /** IETF language tag. */
  language_code?: string;
  /** Other fields (`can_join_groups`, …). */
  [field: string]: unknown;
}

/** Kinds of chat the emulator knows. */
export type ChatType = "private" | "group" | "supergroup" | "channel";

/** A chat as it appears inside messages. */
export interface ChatObj {
  /** Unique id: a user's id for a private chat, negative for groups and channels. */
  id: number;
  /** Kind of chat. */
  type: ChatType;
  /** Title of a group or channel. */
  title?: string;
  /** Username of a supergroup, channel or private peer. */
  username?: string;
  /** First name of a private peer. */
  first_name?: string;
  /** Last name of a private peer. */
  last_name?: string;
  /** Other fields. */
  [field: string]: unknown;
}

/** A message as the emulator stores it. */
export interface MessageObj {
  /** Id, unique within its chat. */
  message_id: number;
  /** Unix time in seconds. */
  date: number;
  /** Chat the message belongs to. */
  chat: ChatObj;
  /** Sender. */
  from?: UserObj;
  /** Other fields: content, entities, reply_markup, … */
  [field: string]: unknown;
}

/** Unix time in whole seconds, as Telegram dates are. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
