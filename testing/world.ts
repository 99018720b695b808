import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import { TYPES } from "../api/spec.gen.ts";
import { badRequest, forbidden, ScriptError } from "./failure.ts";
import { FileStore, randomId } from "./files.ts";
import { InviteBook } from "./invites.ts";
import { StarLedger } from "./stars.ts";
import { builtInSets, type StickerSetState } from "./sticker_sets.ts";
import type { ChatObj, ChatType, MessageObj, Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import { UpdateQueue } from "./update_queue.ts";

/** What the emulator remembers about a webhook. */
export interface WebhookConfig {
  /** Target URL (with its scheme). */
  url: string;
  /** The URL as the bot gave it, which getWebhookInfo shows. */
  shownUrl?: string;
  /** Value of the `X-Telegram-Bot-Api-Secret-Token` header, if set. */
  secretToken?: string;
  /** Upper bound of concurrent deliveries the bot asked for. */
  maxConnections: number;
  /** Unix time of the last failed delivery. */
  lastErrorDate?: number;
  /** Why the last delivery failed. */
  lastErrorMessage?: string;
}

/** A bot account and everything the emulator tracks for it. */
export interface BotState {
  /** The bot's user object (what getMe returns). */
  readonly user: UserObj;
  /** The bot as it appears as a sender or member: the user object without the getMe-only fields. */
  readonly sender: UserObj;
  /** Its token. */
  readonly token: string;
  /** Pending updates. */
  readonly queue: UpdateQueue;
  /** Webhook, when one is set. */
  webhook: WebhookConfig | null;
  /** Values stored by set* methods and read back by get* methods (commands, name, description, …). */
  readonly settings: Map<string, unknown>;
  /**
   * Privacy mode: in groups where the bot is not an administrator it only sees commands, mentions of it,
   * replies to its messages and service messages.
   */
  privacy: boolean;
}

/** One chat: its object, its messages and its members. */
export interface ChatState {
  /** The chat as it appears in messages. */
  readonly chat: ChatObj;
  /** Messages by id - 1; removed ones stay as holes so ids never shift. */
  readonly log: (MessageObj | undefined)[];
  /** Bot that wrote each message (by id - 1), or null for a user or service message. */
  readonly authors: (BotState | null)[];
  /** Members by user id, as ChatMember objects. */
  readonly members: Map<number, Obj>;
  /** Position of the next bot message not yet observed through nextBotMessage. */
  botCursor: number;
  /** Snapshots of messages as bots edited them, in order. */
  readonly botEdits: MessageObj[];
  /** Position of the next bot edit not yet observed through nextBotEdit. */
  editCursor: number;
  /** Wakes callers of nextBotMessage. */
  readonly botWaiters: Set<() => void>;
  /** For a private chat: the user. */
  readonly user?: UserObj;
  /**
   * For a private chat: the bot on the other side. As in Telegram, each bot has its own private chat with a
   * user (same chat id, the user's id; its own message ids).
   */
  readonly peer?: BotState;
  /** Extra facts set by administration methods (description, permissions, pinned message, …). */
  readonly info: Obj;
}

/** Something a bot must answer: callback, inline, shipping and pre-checkout queries. */
export interface QueryState {
  /** Kind of query. */
  readonly kind: "callback_query" | "inline_query" | "shipping_query" | "pre_checkout_query";
  /** Bot that must answer. */
  readonly bot: BotState;
  /** The query object sent in the update. */
  readonly query: Obj;
  /** The answer parameters, once answered. */
  answer?: Obj;
  /** Callers waiting for the answer. */
  readonly waiters: ((answer: Obj) => void)[];
}

/** A message sent via inline mode, addressed by `inline_message_id`. */
export interface InlineMessageState {
  /** Bot whose inline result it is. */
  readonly bot: BotState;
  /** Its content (text, reply_markup, …). */
  readonly message: Obj;
  /** User who sent it. */
  readonly from: UserObj;
  /**
   * The chat it was posted in, if any: then `message` is that chat's message itself, so the bot's edits
   * show in the chat and a press there is a press on the inline message, as in Telegram (one message).
   */
  readonly chat?: ChatState;
}

/**
 * A change in the world, as a live view (the web UI) follows it. `keyboard` is the reply keyboard (or its
 * removal) a bot sent with a message; `action` a chat action such as `typing`; `chat` says a chat was
 * created or its title or description changed, `account` that an account was created. `edit` is also a
 * poll's new counts or its closing.
 */
export type WorldChange =
  | { readonly kind: "message" | "edit"; readonly chat: ChatState; readonly message: MessageObj }
  | { readonly kind: "delete"; readonly chat: ChatState; readonly messageId: number }
  | { readonly kind: "member"; readonly chat: ChatState; readonly member: Obj }
  | { readonly kind: "chat"; readonly chat: ChatState }
  | { readonly kind: "account"; readonly user: UserObj }
  | { readonly kind: "action"; readonly chat: ChatState; readonly bot: BotState; readonly action: string }
  | {
    readonly kind: "keyboard";
    readonly chat: ChatState;
    readonly bot: BotState;
    readonly markup: Obj;
    /** The users a `selective` markup is for; absent when it is for everyone in the chat. */
    readonly users?: readonly number[];
  };

// Not service messages though listed among them: a channel's giveaway posts and a bot's invoice are a
// chat's ordinary messages.
const ORDINARY_AFTER_SERVICE = new Set(["invoice", "giveaway", "giveaway_winners"]);

/**
 * Message fields that make it a service message, which bots see whatever their privacy mode: the
 * content fields the Bot API lists from `new_chat_members` on, but for {@link ORDINARY_AFTER_SERVICE}.
 */
const SERVICE_FIELDS: readonly string[] = MESSAGE_CONTENT_TYPES
  .slice(MESSAGE_CONTENT_TYPES.indexOf("new_chat_members"))
  .filter((field) => !ORDINARY_AFTER_SERVICE.has(field));

/** Whether a group message reaches a bot in privacy mode (administrators see everything). */
function seenInPrivacyMode(state: ChatState, bot: BotState, message: MessageObj): boolean {
  const status = state.members.get(bot.user.id)?.status;
  if (status === "administrator" || status === "creator") return true;
  if ((message.reply_to_message as MessageObj | undefined)?.from?.id === bot.user.id) return true;
  for (const field of SERVICE_FIELDS) if (message[field] !== undefined) return true;
  const text = (message.text ?? message.caption) as string | undefined;
  const entities = (message.entities ?? message.caption_entities) as {
    type: string;
    offset: number;
    length: number;
  }[] | undefined;
  if (text === undefined || entities === undefined) return false;
  const me = `@${String(bot.user.username).toLowerCase()}`;
  for (const e of entities) {
    const word = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === "mention" && word === me) return true;
    if (e.type === "bot_command" && (!word.includes("@") || word.endsWith(me))) return true;
  }
  return false;
}

// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days), so a longer wait is taken in turns.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

const MEMBER_STATUSES: ReadonlySet<string> = new Set(["creator", "administrator", "member", "restricted"]);

/**
 * Administrator rights the emulator grants to bots and admins it creates: every right of the spec's
 * `ChatAdministratorRights`, so a new Bot API version's rights appear without an edit here.
 */
export const FULL_RIGHTS: Readonly<Obj> = {
  can_be_edited: false,
  ...Object.fromEntries(
    TYPES.ChatAdministratorRights.fields.map((field) => [field.name, field.name !== "is_anonymous"]),
  ),
};

/** Builds a ChatMember object with the given status. */
export function chatMember(user: UserObj, status: string): Obj {
  if (status === "administrator") return { status, user, ...FULL_RIGHTS };
  if (status === "creator") return { status, user, is_anonymous: false };
  if (status === "kicked") return { status, user, until_date: 0 };
  return { status, user };
}

/** A bot account to create: its token (given, or made up as `<id>:<secret>`) authenticates calls. */
export interface BotAccount {
  /** The bot's username, without `@`. */
  username: string;
  /** Its display name (default: the username). */
  first_name?: string;
  /** Its user id (default: the next free one, or the token's prefix). */
  id?: number;
  /** Its token (default: made up). */
  token?: string;
  /** Limits what it sees in groups where it is not an administrator (default true, as Telegram). */
  privacy?: boolean;
  /** Topics in private chats (`has_topics_enabled`), as turned on in BotFather. */
  topics?: boolean;
}

/** The emulated Telegram: accounts, chats, messages, files and open queries. */
export class World {
  /**
   * Seconds an update of a kind is kept for its bot before it is dropped undelivered, where not as the
   * server keeps it (`UPDATE_LIFETIMES`; a day for the rest).
   */
  readonly updateLifetimes: Readonly<Record<string, number>>;

  /** Creates an empty world; `updateLifetimes` as {@link World.updateLifetimes}. */
  constructor(updateLifetimes: Readonly<Record<string, number>> = {}) {
    this.updateLifetimes = updateLifetimes;
  }

  /** Users (humans) by id. */
  readonly users: Map<number, UserObj> = new Map();
  /** Bots a user has blocked, by user id. */
  readonly blocked: Map<number, Set<number>> = new Map();
  /** Bots by id. */
  readonly bots: Map<number, BotState> = new Map();
  /** Bots by token. */
  readonly botsByToken: Map<string, BotState> = new Map();
  /** Groups, supergroups and channels by id. */
  readonly chats: Map<number, ChatState> = new Map();
  /** Private chats by `<user id>:<bot id>`. */
  readonly privates: Map<string, ChatState> = new Map();
  /** The bot each user last exchanged a private message with. */
  readonly lastPeer: Map<number, BotState> = new Map();
  /**
   * Bots each user has started (by user id): wrote to in private, pressed a button of in private, or was
   * created having started. Only these may message the user, and for a while a bot told of the user's
   * request to join a chat (see {@link World.hasStarted}).
   */
  readonly started: Map<number, Set<number>> = new Map();
  #chatOf = new WeakMap<object, ChatState>();
  /** Public chats and users by lower-case username. */
  readonly usernames: Map<string, number> = new Map();
  /** Uploaded and generated files. */
  readonly files: FileStore = new FileStore();
  /** Open and answered queries by id. */
  readonly queries: Map<string, QueryState> = new Map();
  /** Messages sent via inline mode by inline_message_id. */
  readonly inlineMessages: Map<string, InlineMessageState> = new Map();
  /** The inline_message_id of a chat message that is an inline message posted in its chat. */
  readonly inlineIds: WeakMap<MessageObj, string> = new WeakMap();
  /** Current reactions by `<chat id>:<peer bot id>:<message id>:<user id>`. */
  readonly reactions: Map<string, Obj[]> = new Map();
  /** Poll votes by `<poll id>:<user id>`. */
  readonly votes: Map<string, number[]> = new Map();
  /** Invoice parameters of invoice messages, for the pay flow. */
  readonly invoices: WeakMap<MessageObj, Obj> = new WeakMap();
  /** Game high scores by game message key, then user id. */
  readonly scores: Map<string, Map<number, number>> = new Map();
  #watchers = new Set<(change: WorldChange) => void>();
  /** Profile photos by user or bot id, newest first, each as its sizes. */
  readonly profilePhotos: Map<number, Obj[][]> = new Map();
  /** The latest draft a bot streamed into each private chat (sendMessageDraft). */
  readonly drafts: WeakMap<ChatState, Obj> = new WeakMap();
  /** Stars balances and payments, gifts, business accounts. */
  readonly stars: StarLedger = new StarLedger();
  // Timers of approved suggested posts waiting for their send date (cleared when the emulator closes).
  #scheduledPosts = new Set<ReturnType<typeof setTimeout>>();
  // The timers lifting restrictions and bans at their until_date, by `<chat id>:<user id>`.
  #lapses = new Map<string, ReturnType<typeof setTimeout>>();
  #timersStopped = false;
  /** Invite links and pending join requests. */
  readonly invites: InviteBook = new InviteBook();
  /** Sticker sets by lower-case name, starting with the built-in public sets. */
  readonly stickerSets: Map<string, StickerSetState> = new Map(
    builtInSets(this.files).map((state) => [state.set.name.toLowerCase(), state]),
  );
  #nextUserId = 100_000_001;
  #nextBotId = 700_000_001;
  #nextGroupId = 1;

  /** Creates a human account. */
  createUser(fields: Partial<UserObj> & { first_name: string }): UserObj {
    const user: UserObj = { ...fields, id: fields.id ?? this.#nextUserId++, is_bot: false };
    if (this.users.has(user.id) || this.bots.has(user.id)) {
      throw new ScriptError(`user id ${user.id} is taken`);
    }
    this.users.set(user.id, user);
    if (user.username !== undefined) this.usernames.set(user.username.toLowerCase(), user.id);
    this.changed({ kind: "account", user });
    return user;
  }

  /** Creates a bot account with a fresh token. */
  createBot(fields: BotAccount): BotState {
    const prefix = fields.token === undefined
      ? NaN
      : Number(fields.token.slice(0, fields.token.indexOf(":")));
    const id = fields.id ?? (Number.isSafeInteger(prefix) && prefix > 0 ? prefix : this.#nextBotId++);
    const token = fields.token ?? `${id}:AA${randomId(33)}`;
    if (this.botsByToken.has(token) || this.bots.has(id) || this.users.has(id)) {
      throw new ScriptError(`bot id ${id} or its token is taken`);
    }
    const user: UserObj = {
      id,
      is_bot: true,
      first_name: fields.first_name ?? fields.username,
      username: fields.username,
      can_join_groups: true,
      can_read_all_group_messages: fields.privacy === false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
      ...(fields.topics === true ? { has_topics_enabled: true } : {}),
    };
    const bot: BotState = {
      user,
      sender: { id, is_bot: true, first_name: user.first_name, username: fields.username },
      token,
      queue: new UpdateQueue(1, (json) => this.files.showTo(id, json), this.updateLifetimes),
      webhook: null,
      settings: new Map(),
      privacy: fields.privacy ?? true,
    };
    this.bots.set(id, bot);
    this.botsByToken.set(token, bot);
    this.usernames.set(fields.username.toLowerCase(), id);
    this.changed({ kind: "account", user });
    return bot;
  }

  /** Creates a group, supergroup or channel; the first member is its creator. */
  createChat(
    type: Exclude<ChatType, "private">,
    title: string,
    members: readonly UserObj[],
    bots: readonly BotState[],
    username?: string,
    botStatus: "administrator" | "member" = "administrator",
  ): ChatState {
    const n = this.#nextGroupId++;
    const id = type === "group" ? -(1000 + n) : -(1_000_000_000_000 + n);
    const chat: ChatObj = { id, type, title };
    if (username !== undefined) {
      chat.username = username;
      this.usernames.set(username.toLowerCase(), id);
    }
    const state = this.#newChatState(chat);
    members.forEach((user, i) =>
      state.members.set(user.id, chatMember(user, i === 0 ? "creator" : "member"))
    );
    for (const bot of bots) state.members.set(bot.user.id, chatMember(bot.sender, botStatus));
    this.chats.set(id, state);
    this.changed({ kind: "chat", chat: state });
    return state;
  }

  #newChatState(chat: ChatObj, user?: UserObj, peer?: BotState): ChatState {
    return {
      chat,
      log: [],
      authors: [],
      members: new Map(),
      botCursor: 0,
      botEdits: [],
      editCursor: 0,
      botWaiters: new Set(),
      ...(user !== undefined ? { user } : {}),
      ...(peer !== undefined ? { peer } : {}),
      info: {},
    };
  }

  /** The private chat between a user and a bot (its id is the user's id), created on first use. */
  privateChat(user: UserObj, bot: BotState): ChatState {
    const key = `${user.id}:${bot.user.id}`;
    let state = this.privates.get(key);
    if (state === undefined) {
      const chat: ChatObj = { id: user.id, type: "private", first_name: user.first_name };
      if (user.last_name !== undefined) chat.last_name = user.last_name;
      if (user.username !== undefined) chat.username = user.username;
      state = this.#newChatState(chat, user, bot);
      state.members.set(user.id, chatMember(user, "member"));
      state.members.set(bot.user.id, chatMember(bot.sender, "member"));
      this.privates.set(key, state);
    }
    return state;
  }

  /** Records that a user has started a bot, so the bot may message them. */
  markStarted(userId: number, bot: BotState): void {
    let bots = this.started.get(userId);
    if (bots === undefined) this.started.set(userId, bots = new Set());
    bots.add(bot.user.id);
  }

  /**
   * Whether a bot may message a user: the user started it (see {@link World.started}), or asked to join a
   * chat it administers, within that request's contact window ({@link InviteBook.mayContact}).
   */
  hasStarted(userId: number, bot: BotState): boolean {
    if (this.started.get(userId)?.has(bot.user.id) === true) return true;
    return this.invites.mayContact(userId, bot.user.id);
  }

  /** The bot a user's private chat means when no bot is named: the last one they talked with, else the first. */
  defaultPeer(user: UserObj): BotState | undefined {
    return this.lastPeer.get(user.id) ?? this.bots.values().next().value;
  }

  /** The chat a stored message belongs to (by identity), if it is one of the world's message objects. */
  chatOfMessage(message: object): ChatState | undefined {
    return this.#chatOf.get(message);
  }

  /**
   * Records `view`, a copy of a stored message made to show it to a bot (with its file ids), as being
   * of the same chat: a scripted user acting on the copy acts in that chat, not one found by chat id.
   */
  recordView(view: object, of: object): void {
    const state = this.#chatOf.get(of);
    if (state !== undefined) this.#chatOf.set(view, state);
  }

  /**
   * Looks a chat up by id or `@username`, as the Bot API's `chat_id` allows. A user's id names their private
   * chat with `bot` (or, for the emulator's own API, with their default peer).
   */
  findChat(chatId: unknown, bot?: BotState): ChatState | undefined {
    let id: number | undefined;
    if (typeof chatId === "number") id = chatId;
    else if (typeof chatId === "string") {
      if (chatId.charCodeAt(0) === 64) id = this.usernames.get(chatId.slice(1).toLowerCase());
      else if (chatId !== "" && !Number.isNaN(Number(chatId))) id = Number(chatId);
    }
    if (id === undefined) return undefined;
    const state = this.chats.get(id);
    if (state !== undefined) return state;
    const user = this.users.get(id);
    if (user === undefined) return undefined;
    const peer = bot ?? this.defaultPeer(user);
    return peer === undefined ? undefined : this.privateChat(user, peer);
  }

  /** The chat a bot may act in; throws Telegram's 400/403 failures otherwise. */
  chatForBot(bot: BotState, chatId: unknown): ChatState {
    const state = this.findChat(chatId, bot);
    if (state === undefined) throw badRequest("chat not found");
    if (state.user !== undefined) {
      if (this.blocked.get(state.user.id)?.has(bot.user.id)) throw forbidden("bot was blocked by the user");
      return state;
    }
    const member = this.member(state, bot.user.id);
    if (member === undefined || !MEMBER_STATUSES.has(member.status as string)) {
      if (member?.status === "kicked") {
        throw forbidden(
          `bot was kicked from the ${groupKind(state.chat.type)} chat`,
        );
      }
      throw forbidden(
        `bot is not a member of the ${groupKind(state.chat.type)} chat`,
      );
    }
    return state;
  }

  /** Whether a user or bot is a current member of a chat. */
  isMember(state: ChatState, userId: number): boolean {
    const member = state.members.get(userId);
    // A restricted user may be restricted while not (or no longer) in the chat.
    if (member?.status === "restricted") return member.is_member !== false;
    return member !== undefined && MEMBER_STATUSES.has(member.status as string);
  }

  /**
   * A user's or bot's record in a chat, as of now: a restriction or ban whose `until_date` has passed is
   * lifted (see {@link World.changeMember}), should this look come before the timer set for that moment.
   */
  member(state: ChatState, userId: number): Obj | undefined {
    const member = state.members.get(userId);
    if (member?.status !== "restricted" && member?.status !== "kicked") return member;
    const until = typeof member.until_date === "number" ? member.until_date : 0;
    if (until === 0 || until > unixNow()) return member;
    return this.#lapse(state, member, until);
  }

  /**
   * Lifts a restriction or ban whose `until_date` has come, as Telegram lifts it then (td's
   * update_restrictions): a plain member after a restriction (left, when out of the chat), left after a
   * ban, so the user may join again. The chat's bots are told as of any other change; the change is
   * the member's own (`from`), since nobody acts at that moment, dated at `until_date`.
   */
  #lapse(state: ChatState, member: Obj, until: number): Obj {
    const user = member.user as UserObj;
    const stays = member.status === "restricted" && member.is_member !== false;
    const lifted = chatMember(user, stays ? "member" : "left");
    this.#setMember(state, user, until, member, lifted);
    return lifted;
  }

  /**
   * Sets the timer that lifts `member`'s restriction or ban at its `until_date`, replacing the one set for
   * the user's previous record in the chat (a record without an end has none).
   */
  #scheduleLapse(state: ChatState, member: Obj): void {
    const userId = (member.user as UserObj).id;
    const key = `${state.chat.id}:${userId}`;
    clearTimeout(this.#lapses.get(key));
    this.#lapses.delete(key);
    const until = member.until_date;
    if (member.status !== "restricted" && member.status !== "kicked") return;
    if (typeof until !== "number" || until === 0 || this.#timersStopped) return;
    const wait = Math.min(Math.max(until * 1000 - Date.now(), 0), LONGEST_TIMER_MS);
    this.#lapses.set(
      key,
      setTimeout(() => {
        this.#lapses.delete(key);
        // The record still stands when the wait was capped (an until_date over 24.8 days away): wait on.
        if (this.member(state, userId) === member) this.#scheduleLapse(state, member);
      }, wait),
    );
  }

  /**
   * Runs `publish` after `ms` (an approved post waiting for its send date), unless the world's timers
   * were stopped: a call that ends while the emulator closes sets none.
   */
  schedulePost(publish: () => void, ms: number): void {
    if (this.#timersStopped) return;
    const timer = setTimeout(() => {
      this.#scheduledPosts.delete(timer);
      publish();
    }, ms);
    this.#scheduledPosts.add(timer);
  }

  /**
   * Cancels the world's timers, approved posts waiting for their send date, restrictions and bans, and
   * sets no more (the emulator is closing; calls still in flight may change members meanwhile).
   */
  stopTimers(): void {
    this.#timersStopped = true;
    for (const timer of this.#scheduledPosts) clearTimeout(timer);
    this.#scheduledPosts.clear();
    for (const timer of this.#lapses.values()) clearTimeout(timer);
    this.#lapses.clear();
  }

  /**
   * The record a user or bot gets on joining a chat: a plain member, unless restricted there while out
   * of it (a bot may restrict any user of a supergroup); then the restriction stays, now with
   * `is_member` true, as in Telegram, where joining does not lift it.
   */
  joiningMember(state: ChatState, user: UserObj): Obj {
    const current = this.member(state, user.id);
    if (current?.status === "restricted") return { ...current, user, is_member: true };
    return chatMember(user, "member");
  }

  /**
   * The record a user or bot leaves a chat with: left, unless restricted there; then the restriction
   * stays with `is_member` false (ChatMemberRestricted's "member of the chat at the moment").
   */
  leavingMember(state: ChatState, user: UserObj): Obj {
    const current = this.member(state, user.id);
    if (current?.status === "restricted") return { ...current, user, is_member: false };
    return chatMember(user, "left");
  }

  /** A user or bot by id. */
  findUser(id: unknown): UserObj | undefined {
    const n = typeof id === "string" ? Number(id) : id;
    if (typeof n !== "number") return undefined;
    return this.users.get(n) ?? this.bots.get(n)?.user;
  }

  /** A message of a chat, unless deleted or unknown. */
  message(state: ChatState, messageId: unknown): MessageObj | undefined {
    const id = typeof messageId === "string" ? Number(messageId) : messageId;
    return typeof id === "number" ? state.log[id - 1] : undefined;
  }

  /** Stores a new message with the next id of its chat. */
  addMessage(state: ChatState, fields: Obj, from: UserObj | null, bot: BotState | null): MessageObj {
    const channel = state.chat.type === "channel";
    const message = { message_id: state.log.length + 1 } as MessageObj;
    if (from !== null && !channel) message.from = from;
    if (channel) message.sender_chat = state.chat;
    message.date = unixNow();
    message.chat = state.chat;
    for (const key in fields) message[key] = fields[key];
    state.log.push(message);
    state.authors.push(bot);
    this.#chatOf.set(message, state);
    if (state.peer !== undefined) {
      this.lastPeer.set(state.user!.id, state.peer);
      // Writing to a bot in private (a /start or anything else) starts it, as in Telegram.
      if (bot === null && from?.id === state.user!.id) this.markStarted(from.id, state.peer);
    }
    if (bot !== null) { for (const wake of state.botWaiters) wake(); }
    this.changed({ kind: "message", chat: state, message });
    return message;
  }

  /**
   * Bots that receive updates about a chat: the bot of a private chat, every bot member of a group, the bots
   * administering a channel.
   */
  audience(state: ChatState): BotState[] {
    if (state.peer !== undefined) return [state.peer];
    const out: BotState[] = [];
    for (const [id, member] of state.members) {
      const bot = this.bots.get(id);
      if (bot !== undefined && MEMBER_STATUSES.has(member.status as string)) out.push(bot);
    }
    return out;
  }

  /** Records a bot's edit of a chat message (a snapshot, for nextBotEdit) and wakes observers. */
  recordBotEdit(state: ChatState, message: MessageObj): void {
    state.botEdits.push(structuredClone(message));
    for (const wake of state.botWaiters) wake();
    this.changed({ kind: "edit", chat: state, message });
  }

  /** Deletes a message: its id stays a hole in the log, so later ids never shift. */
  deleteMessage(state: ChatState, messageId: number): void {
    state.log[messageId - 1] = undefined;
    this.changed({ kind: "delete", chat: state, messageId });
  }

  /** Calls `watcher` with every change from now on (see {@link WorldChange}); returns what stops it. */
  watch(watcher: (change: WorldChange) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** Tells the watchers about a change; the world's own mutations call it, and so do method handlers. */
  changed(change: WorldChange): void {
    if (this.#watchers.size === 0) return;
    for (const watcher of this.#watchers) watcher(change);
  }

  /**
   * Records a membership change and tells the chat's bots (`chat_member`, and `my_chat_member` to a bot). A
   * restriction or ban with an `until_date` is lifted at that moment, with a change of its own.
   */
  changeMember(state: ChatState, actor: UserObj, member: Obj): void {
    const user = member.user as UserObj;
    const old = this.member(state, user.id) ?? chatMember(user, "left");
    this.#setMember(state, actor, unixNow(), old, member);
  }

  // Stores `member` in place of `old`, sets its lapse timer, and tells watchers and the chat's bots.
  #setMember(state: ChatState, actor: UserObj, date: number, old: Obj, member: Obj): void {
    state.members.set((member.user as UserObj).id, member);
    this.#scheduleLapse(state, member);
    this.changed({ kind: "member", chat: state, member });
    const change = { chat: state.chat, from: actor, date, old_chat_member: old, new_chat_member: member };
    const changedBot = this.bots.get((member.user as UserObj).id);
    changedBot?.queue.push("my_chat_member", change);
    for (const bot of this.audience(state)) if (bot !== changedBot) bot.queue.push("chat_member", change);
  }

  /** Queues an update about a chat for its audience (minus bots whose privacy mode hides it). */
  broadcast(state: ChatState, kind: string, payload: unknown): void {
    const screened = state.user === undefined && state.chat.type !== "channel"
      && (kind === "message" || kind === "edited_message");
    for (const bot of this.audience(state)) {
      if (screened && bot.privacy && !seenInPrivacyMode(state, bot, payload as MessageObj)) continue;
      bot.queue.push(kind, payload);
    }
  }

  /** Opens a query a bot must answer and returns its id. */
  openQuery(kind: QueryState["kind"], bot: BotState, build: (id: string) => Obj): QueryState {
    const id = `${Date.now().toString(36)}${randomId(10)}`;
    const state: QueryState = { kind, bot, query: build(id), waiters: [] };
    this.queries.set(id, state);
    return state;
  }
}

// How Telegram names a chat kind in its 403 descriptions.
function groupKind(type: string): string {
  return type === "channel" ? "channel" : type === "supergroup" ? "supergroup" : "group";
}
