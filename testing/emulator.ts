import { checkSeconds } from "../api/seconds.ts";
import { METHODS, TYPES } from "../api/spec.gen.ts";
import type { BusinessConnection, Chat, Message, Update, User } from "../api/types.gen.ts";
import { type ConnectionDeadlines, serve, type Server } from "../platform/serve.ts";
import type { Services } from "./context.ts";
import type { Handler } from "./context.ts";
import { directMessagesOf, openDirectMessages } from "./direct_messages.ts";
import { Dispatcher } from "./dispatcher.ts";
import { ApiFailure, ScriptError } from "./failure.ts";
import { type Fault, FaultInjector, type FaultSpec } from "./faults.ts";
import { randomId } from "./files.ts";
import { guardFirstContact } from "./first_contact.ts";
import { FloodGate, type FloodLimits, TELEGRAM_FLOOD_LIMITS } from "./flood.ts";
import { createHandler } from "./http.ts";
import { CallReader, type EmulatorWarning } from "./lenient.ts";
import {
  checkingBusiness,
  ephemeralView,
  genericHandler,
  modelledMethods,
  SENDING_METHODS,
} from "./methods/mod.ts";
import { DEFAULT_OBSERVE_SECONDS, nextBotEdit, nextBotMessage, queryAnswer } from "./observe.ts";
import { BodyBudget, DEFAULT_BODY_LIMITS, type RequestLimits } from "./params.ts";
import { ScriptedUser } from "./scripted_user.ts";
import type { Obj, UserObj } from "./types.ts";
import type { BotRef, ChatRef, UserWorld } from "./user_types.ts";
import { SpecValidator } from "./validate.ts";
import { WebhookRunner } from "./webhook.ts";
import { type BotAccount, type BotState, type ChatState, World } from "./world.ts";

/** Options of {@link BotApiEmulator.start}. Times are in seconds. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  readonly hostname?: string;
  /**
   * The webhook retry schedule's second; default 0.2. A failed delivery is retried as the real server
   * does it, counted in these units: at once, then after 2, 4, 8… (the backoff, also capped by
   * `webhookMaxRetryDelay`), or after the units the answer's `Retry-After` asks for (see
   * `WebhookTiming.retryDelay`).
   */
  readonly webhookRetryDelay?: number;
  /** Longest backoff between webhook retries, in seconds (a `Retry-After` is not cut); default 2. */
  readonly webhookMaxRetryDelay?: number;
  /** How long a webhook may take to answer; default 10. */
  readonly webhookTimeout?: number;
  /**
   * Flood control on sending methods: 429 with `retry_after` over the limits, as Telegram answers. Off by
   * default (tests run fast); `true` enforces Telegram's limits ({@link TELEGRAM_FLOOD_LIMITS}: about 30
   * messages/s overall, about 1/s per chat, 20/min per group, 1000/s overall for sends with
   * `allow_paid_broadcast: true`), an object chosen ones.
   */
  readonly flood?: FloodLimits | true;
  /**
   * Refuse what the real server tolerates (unknown parameters, loosely written integers and booleans, legacy
   * forms, left-out defaults) with a 400, to catch a bot's own mistakes; off by default, as Telegram. Also
   * refuse, as Telegram does and the emulator otherwise only warns about, a bot writing first to a user who
   * never started it (403 "Forbidden: bot can't initiate conversation with a user"; see
   * {@link UserOptions.startedBots}).
   */
  readonly strict?: boolean;
  /** Called with each leniency a call relied on (what `strict` would have refused); see also `warnings`. */
  readonly onWarning?: (warning: EmulatorWarning) => void;
  /**
   * Request body limits (see {@link RequestLimits}): 64 MiB per call (chunked bodies and multipart
   * included), 256 MiB being read at once per bot, 60 s for a body to arrive.
   */
  readonly bodyLimits?: Partial<RequestLimits>;
  /**
   * Deadlines that close slow connections (see {@link ConnectionDeadlines}), off by default: headers
   * within `headerTimeout` (default 10 s, also the longest a keep-alive connection may idle) and the
   * body within `requestTimeout` (default `bodyLimits.bodyTimeout` plus 5 s); an answer given before a
   * body has all arrived (408, 413) closes its connection. `true` turns them on with these defaults.
   * They need `node:http` (`Deno.serve` keeps no deadline on headers and cannot close a connection
   * whose body is still dribbling), which in Deno 2.9 serves about half as many calls per second:
   * turn them on for an emulator exposed to clients you do not control (`deno task emulator` does).
   */
  readonly deadlines?: Partial<ConnectionDeadlines> | boolean;
  /**
   * Seconds an update of a kind waits for its bot before it is dropped undelivered (polling or webhook),
   * by kind, where a test wants it sooner than the server: `{ inline_query: 1 }`. The server's own
   * (`UPDATE_LIFETIMES`): an inline query 30 s, a callback, shipping or pre-checkout query 150 s,
   * a chosen inline result 600 s, anything else a day, counted from a message's (last edit's) or a
   * change's own date.
   */
  readonly updateLifetimes?: Readonly<Record<string, number>>;
}

/** Seconds a connection may take over its headers, or idle between requests, by default. */
const DEFAULT_HEADER_TIMEOUT = 10;

/** How many warnings {@link BotApiEmulator.warnings} keeps (the oldest go first). */
const KEPT_WARNINGS = 1000;

/** A bot account created in the emulator. */
export interface BotHandle {
  /** Token to configure the bot client with. */
  readonly token: string;
  /** The bot's user object, as getMe returns it. */
  readonly user: User;
  /** The bot's id. */
  readonly id: number;
  /** The bot's username. */
  readonly username: string;
}

/** Options of {@link BotApiEmulator.createUser}: the account's fields, and bots it has started. */
export interface UserOptions {
  /** First name. */
  readonly first_name: string;
  /** Last name. */
  readonly last_name?: string;
  /** Username, without `@`. */
  readonly username?: string;
  /** IETF language tag of the user's app. */
  readonly language_code?: string;
  /**
   * Bots the user has already started, as if they had pressed Start before the test: these may write to
   * the user first. Telegram refuses a bot writing first to a user who never started it (403 "Forbidden:
   * bot can't initiate conversation with a user"): the emulator warns (`emu.warnings`, `onWarning`),
   * or in `strict` mode refuses likewise. A user starts a bot by writing to it in private, by pressing a
   * button in their private chat with it, or by asking to join a chat it administers; an inline query
   * does not open a private chat.
   */
  readonly startedBots?: readonly BotRef[];
}

/** Options of {@link BotApiEmulator.createGroup}. */
export interface GroupOptions {
  /** Title of the group. */
  readonly title: string;
  /** Human members; the first one is the creator. */
  readonly members?: readonly (ScriptedUser | UserObj)[];
  /** Bots in the group. */
  readonly bots?: readonly BotRef[];
  /** Status the bots get: `administrator` (default, with every right) or plain `member`. */
  readonly botStatus?: "administrator" | "member";
  /** `group` (default) or `supergroup`. */
  readonly type?: "group" | "supergroup";
  /** Public username (supergroups). */
  readonly username?: string;
  /** A supergroup with forum topics (`is_forum`); bots manage topics with `createForumTopic` and friends. */
  readonly forum?: boolean;
}

/** Options of {@link BotApiEmulator.createChannel}. */
export interface ChannelOptions {
  /** Title of the channel. */
  readonly title: string;
  /** Human members; the first one is the creator and may post. */
  readonly members?: readonly (ScriptedUser | UserObj)[];
  /** Bots administering the channel. */
  readonly bots?: readonly BotRef[];
  /** Public username. */
  readonly username?: string;
  /**
   * Opens the channel's direct-messages chat (`is_direct_messages`, its `parent_chat` the channel), where
   * users write to the channel and suggest posts; find it with {@link BotApiEmulator.directMessagesChat}.
   */
  readonly directMessages?: boolean;
}

/**
 * Which private chat a user's id means: each bot has its own private chat with a user. Without `bot`, the
 * one with the bot the user last exchanged a message with (or the first bot).
 *
 * Messages read through these options show files by the ids a bot knows them by, as it receives them:
 * `bot`'s ids, or in a private chat its bot's. Without `bot`, a group or channel shows the world's own ids,
 * which any bot may use too.
 */
export interface ChatOptions {
  /** The bot whose private chat with the user is meant, and whose file ids messages show. */
  readonly bot?: BotRef;
}

/** Options of the awaitable observations. */
export interface ObserveOptions extends ChatOptions {
  /** Seconds to wait; default 5. */
  readonly timeout?: number;
}

/**
 * A local Telegram for tests, demos and offline development: a real HTTP server speaking the Bot API on
 * loopback, with a world of users, chats and bots that scripted users act in.
 *
 * @example
 * ```ts
 * import { BotApiEmulator } from "@telepot/telepot-ts/testing";
 * const emu = await BotApiEmulator.start();
 * const { token } = emu.createBot({ username: "echo_bot" });
 * const alice = emu.createUser({ first_name: "Alice" });
 * await alice.sendText(alice.id, "hi");
 * const r = await fetch(`${emu.apiRoot}/bot${token}/getUpdates`);
 * console.log((await r.json()).result[0].message.text); // "hi"
 * await emu.close();
 * ```
 */
export class BotApiEmulator implements UserWorld {
  /** The world: accounts, chats, messages, files. */
  readonly world: World;
  /** Fault injection. */
  readonly faults: FaultInjector = new FaultInjector();
  /** Method routing; extend it to add or replace methods. */
  readonly dispatcher: Dispatcher = new Dispatcher();
  #server: Server | null = null;
  #origin = "";
  #closing = new AbortController();
  #webhooks = new Map<number, WebhookRunner>();
  #options: EmulatorOptions;
  #warnings: EmulatorWarning[] = [];

  private constructor(options: EmulatorOptions) {
    this.#options = options;
    this.world = new World(options.updateLifetimes);
    this.#services = {
      world: this.world,
      webhookChanged: (bot, renewed) => this.#webhookChanged(bot, renewed),
    };
    const gate = options.flood === undefined
      ? undefined
      : new FloodGate(options.flood === true ? TELEGRAM_FLOOD_LIMITS : options.flood);
    const modelled = modelledMethods(TYPES);
    const warn = (warning: EmulatorWarning) => {
      this.#warnings.push(warning);
      if (this.#warnings.length > KEPT_WARNINGS) this.#warnings.shift();
      options.onWarning?.(warning);
    };
    for (const name of Object.keys(SENDING_METHODS)) {
      modelled[name] = guardFirstContact(modelled[name], options.strict ?? false, warn);
    }
    if (gate !== undefined) {
      for (const name of Object.keys(SENDING_METHODS)) {
        if (name !== "sendChatAction") modelled[name] = gate.guard(modelled[name]);
      }
    }
    const business = (name: string, handler: Handler) =>
      METHODS[name]?.params.some((p) => p.name === "business_connection_id")
        ? checkingBusiness(handler)
        : handler;
    for (const [name, handler] of Object.entries(modelled)) {
      this.dispatcher.register(name, business(name, handler));
    }
    const spec = new SpecValidator(METHODS, TYPES);
    const fits = (type: string, value: unknown) => spec.fits(type, value);
    this.dispatcher.registerMissing(
      Object.keys(METHODS),
      (name) => business(name, genericHandler(METHODS[name], TYPES, fits)),
    );
    const reader = new CallReader(METHODS, TYPES, options.strict ?? false, warn);
    this.dispatcher.setValidator((method, input) => {
      if (reader.prepare(method, input)) spec.validate(method, input);
    });
  }

  /** The latest leniencies calls relied on (what `strict` mode would have refused), oldest first. */
  get warnings(): readonly EmulatorWarning[] {
    return this.#warnings;
  }

  /** Starts an emulator listening on loopback. */
  static start(options: EmulatorOptions = {}): Promise<BotApiEmulator> {
    const emu = new BotApiEmulator(options);
    return emu.#listen();
  }

  #listen(): Promise<BotApiEmulator> {
    const limits = { ...DEFAULT_BODY_LIMITS, ...this.#options.bodyLimits };
    const handler = createHandler({
      services: this.#services,
      dispatcher: this.dispatcher,
      faults: this.faults,
      closing: this.#closing.signal,
      budget: new BodyBudget(limits),
    });
    const deadlines = this.#options.deadlines;
    const chosen = deadlines === true ? undefined : deadlines || undefined;
    return serve(handler, {
      port: this.#options.port ?? 0,
      hostname: this.#options.hostname ?? "127.0.0.1",
      ...(deadlines === undefined || deadlines === false ? {} : {
        deadlines: {
          headerTimeout: checkSeconds(chosen?.headerTimeout, "deadlines.headerTimeout")
            ?? DEFAULT_HEADER_TIMEOUT,
          requestTimeout: checkSeconds(chosen?.requestTimeout, "deadlines.requestTimeout")
            ?? limits.bodyTimeout + 5,
        },
      }),
    }).then((server) => {
      this.#server = server;
      this.#origin = server.origin;
      return this;
    });
  }

  readonly #services: Services;

  /** Base URL to give a Bot API client, e.g. `http://127.0.0.1:40123` (methods live at `/bot<token>/…`). */
  get apiRoot(): string {
    return this.#origin;
  }

  /**
   * Creates a bot account; its token (given, or made up as `<id>:<secret>`) authenticates calls.
   * `privacy` (default true, as Telegram) limits what it sees in groups where it is not an administrator.
   */
  createBot(options: BotAccount): BotHandle {
    const bot = this.world.createBot(options);
    return handleOf(bot);
  }

  /** Creates a scripted user (a human account driven by the test). */
  createUser(options: UserOptions): ScriptedUser {
    const { startedBots, ...fields } = options;
    const user = new ScriptedUser(this, this.world.createUser(fields));
    for (const bot of startedBots ?? []) this.world.markStarted(user.id, this.bot(bot));
    return user;
  }

  /** Creates a group or supergroup with members and bots; returns the chat. */
  createGroup(options: GroupOptions): Chat {
    const state = this.world.createChat(
      options.type ?? "group",
      options.title,
      (options.members ?? []).map(userOf),
      (options.bots ?? []).map((b) => this.bot(b)),
      options.username,
      options.botStatus,
    );
    if (options.forum === true) {
      if (state.chat.type !== "supergroup") throw new ScriptError("only a supergroup can be a forum");
      state.chat.is_forum = true;
    }
    return state.chat;
  }

  /** Creates a channel; its bots are administrators and receive `channel_post` updates. */
  createChannel(options: ChannelOptions): Chat {
    const state = this.world.createChat(
      "channel",
      options.title,
      (options.members ?? []).map(userOf),
      (options.bots ?? []).map((b) => this.bot(b)),
      options.username,
    );
    if (options.directMessages === true) openDirectMessages(this.world, state);
    return state.chat;
  }

  /** The direct-messages chat of a channel created with `directMessages`. */
  directMessagesChat(channel: ChatRef): Chat {
    const state = directMessagesOf(this.world, this.chat(channel));
    if (state === undefined) throw new ScriptError("the channel has no direct messages chat");
    return state.chat;
  }

  /**
   * Connects a user's business account to a bot, as the user would in Telegram's settings: the bot receives a
   * `business_connection` update and may act for the account within `rights` (every right by default). The
   * account starts with `stars` Telegram Stars (default 0). Returns the connection.
   */
  connectBusiness(
    user: ScriptedUser | UserObj,
    bot: BotRef,
    options: { rights?: Obj; stars?: number } = {},
  ): BusinessConnection {
    const state = this.bot(bot);
    const owner = userOf(user);
    const rights = options.rights
      ?? Object.fromEntries(TYPES.BusinessBotRights.fields.map((f) => [f.name, true]));
    const connection = {
      id: `BC${owner.id}${randomId(10)}`,
      user: owner,
      user_chat_id: owner.id,
      date: Math.floor(Date.now() / 1000),
      rights,
      is_enabled: true,
    };
    this.world.stars.business.set(connection.id, {
      connection,
      bot: state,
      stars: options.stars ?? 0,
      bio: "",
    });
    state.queue.push("business_connection", connection);
    return connection as BusinessConnection;
  }

  /** Puts a fault in force (see {@link FaultSpec}); returns a handle to inspect or remove it. */
  injectFault(spec: FaultSpec): Fault {
    return this.faults.add(spec);
  }

  /** The next message a bot sends in the chat (in order; one not yet taken by an earlier call). */
  async nextBotMessage(chat: ChatRef, options: ObserveOptions = {}): Promise<Message> {
    const state = this.chat(chat, options.bot);
    const message = await nextBotMessage(state, options.timeout ?? DEFAULT_OBSERVE_SECONDS);
    return this.#shown(state, options, message);
  }

  /**
   * The next edit a bot makes to a message of the chat (text, caption, media, markup, live location), as the
   * message stood right after that edit; in order, like {@link nextBotMessage}.
   */
  async nextBotEdit(chat: ChatRef, options: ObserveOptions = {}): Promise<Message> {
    const state = this.chat(chat, options.bot);
    return this.#shown(state, options, await nextBotEdit(state, options.timeout ?? DEFAULT_OBSERVE_SECONDS));
  }

  /**
   * The bot's answer to a query a scripted user made: the parameters of its `answerCallbackQuery`,
   * `answerInlineQuery`, `answerShippingQuery` or `answerPreCheckoutQuery` call.
   */
  answerOf(query: { readonly id: string }, options: ObserveOptions = {}): Promise<Obj> {
    const state = this.world.queries.get(query.id);
    if (state === undefined) return Promise.reject(new ScriptError(`unknown query ${query.id}`));
    return queryAnswer(state, options.timeout ?? DEFAULT_OBSERVE_SECONDS);
  }

  /** The chat's messages in order, as they are now (edits applied, deleted ones left out). */
  transcript(chat: ChatRef, options: ChatOptions = {}): Message[] {
    const state = this.chat(chat, options.bot);
    return state.log.filter((m) => m !== undefined).map((m) => this.#shown(state, options, m));
  }

  /**
   * The ephemeral messages of a chat that one user sees now (those a bot sent to them as receiver, edits
   * applied, deleted ones left out); nobody else sees them, and they are not in the {@link transcript}.
   */
  ephemeralMessages(chat: ChatRef, user: { readonly id: number }, options: ChatOptions = {}): Message[] {
    const state = this.chat(chat, options.bot);
    return ephemeralView(state, user.id).map((m) => this.#shown(state, options, m));
  }

  /** A message of a chat as it is now, or undefined when deleted or unknown. */
  message(chat: ChatRef, messageId: number, options: ChatOptions = {}): Message | undefined {
    const state = this.chat(chat, options.bot);
    const message = this.world.message(state, messageId);
    return message === undefined ? undefined : this.#shown(state, options, message);
  }

  // A message as the bot of the options (or of the private chat) is shown it: a copy with its file ids
  // when it has files (recorded as of the message's chat, so a scripted user acts where it belongs), the
  // stored message itself otherwise.
  #shown<T extends object>(state: ChatState, options: ChatOptions, message: T): T {
    const bot = options.bot !== undefined ? this.bot(options.bot) : state.peer;
    if (bot === undefined) return message;
    const text = JSON.stringify(message);
    const shown = this.world.files.showTo(bot.user.id, text);
    if (shown === text) return message;
    const view = JSON.parse(shown) as T;
    this.world.recordView(view, message);
    return view;
  }

  /** Current reactions on a message by user or bot id (a bot's own through setMessageReaction). */
  reactions(chat: ChatRef, messageId: number, options: ChatOptions = {}): Map<number, Obj[]> {
    const state = this.chat(chat, options.bot);
    const prefix = `${state.chat.id}:${state.peer?.user.id ?? 0}:${messageId}:`;
    const out = new Map<number, Obj[]>();
    for (const [key, value] of this.world.reactions) {
      if (key.startsWith(prefix) && value.length > 0) out.set(Number(key.slice(prefix.length)), value);
    }
    return out;
  }

  /** The latest draft a bot streamed into a private chat with sendMessageDraft (`draft_id`, `text`, `entities`). */
  draft(chat: ChatRef, options: ChatOptions = {}): Obj | undefined {
    return this.world.drafts.get(this.chat(chat, options.bot));
  }

  /**
   * Updates waiting for a bot (not yet confirmed through getUpdates or delivered to its webhook), as the bot
   * receives them: with its own file ids.
   */
  pendingUpdates(bot: BotRef): Update[] {
    return this.bot(bot).queue.peek(Infinity) as unknown as Update[];
  }

  /** The bot state behind a handle, token or username. */
  bot(ref: BotRef): BotState {
    const found = typeof ref === "string"
      ? this.world.botsByToken.get(ref)
        ?? this.world.bots.get(this.world.usernames.get(ref.replace(/^@/, "").toLowerCase()) ?? 0)
      : this.world.botsByToken.get(ref.token);
    if (found === undefined) throw new ScriptError("unknown bot");
    return found;
  }

  /** The chat state behind an id, `@username`, chat object or user (their private chat with `bot`). */
  chat(ref: ChatRef, bot?: BotRef): ChatState {
    const id = typeof ref === "object" ? ref.id : ref;
    const state = this.world.findChat(id, bot === undefined ? undefined : this.bot(bot));
    if (state === undefined) throw new ScriptError(`unknown chat ${String(id)}`);
    return state;
  }

  #webhookChanged(bot: BotState, renewed = false): void {
    const runner = this.#webhooks.get(bot.user.id);
    if (bot.webhook === null || (renewed && runner !== undefined)) {
      runner?.stop();
      this.#webhooks.delete(bot.user.id);
      if (bot.webhook === null) return;
    } else if (runner !== undefined) return runner.start();
    const fresh = new WebhookRunner(bot, {
      retryDelay: this.#options.webhookRetryDelay ?? 0.2,
      ...(this.#options.webhookMaxRetryDelay !== undefined
        ? { maxRetryDelay: this.#options.webhookMaxRetryDelay }
        : {}),
      timeout: this.#options.webhookTimeout ?? 10,
    }, async (b, method, input) => {
      const name = this.dispatcher.canonical(method);
      if (name === undefined) return;
      try {
        await this.dispatcher.call(this.#services, b, name, input);
      } catch (e) {
        if (!(e instanceof ApiFailure)) throw e;
      }
    });
    this.#webhooks.set(bot.user.id, fresh);
    fresh.start();
  }

  /** Stops the server: pending long polls end empty, webhook delivery stops. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const runner of this.#webhooks.values()) runner.stop();
    this.#webhooks.clear();
    this.world.stopTimers();
    for (const bot of this.world.bots.values()) bot.queue.interrupt("timeout");
    await this.#server?.shutdown();
    this.#server = null;
  }

  /** `await using emu = await BotApiEmulator.start()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function handleOf(bot: BotState): BotHandle {
  return { token: bot.token, user: bot.user, id: bot.user.id, username: bot.user.username as string };
}

function userOf(u: ScriptedUser | UserObj): UserObj {
  return u instanceof ScriptedUser ? u.user : u;
}
