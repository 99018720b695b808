import type {
  CallbackQuery,
  ChosenInlineResult,
  InlineQuery,
  Message,
  OrderInfo,
  ShippingAddress,
} from "../api/types.gen.ts";
import { detectEntities } from "./entities.ts";
import { badRequest } from "./failure.ts";
import { FileStore, randomId } from "./files.ts";
import { DEFAULT_OBSERVE_SECONDS, queryAnswer } from "./observe.ts";
import type { ChatObj, MessageObj, Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import { type BotState, chatMember, type ChatState, type World } from "./world.ts";

/** A bot, by its handle (`{ token }`), token or username. */
export type BotRef = { readonly token: string } | string;

/** Options of a scripted user's message. */
export interface UserSendOptions {
  /** In a private chat: the bot the user writes to (default: the bot of the conversation, else the first bot). */
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

/** Outcome of {@link ScriptedUser.pay}. */
export type PaymentOutcome =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly stage: "shipping" | "pre_checkout"; readonly error_message: string };

/** Options of {@link ScriptedUser.pay}. */
export interface PayOptions {
  /** Address given when the invoice asks for shipping. */
  readonly shipping_address?: ShippingAddress;
  /** Order info (name, phone, email) handed to the bot. */
  readonly order_info?: OrderInfo;
  /** Seconds to wait for each of the bot's answers; default 5. */
  readonly timeout?: number;
}

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

const DEFAULT_ADDRESS: ShippingAddress = {
  country_code: "NL",
  state: "",
  city: "Amsterdam",
  street_line1: "Dam 1",
  street_line2: "",
  post_code: "1012JS",
};

function asMessage(m: MessageObj): Message {
  return m as unknown as Message;
}

/**
 * A human account driven by a test or demo: it writes, edits, presses buttons, asks inline queries, joins,
 * leaves and pays like a person would, and each action reaches the bots concerned as an update.
 */
export class ScriptedUser {
  /**
   * Wraps an account of the world; use `emu.createUser` rather than this.
   * @param host the emulator.
   * @param user the account.
   */
  constructor(protected readonly host: UserWorld, readonly user: UserObj) {}

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
      return Promise.resolve(asMessage(this.#post(this.#target(chat, options.to), content, options)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Sends a photo (the bytes are stored and get a file_id bots can download). */
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
    this.#checkCanPost(state);
    const fields: Obj = { ...content };
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

  /** Edits one of the user's text messages; bots receive `edited_message` (or `edited_channel_post`). */
  editText(
    message: MessageRef,
    text: string,
  ): Promise<Message> {
    const { world } = this.host;
    const state = this.#chatOf(message);
    const current = world.message(state, message.message_id);
    if (
      current === undefined || state.authors[message.message_id - 1] !== null
      || current.from?.id !== this.user.id
    ) {
      return Promise.reject(badRequest("message can't be edited"));
    }
    current.text = text;
    const entities = detectEntities(text);
    if (entities === undefined) delete current.entities;
    else current.entities = entities;
    current.edit_date = unixNow();
    const kind = state.chat.type === "channel" ? "edited_channel_post" : "edited_message";
    world.broadcast(state, kind, { ...current });
    return Promise.resolve(asMessage(current));
  }

  /**
   * Presses a callback button of an inline keyboard. The bot that owns the message receives a
   * `callback_query` carrying the message (chat messages) or its `inline_message_id` (inline messages).
   * Await the bot's answer with `emu.answerOf(query)`.
   */
  pressButton(host: KeyboardHost, button: ButtonRef): Promise<CallbackQuery> {
    try {
      return Promise.resolve(this.#press(host, button));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Same as {@link pressButton}. */
  clickButton(host: KeyboardHost, button: ButtonRef): Promise<CallbackQuery> {
    return this.pressButton(host, button);
  }

  #press(host: KeyboardHost, ref: ButtonRef): CallbackQuery {
    const { world } = this.host;
    let current: Obj | undefined;
    let bot: BotState | null | undefined;
    let origin: Obj;
    let instance: string;
    if ("inline_message_id" in host) {
      const inline = world.inlineMessages.get(host.inline_message_id);
      current = inline?.message;
      bot = inline?.bot;
      origin = { inline_message_id: host.inline_message_id };
      instance = `i${host.inline_message_id.length}${this.user.id}`;
    } else {
      const state = this.#chatOf(host);
      current = world.message(state, host.message_id);
      bot = state.authors[host.message_id - 1];
      origin = { message: current };
      instance = String(Math.abs(state.chat.id * 31 + 7));
    }
    if (current === undefined || bot === null || bot === undefined) {
      throw new RangeError("no such bot message");
    }
    const rows = ((current.reply_markup as Obj | undefined)?.inline_keyboard ?? []) as Obj[][];
    const button = findButton(rows, ref);
    if (button === undefined) throw new RangeError("no such button on the message");
    const payload: Obj = typeof button.callback_data === "string"
      ? { data: button.callback_data }
      : button.callback_game !== undefined
      ? { game_short_name: ((current.game as Obj | undefined)?.title as string) ?? "" }
      : {};
    if (Object.keys(payload).length === 0) throw new RangeError("the button sends no callback query");
    const owner = bot;
    const query = world.openQuery("callback_query", owner, (id) => ({
      id,
      from: this.user,
      ...origin,
      chat_instance: instance,
      ...payload,
    }));
    owner.queue.push("callback_query", query.query);
    return query.query as unknown as CallbackQuery;
  }

  /** Types an inline query to a bot (`@bot query`); await its answer with `emu.answerOf(query)`. */
  inlineQuery(
    bot: BotRef,
    text: string,
    options: { offset?: string; chat_type?: string } = {},
  ): Promise<InlineQuery> {
    const owner = this.host.bot(bot);
    const query = this.host.world.openQuery("inline_query", owner, (id) => ({
      id,
      from: this.user,
      query: text,
      offset: options.offset ?? "",
      ...(options.chat_type !== undefined ? { chat_type: options.chat_type } : {}),
    }));
    owner.queue.push("inline_query", query.query);
    return Promise.resolve(query.query as unknown as InlineQuery);
  }

  /**
   * Chooses one of the results the bot answered an inline query with. The message is created as an inline
   * message (editable by `inline_message_id`) and, when `chat` is given, posted there `via_bot`; the bot
   * receives `chosen_inline_result`.
   */
  async chooseInlineResult(
    query: InlineQuery,
    resultId: string,
    options: { chat?: ChatRef; timeout?: number } = {},
  ): Promise<ChosenInlineResult> {
    const { world } = this.host;
    const state = world.queries.get(query.id);
    if (state === undefined || state.kind !== "inline_query") throw new RangeError("unknown inline query");
    const answer = await queryAnswer(state, options.timeout ?? DEFAULT_OBSERVE_SECONDS);
    const result = (answer.results as Obj[]).find((r) => String(r.id) === resultId);
    if (result === undefined) throw new RangeError(`the bot gave no result with id ${resultId}`);
    const content = inlineContent(result);
    const inlineMessageId = `${randomId(24)}`;
    world.inlineMessages.set(inlineMessageId, { bot: state.bot, message: { ...content }, from: this.user });
    if (options.chat !== undefined) {
      const chat = this.host.chat(options.chat);
      this.#post(chat, { ...content, via_bot: state.bot.sender }, {});
    }
    const chosen: Obj = {
      result_id: resultId,
      from: this.user,
      query: query.query,
      inline_message_id: inlineMessageId,
    };
    state.bot.queue.push("chosen_inline_result", chosen);
    return chosen as unknown as ChosenInlineResult;
  }

  /** Joins a group: a `new_chat_members` service message, and `chat_member` for bots that asked for it. */
  join(chat: ChatRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (state.user !== undefined) return Promise.reject(new RangeError("cannot join a private chat"));
    if (state.members.get(this.user.id)?.status === "kicked") {
      return Promise.reject(badRequest("USER_BANNED_IN_CHANNEL"));
    }
    this.host.world.changeMember(state, this.user, chatMember(this.user, "member"));
    if (state.chat.type === "channel") {
      return Promise.resolve(asMessage({ message_id: 0, date: unixNow(), chat: state.chat }));
    }
    const message = this.host.world.addMessage(state, { new_chat_members: [this.user] }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(asMessage(message));
  }

  /**
   * Adds a user or a bot to a group the scripted user is in: a `new_chat_members` service message, and
   * `my_chat_member` for an added bot (which joins as a plain member).
   */
  addMember(chat: ChatRef, member: ScriptedUser | BotRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (state.user !== undefined || !this.host.world.isMember(state, this.user.id)) {
      return Promise.reject(new RangeError("only a member of a group can add members"));
    }
    const user = member instanceof ScriptedUser ? member.user : this.host.bot(member).sender;
    this.host.world.changeMember(state, this.user, chatMember(user, "member"));
    if (state.chat.type === "channel") {
      return Promise.resolve(asMessage({ message_id: 0, date: unixNow(), chat: state.chat }));
    }
    const message = this.host.world.addMessage(state, { new_chat_members: [user] }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(asMessage(message));
  }

  /**
   * Votes in a poll a bot sent (option indexes; an empty list retracts the vote). The bot receives the
   * updated `poll`, and a `poll_answer` when the poll is not anonymous.
   */
  vote(
    pollMessage: MessageRef,
    optionIds: readonly number[],
  ): Promise<void> {
    const state = this.#chatOf(pollMessage);
    const poll = this.host.world.message(state, pollMessage.message_id)?.poll as Obj | undefined;
    const bot = state.authors[pollMessage.message_id - 1];
    if (poll === undefined || bot === null || bot === undefined) {
      return Promise.reject(new RangeError("not a bot's poll"));
    }
    if (poll.is_closed === true) return Promise.reject(new RangeError("the poll is closed"));
    const options = poll.options as Obj[];
    if (optionIds.some((i) => options[i] === undefined)) {
      return Promise.reject(new RangeError("no such option"));
    }
    if (optionIds.length > 1 && poll.allows_multiple_answers !== true) {
      return Promise.reject(new RangeError("the poll allows one answer"));
    }
    const votes = this.host.world.votes;
    const key = `${poll.id}:${this.user.id}`;
    const previous = votes.get(key) ?? [];
    if (previous.length > 0 && poll.allows_revoting === false) {
      return Promise.reject(new RangeError("revoting is not allowed"));
    }
    for (const i of previous) options[i].voter_count = (options[i].voter_count as number) - 1;
    for (const i of optionIds) options[i].voter_count = (options[i].voter_count as number) + 1;
    if (previous.length === 0 && optionIds.length > 0) {
      poll.total_voter_count = (poll.total_voter_count as number) + 1;
    }
    if (previous.length > 0 && optionIds.length === 0) {
      poll.total_voter_count = (poll.total_voter_count as number) - 1;
    }
    votes.set(key, [...optionIds]);
    bot.queue.push("poll", structuredClone(poll));
    if (poll.is_anonymous === false) {
      bot.queue.push("poll_answer", {
        poll_id: poll.id,
        user: this.user,
        option_ids: [...optionIds],
        option_persistent_ids: optionIds.map((i) => options[i].persistent_id),
      });
    }
    return Promise.resolve();
  }

  /** Leaves a group: a `left_chat_member` service message. */
  leave(chat: ChatRef): Promise<Message> {
    const state = this.host.chat(chat);
    if (!this.host.world.isMember(state, this.user.id)) return Promise.reject(new RangeError("not a member"));
    this.host.world.changeMember(state, this.user, chatMember(this.user, "left"));
    if (state.chat.type === "channel") {
      return Promise.resolve(asMessage({ message_id: 0, date: unixNow(), chat: state.chat }));
    }
    const message = this.host.world.addMessage(state, { left_chat_member: this.user }, this.user, null);
    this.host.world.broadcast(state, "message", message);
    return Promise.resolve(asMessage(message));
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
  async pay(
    invoice: MessageRef,
    options: PayOptions = {},
  ): Promise<PaymentOutcome> {
    const { world } = this.host;
    const state = this.#chatOf(invoice);
    const message = world.message(state, invoice.message_id);
    const params = message === undefined ? undefined : world.invoices.get(message);
    const bot = state.authors[invoice.message_id - 1];
    if (params === undefined || bot === null || bot === undefined) {
      throw new RangeError("not an invoice of a bot");
    }
    const seconds = options.timeout ?? DEFAULT_OBSERVE_SECONDS;
    let total = Number(params.total_amount);
    let shippingOptionId: string | undefined;
    if (params.is_flexible === true || params.is_flexible === "true") {
      const shipping = world.openQuery("shipping_query", bot, (id) => ({
        id,
        from: this.user,
        invoice_payload: params.payload,
        shipping_address: options.shipping_address ?? DEFAULT_ADDRESS,
      }));
      bot.queue.push("shipping_query", shipping.query);
      const answer = await queryAnswer(shipping, seconds);
      if (answer.ok !== true) {
        return { ok: false, stage: "shipping", error_message: String(answer.error_message ?? "") };
      }
      const option = (answer.shipping_options as Obj[])[0];
      shippingOptionId = String(option.id);
      for (const price of (option.prices ?? []) as Obj[]) total += Number(price.amount ?? 0);
    }
    const checkout = world.openQuery("pre_checkout_query", bot, (id) => ({
      id,
      from: this.user,
      currency: params.currency,
      total_amount: total,
      invoice_payload: params.payload,
      ...(shippingOptionId !== undefined ? { shipping_option_id: shippingOptionId } : {}),
      ...(options.order_info !== undefined ? { order_info: options.order_info } : {}),
    }));
    bot.queue.push("pre_checkout_query", checkout.query);
    const answer = await queryAnswer(checkout, seconds);
    if (answer.ok !== true) {
      return { ok: false, stage: "pre_checkout", error_message: String(answer.error_message ?? "") };
    }
    const paid = this.#post(state, {
      successful_payment: {
        currency: params.currency,
        total_amount: total,
        invoice_payload: params.payload,
        telegram_payment_charge_id: `tg_${randomId(16)}`,
        provider_payment_charge_id: `pr_${randomId(16)}`,
        ...(shippingOptionId !== undefined ? { shipping_option_id: shippingOptionId } : {}),
        ...(options.order_info !== undefined ? { order_info: options.order_info } : {}),
      },
    }, {});
    return { ok: true, message: asMessage(paid) };
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

function findButton(rows: Obj[][], ref: ButtonRef): Obj | undefined {
  if (Array.isArray(ref)) return rows[ref[0] as number]?.[ref[1] as number];
  for (const row of rows) {
    for (const button of row) {
      if (typeof ref === "string") {
        if (button.text === ref || button.callback_data === ref) return button;
      } else {
        const r = ref as { text?: string; data?: string };
        if (
          (r.text === undefined || button.text === r.text)
          && (r.data === undefined || button.callback_data === r.data)
        ) {
          return button;
        }
      }
    }
  }
  return undefined;
}

/** The message content an inline query result produces when chosen. */
function inlineContent(result: Obj): Obj {
  const input = result.input_message_content as Obj | undefined;
  const out: Obj = {};
  if (input !== undefined && typeof input.message_text === "string") {
    out.text = input.message_text;
    if (Array.isArray(input.entities)) out.entities = input.entities;
  } else if (input !== undefined && input.latitude !== undefined) {
    out.location = { latitude: input.latitude, longitude: input.longitude };
  } else if (typeof result.caption === "string") {
    out.caption = result.caption;
  } else if (typeof result.title === "string") {
    out.text = result.title;
  }
  if (result.type === "game") out.game = { title: result.game_short_name, description: "", photo: [] };
  if (result.reply_markup !== undefined) out.reply_markup = result.reply_markup;
  return out;
}
