import type { CallbackQuery, ChosenInlineResult, InlineQuery, Message } from "../api/types.gen.ts";
import { directMessagesOf, isDirectMessages, topicOf } from "./direct_messages.ts";
import { detectEntities } from "./entities.ts";
import { badRequest, ScriptError } from "./failure.ts";
import { FileStore } from "./files.ts";
import { missingPermission, missingRight } from "./permissions.ts";
import type { MessageObj, Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import { pressButton } from "./user_buttons.ts";
import { askInline, chooseInlineResult } from "./user_inline.ts";
import { payInvoice, type PaymentOutcome, type PayOptions } from "./user_payment.ts";
import { castVote } from "./user_poll.ts";
import type {
  Actor,
  BotRef,
  ButtonRef,
  ChatRef,
  KeyboardHost,
  MessageRef,
  UserSendOptions,
  UserWorld,
} from "./user_types.ts";
import { type BotState, chatMember, type ChatState } from "./world.ts";

/**
 * A human account driven by a test or demo: it writes, edits, presses buttons, asks inline queries, joins,
 * leaves and pays like a person would, and each action reaches the bots concerned as an update.
 */
export class ScriptedUser {
  /** The emulator. */
  protected readonly host: UserWorld;
  /** The account. */
  readonly user: UserObj;
  /**
   * Wraps an account of the world; use `emu.createUser` rather than this.
   * @param host the emulator.
   * @param user the account.
   */
  constructor(host: UserWorld, user: UserObj) {
    this.host = host;
    this.user = user;
    this.#actor = {
      host,
      user,
      post: (state, content, replyTo) => this.#post(state, content, replyTo === undefined ? {} : { replyTo }),
      chatOf: (message) => this.#chatOf(message),
    };
  }

  readonly #actor: Actor;

  /** The user's id, which is also the id of their private chat. */
  get id(): number {
    return this.user.id;
  }

  /** Sends text; commands (`/start`) and mentions carry entities as Telegram gives them. */
  sendText(chat: ChatRef, text: string, options: UserSendOptions = {}): Promise<Message> {
    if (text.length === 0) return Promise.reject(badRequest("message text is empty"));
    const entities = options.entities ?? detectEntities(text);
    return this.send(chat, entities === undefined ? { text } : { text, entities }, options);
  }

  /**
   * Sends any content: the fields are merged into the Message (`{ sticker: {...} }`, `{ location: {...} }`,
   * `{ contact: {...} }`, …).
   */
  send(chat: ChatRef, content: Obj, options: UserSendOptions = {}): Promise<Message> {
    try {
      return Promise.resolve(this.#post(this.#target(chat, options.to), content, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends a photo (the bytes are stored; the message shows the world's file_id, which any bot may use, and
   * each bot receives it with its own).
   */
  sendPhoto(
    chat: ChatRef,
    bytes: Uint8Array = new Uint8Array(16),
    options: UserSendOptions & { caption?: string } = {},
  ): Promise<Message> {
    const file = FileStore.describe(this.host.world.files.add(new Uint8Array(bytes), "photos", "photo.jpg"));
    const { file_path: _, ...size } = file;
    const content: Obj = { photo: [{ ...size, width: 800, height: 600 }] };
    if (options.caption !== undefined) content.caption = options.caption;
    return this.send(chat, content, options);
  }

  /** Sends a document with the given name and bytes. */
  sendDocument(
    chat: ChatRef,
    bytes: Uint8Array,
    fileName: string,
    options: UserSendOptions & { caption?: string; mime_type?: string } = {},
  ): Promise<Message> {
    const stored = this.host.world.files.add(new Uint8Array(bytes), "documents", fileName, options.mime_type);
    const { file_path: _, ...file } = FileStore.describe(stored);
    const content: Obj = {
      document: {
        ...file,
        file_name: fileName,
        ...(stored.mime_type ? { mime_type: stored.mime_type } : {}),
      },
    };
    if (options.caption !== undefined) content.caption = options.caption;
    return this.send(chat, content, options);
  }

  /** Shares a location. */
  sendLocation(
    chat: ChatRef,
    latitude: number,
    longitude: number,
    options: UserSendOptions = {},
  ): Promise<Message> {
    return this.send(chat, { location: { latitude, longitude } }, options);
  }

  /** Shares a contact card. */
  sendContact(
    chat: ChatRef,
    phoneNumber: string,
    firstName: string,
    options: UserSendOptions = {},
  ): Promise<Message> {
    return this.send(chat, { contact: { phone_number: phoneNumber, first_name: firstName } }, options);
  }

  /** Sends a sticker showing `emoji` (its file is stored, so bots can getFile it). */
  sendSticker(chat: ChatRef, emoji = "👍", options: UserSendOptions = {}): Promise<Message> {
    const { file_path: _, ...file } = FileStore.describe(
      this.host.world.files.add(new Uint8Array(32), "stickers", "sticker.webp", "image/webp"),
    );
    const sticker = {
      ...file,
      type: "regular",
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji,
    };
    return this.send(chat, { sticker }, options);
  }

  #post(state: ChatState, content: Obj, options: UserSendOptions): MessageObj {
    const { world } = this.host;
    this.#checkCanPost(state, content);
    const fields: Obj = { ...content };
    if (isDirectMessages(state)) fields.direct_messages_topic = topicOf(this.user);
    if (options.replyTo !== undefined) {
      const id = typeof options.replyTo === "number" ? options.replyTo : options.replyTo.message_id;
      const target = world.message(state, id);
      if (target !== undefined) fields.reply_to_message = target;
    }
    const message = world.addMessage(state, fields, this.user, null);
    world.broadcast(state, state.chat.type === "channel" ? "channel_post" : "message", message);
    return message;
  }

  /** The chat a send goes to: with `to`, the user's private chat with that bot. */
  #target(chat: ChatRef, to: BotRef | undefined): ChatState {
    const id = typeof chat === "object" ? chat.id : chat;
    if (to !== undefined && (id === this.user.id || id === String(this.user.id))) {
      return this.host.world.privateChat(this.user, this.host.bot(to));
    }
    return this.host.chat(chat);
  }

  /** The chat of a message: the stored object's own, else its bot sender's private chat, else by chat id. */
  #chatOf(message: MessageRef): ChatState {
    const { world } = this.host;
    const known = world.chatOfMessage(message);
    if (known !== undefined) return known;
    const bot = message.from?.is_bot ? world.bots.get(message.from.id) : undefined;
    if (bot !== undefined && message.chat.id === this.user.id) return world.privateChat(this.user, bot);
    return this.host.chat(message.chat.id);
  }

  /**
   * Suggests a post to a channel through its direct-messages chat (`chat` names either): the message
   * carries a pending `suggested_post_info` with the proposed price and send date, and the chat's bots
   * receive it; they decide with approveSuggestedPost or declineSuggestedPost.
   */
  suggestPost(
    chat: ChatRef,
    content: Obj | string,
    options: { price?: { currency: "XTR" | "TON"; amount: number }; send_date?: number } = {},
  ): Promise<Message> {
    try {
      const named = this.host.chat(chat);
      const state = isDirectMessages(named) ? named : directMessagesOf(this.host.world, named);
      if (state === undefined) throw new ScriptError("the channel has no direct messages chat");
      const info: Obj = { state: "pending" };
      if (options.price !== undefined) info.price = options.price;
      if (options.send_date !== undefined) info.send_date = options.send_date;
      const fields = typeof content === "string" ? { text: content } : content;
      return Promise.resolve(this.#post(state, { ...fields, suggested_post_info: info }, {}));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Edits one of the user's text messages; bots receive `edited_message` (or `edited_channel_post`). */
  editText(
    message: MessageRef,
    text: string,
  ): Promise<Message> {
    const { world } = this.host;
    const state = this.#chatOf(message);
    const current = world.message(state, message.message_id);
    // Channel posts carry no `from`: any member who may post there may edit a post written by a human.
    const mine = state.chat.type === "channel"
      ? world.isMember(state, this.user.id)
      : current?.from?.id === this.user.id;
    if (current === undefined || state.authors[message.message_id - 1] !== null || !mine) {
      return Promise.reject(badRequest("message can't be edited"));
    }
    current.text = text;
    const entities = detectEntities(text);
    if (entities === undefined) delete current.entities;
    else current.entities = entities;
    current.edit_date = unixNow();
    world.changed({ kind: "edit", chat: state, message: current });
    const kind = state.chat.type === "channel" ? "edited_channel_post" : "edited_message";
    world.broadcast(state, kind, { ...current });
    return Promise.resolve(current);
  }

  /**
   * Presses a callback button of an inline keyboard. The bot that owns the message receives a
   * `callback_query` carrying the message (chat messages) or its `inline_message_id` (inline messages,
   * also when pressed where one was posted in a chat `via_bot`).
   * Await the bot's answer with `emu.answerOf(query)`.
   */
  pressButton(host: KeyboardHost, button: ButtonRef): Promise<CallbackQuery> {
    try {
      return Promise.resolve(pressButton(this.#actor, host, button));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Same as {@link pressButton}. */
  clickButton(host: KeyboardHost, button: ButtonRef): Promise<CallbackQuery> {
    return this.pressButton(host, button);
  }

  /** Types an inline query to a bot (`@bot query`); await its answer with `emu.answerOf(query)`. */
  inlineQuery(
    bot: BotRef,
    text: string,
    options: { offset?: string; chat_type?: string } = {},
  ): Promise<InlineQuery> {
    return askInline(this.#actor, bot, text, options);
  }

  /**
   * Chooses one of the results the bot answered an inline query with: when `chat` is given, the message
   * is posted there `via_bot`; the bot receives `chosen_inline_result`. As in Telegram, it carries an
   * `inline_message_id` only when the result has an inline keyboard (a game always has one): then the
   * message can be pressed and edited by that id.
   */
  chooseInlineResult(
    query: InlineQuery,
    resultId: string,
    options: { chat?: ChatRef; timeout?: number } = {},
  ): Promise<ChosenInlineResult> {
    return chooseInlineResult(this.#actor, query, resultId, options);
  }

  /** Joins a group: a `new_chat_members` service message, and `chat_member` for bots that asked for it. */
  join(chat: ChatRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (state.user !== undefined) return Promise.reject(new ScriptError("cannot join a private chat"));
    // A ban past its until_date is over (World.member makes it left), so the user may join again.
    if (this.host.world.member(state, this.user.id)?.status === "kicked") {
      return Promise.reject(badRequest("USER_BANNED_IN_CHANNEL"));
    }
    this.host.world.changeMember(state, this.user, this.host.world.joiningMember(state, this.user));
    if (state.chat.type === "channel") {
      return Promise.resolve({ message_id: 0, date: unixNow(), chat: state.chat });
    }
    const message = this.host.world.addMessage(state, { new_chat_members: [this.user] }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(message);
  }

  /**
   * Asks to join a group or channel, through an invite link or not: bots administering the chat with
   * `can_invite_users` receive `chat_join_request` and decide with approveChatJoinRequest or
   * declineChatJoinRequest.
   */
  requestJoin(chat: ChatRef, inviteLink?: string): Promise<void> {
    const state = this.host.chat(chat);
    if (state.user !== undefined) return Promise.reject(new ScriptError("cannot join a private chat"));
    const invites = this.host.world.invites;
    const via = inviteLink === undefined ? undefined : invites.links.get(inviteLink);
    if (inviteLink !== undefined && (via === undefined || via.chat !== state || !invites.usable(via))) {
      return Promise.reject(new ScriptError("the invite link is invalid, revoked, expired or used up"));
    }
    invites.request(this.host.world, state, this.user, via);
    return Promise.resolve();
  }

  /**
   * Opens an invite link: joins at once (counted against its `member_limit`), or files a join request when
   * the link asks for approval (then resolves undefined). A revoked, expired or used-up link is refused.
   */
  async joinByLink(inviteLink: string): Promise<Message | undefined> {
    const invites = this.host.world.invites;
    const via = invites.links.get(inviteLink);
    if (via === undefined || !invites.usable(via)) {
      throw new ScriptError("the invite link is invalid, revoked, expired or used up");
    }
    if (via.link.creates_join_request) {
      await this.requestJoin(via.chat.chat.id, inviteLink);
      return undefined;
    }
    via.joined++;
    return await this.join(via.chat.chat.id);
  }

  /**
   * Adds a user or a bot to a group the scripted user is in: a `new_chat_members` service message, and
   * `my_chat_member` for an added bot (which joins as a plain member).
   */
  addMember(chat: ChatRef, member: ScriptedUser | BotRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (state.user !== undefined || !this.host.world.isMember(state, this.user.id)) {
      return Promise.reject(new ScriptError("only a member of a group can add members"));
    }
    const user = member instanceof ScriptedUser ? member.user : this.host.bot(member).sender;
    this.host.world.changeMember(state, this.user, this.host.world.joiningMember(state, user));
    if (state.chat.type === "channel") {
      return Promise.resolve({ message_id: 0, date: unixNow(), chat: state.chat });
    }
    const message = this.host.world.addMessage(state, { new_chat_members: [user] }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(message);
  }

  /**
   * Votes in a poll a bot sent (option indexes; an empty list retracts the vote). The bot receives the
   * updated `poll`, and a `poll_answer` when the poll is not anonymous.
   */
  vote(pollMessage: MessageRef, optionIds: readonly number[]): Promise<void> {
    return castVote(this.#actor, pollMessage, optionIds);
  }

  /**
   * Sets the user's reactions on a message (emoji; an empty list removes them). Bots of the chat that ask
   * for `message_reaction` updates receive the old and new reactions. In a group, reacting needs
   * `can_react_to_messages` (the user's restriction or the chat's permissions), as posting needs its
   * permission: without it the call throws a ScriptError naming it.
   */
  react(message: MessageRef, emojis: readonly string[]): Promise<void> {
    const state = this.#chatOf(message);
    if (this.host.world.message(state, message.message_id) === undefined) {
      return Promise.reject(new ScriptError("no such message"));
    }
    // Only setting reactions is checked: whether Telegram lets such a member take one back is not known.
    const missing = state.user === undefined && emojis.length > 0
      ? missingRight(state, this.host.world.member(state, this.user.id), "can_react_to_messages")
      : undefined;
    if (missing !== undefined) {
      return Promise.reject(
        new ScriptError(`user ${this.user.id} may not react in chat ${state.chat.id}: ${missing} is false`),
      );
    }
    const key = `${state.chat.id}:${state.peer?.user.id ?? 0}:${message.message_id}:${this.user.id}`;
    const reactions = this.host.world.reactions;
    const old = reactions.get(key) ?? [];
    const now = emojis.map((emoji) => ({ type: "emoji", emoji }));
    reactions.set(key, now);
    this.host.world.broadcast(state, "message_reaction", {
      chat: state.chat,
      message_id: message.message_id,
      user: this.user,
      date: unixNow(),
      old_reaction: old,
      new_reaction: now,
    });
    return Promise.resolve();
  }

  /** Leaves a group: a `left_chat_member` service message. */
  leave(chat: ChatRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (!this.host.world.isMember(state, this.user.id)) {
      return Promise.reject(new ScriptError("not a member"));
    }
    this.host.world.changeMember(state, this.user, this.host.world.leavingMember(state, this.user));
    if (state.chat.type === "channel") {
      return Promise.resolve({ message_id: 0, date: unixNow(), chat: state.chat });
    }
    const message = this.host.world.addMessage(state, { left_chat_member: this.user }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(message);
  }

  /** Blocks a bot: its sends to this user fail with 403 and it gets `my_chat_member` (kicked). */
  block(bot: BotRef): void {
    const state = this.host.bot(bot);
    let set = this.host.world.blocked.get(this.user.id);
    if (set === undefined) this.host.world.blocked.set(this.user.id, set = new Set());
    set.add(state.user.id);
    this.#privateMemberUpdate(state, "member", "kicked");
  }

  /** Unblocks a bot. */
  unblock(bot: BotRef): void {
    const state = this.host.bot(bot);
    this.host.world.blocked.get(this.user.id)?.delete(state.user.id);
    this.#privateMemberUpdate(state, "kicked", "member");
  }

  #privateMemberUpdate(bot: BotState, from: string, to: string): void {
    const chat = this.host.world.privateChat(this.user, bot).chat;
    bot.queue.push("my_chat_member", {
      chat,
      from: this.user,
      date: unixNow(),
      old_chat_member: chatMember(bot.sender, from),
      new_chat_member: chatMember(bot.sender, to),
    });
  }

  /**
   * Pays an invoice the bot sent: a `shipping_query` first when the invoice is flexible, then a
   * `pre_checkout_query`; once the bot approves both, a `successful_payment` message is posted.
   */
  pay(invoice: MessageRef, options: PayOptions = {}): Promise<PaymentOutcome> {
    return payInvoice(this.#actor, invoice, options);
  }

  #checkCanPost(state: ChatState, content: Obj): void {
    if (state.user !== undefined) {
      if (state.user.id !== this.user.id) throw badRequest("a user can only write in their own private chat");
      return;
    }
    // Anyone may write to a channel's direct messages; each writer gets a topic of their own.
    if (!isDirectMessages(state) && !this.host.world.isMember(state, this.user.id)) {
      throw badRequest(`user ${this.user.id} is not a member of chat ${state.chat.id}`);
    }
    // Telegram's clients do not let a member post what the chat's permissions (or their restriction) forbid.
    const missing = missingPermission(state, this.host.world.member(state, this.user.id), content);
    if (missing !== undefined) {
      throw new ScriptError(
        `user ${this.user.id} may not post this in chat ${state.chat.id}: ${missing} is false`,
      );
    }
  }
}
