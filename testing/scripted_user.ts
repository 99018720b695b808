import { detectEntities } from "./entities.ts";
import { badRequest } from "./failure.ts";
import type { ChatObj, MessageObj, Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import type { BotState, ChatState, World } from "./world.ts";

/** A bot, by its handle (`{ token }` or `{ user }`) or its username. */
export type BotRef = { readonly token: string } | string;

/** Options of a scripted user's message. */
export interface UserSendOptions {
  /** In a private chat: the bot the user writes to (default: the bot of the conversation, else the first bot). */
  readonly to?: BotRef;
  /** Message to reply to. */
  readonly replyTo?: MessageObj | number;
  /** Entities to send instead of the detected commands and mentions. */
  readonly entities?: readonly Obj[];
}

/** A chat reference: its id, `@username`, the chat object, or a user (their private chat). */
export type ChatRef = number | string | ChatObj | { readonly id: number };

/**
 * What scripted users need from the emulator. The emulator implements it; the user only drives the world.
 */
export interface UserWorld {
  /** The world. */
  readonly world: World;
  /** The bot state behind a reference. */
  bot(ref: BotRef): BotState;
  /** The chat state behind a reference. */
  chat(ref: ChatRef): ChatState;
}

/**
 * A human account driven by a test or demo: it writes, edits, joins and leaves like a person would, and each
 * action reaches the bots concerned as an update.
 */
export class ScriptedUser {
  /** @param host the emulator. @param user the account. */
  constructor(protected readonly host: UserWorld, readonly user: UserObj) {}

  /** The user's id, which is also the id of their private chat. */
  get id(): number {
    return this.user.id;
  }

  /** Sends text; commands (`/start`) and mentions carry entities as Telegram gives them. */
  sendText(chat: ChatRef, text: string, options: UserSendOptions = {}): Promise<MessageObj> {
    if (text.length === 0) throw badRequest("message text is empty");
    const entities = options.entities ?? detectEntities(text);
    return this.send(chat, entities === undefined ? { text } : { text, entities }, options);
  }

  /**
   * Sends any content: the fields are merged into the Message (`{ sticker: {...} }`, `{ location: {...} }`,
   * `{ photo: [...] }`, …).
   */
  send(chat: ChatRef, content: Obj, options: UserSendOptions = {}): Promise<MessageObj> {
    const { world } = this.host;
    const state = this.host.chat(chat);
    this.#checkCanPost(state);
    const fields: Obj = { ...content };
    if (options.replyTo !== undefined) {
      const id = typeof options.replyTo === "number" ? options.replyTo : options.replyTo.message_id;
      const target = world.message(state, id);
      if (target !== undefined) fields.reply_to_message = target;
    }
    const message = world.addMessage(state, fields, this.user, null);
    const to = options.to === undefined ? undefined : this.host.bot(options.to);
    world.broadcast(state, state.chat.type === "channel" ? "channel_post" : "message", message, to);
    return Promise.resolve(message);
  }

  /** Edits one of the user's messages; bots receive `edited_message` (or `edited_channel_post`). */
  editText(message: MessageObj, text: string): Promise<MessageObj> {
    const { world } = this.host;
    const state = this.host.chat(message.chat);
    const current = world.message(state, message.message_id);
    if (current === undefined || current.from?.id !== this.user.id) {
      throw badRequest("message can't be edited");
    }
    current.text = text;
    const entities = detectEntities(text);
    if (entities === undefined) delete current.entities;
    else current.entities = entities;
    current.edit_date = unixNow();
    const kind = state.chat.type === "channel" ? "edited_channel_post" : "edited_message";
    world.broadcast(state, kind, { ...current });
    return Promise.resolve(current);
  }

  #checkCanPost(state: ChatState): void {
    if (state.user !== undefined) {
      if (state.user.id !== this.user.id) throw badRequest("a user can only write in their own private chat");
      return;
    }
    if (!this.host.world.isMember(state, this.user.id)) {
      throw badRequest(`user ${this.user.id} is not a member of chat ${state.chat.id}`);
    }
  }
}
