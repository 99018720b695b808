import { EDITOR_METHODS, SENDER_METHODS } from "../api/classification.gen.ts";
import type { MsgIdentifier } from "../api/msg_identifier.ts";
import { METHODS } from "../api/spec.gen.ts";
import type { DelegatorBot, Msg } from "../bot/delegator_bot.ts";
import { messageIdentifier } from "../bot/identifier.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { ListenerContext } from "./contexts.ts";
import { keyedTemplate, type Listener } from "./listener.ts";
import { checkBase, type Constructor, contextOptions } from "./mixin.ts";
import { flavorOrNull } from "./quick_flavor.ts";

// Filed under the callback_query flavor: the bot asks these patterns about callback queries only.
const IS_CALLBACK_QUERY = keyedTemplate([flavorOrNull], "callback_query", (msg: Msg) => {
  return flavorOrNull(msg) === "callback_query";
});

/** An origin in tuple form: `[chatId, messageId]` or `[inlineMessageId]`. */
export type OriginTuple =
  | readonly [chatId: number | string, messageId: number]
  | readonly [inlineMessageId: string];

/** Called when an origin is captured (`adding` true) or released, with the capturing delegate's id. */
export type OriginNotifier = (origin: OriginTuple, id: unknown, adding: boolean) => void;

/** Whether to capture callback queries of one origin type: no, yes, or yes and tell a notifier. */
export type CaptureSwitch = boolean | OriginNotifier;

/** A set of origins, compared by value. */
export class OriginSet {
  readonly #keys = new Set<string>();

  /** Number of origins held. */
  get size(): number {
    return this.#keys.size;
  }

  /** Adds an origin. */
  add(origin: OriginTuple): void {
    this.#keys.add(JSON.stringify(origin));
  }

  /** Removes an origin. */
  delete(origin: OriginTuple): void {
    this.#keys.delete(JSON.stringify(origin));
  }

  /** Whether the origin is held. */
  has(origin: OriginTuple): boolean {
    return this.#keys.has(JSON.stringify(origin));
  }
}

// deno-lint-ignore no-explicit-any
type Any = Record<string, any>;

function isPlain(v: unknown): v is Any {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether any argument is an options object whose `reply_markup` has an inline button with `callback_data`. */
export function containsCallbackData(args: readonly unknown[]): boolean {
  for (const arg of args) {
    if (!isPlain(arg)) continue;
    const keyboard = arg.reply_markup?.inline_keyboard;
    if (!Array.isArray(keyboard)) continue;
    for (const row of keyboard) {
      if (Array.isArray(row) && row.some((b) => isPlain(b) && b.callback_data !== undefined)) return true;
    }
  }
  return false;
}

function takesReplyMarkup(method: string): boolean {
  return METHODS[method]?.params.some((p) => p.name === "reply_markup") ?? false;
}

/** Sending methods that may attach an inline keyboard (their results are captured as origins). */
export const CAPTURING_SEND_METHODS: readonly string[] = SENDER_METHODS.filter(takesReplyMarkup);
/** Editing methods that may set or remove an inline keyboard (message identifier first). */
export const CAPTURING_EDIT_METHODS: readonly string[] = EDITOR_METHODS.filter(takesReplyMarkup);

function normalize(msgIdentifier: MsgIdentifier): OriginTuple | undefined {
  if (typeof msgIdentifier === "string") return [msgIdentifier];
  if (msgIdentifier.length === 1 || msgIdentifier.length === 2) return msgIdentifier as OriginTuple;
  // An ephemeral message, [chatId, receiverUserId, ephemeralMessageId], is not tracked as an origin.
  if (msgIdentifier.length === 3) return undefined;
  throw new BadInput("msgIdentifier", "[chatId, messageId], [inlineMessageId] or an inlineMessageId");
}

// Where a sent message with callback buttons is: a Message names its chat; copyMessage answers only a
// MessageId, in the chat it was asked to copy to (found again only when that is a numeric id).
function sentOrigin(sent: Record<string, unknown>, chatId: unknown): OriginTuple | undefined {
  if (isPlain(sent.chat)) return messageIdentifier(sent) as OriginTuple;
  if (typeof sent.message_id === "number" && typeof chatId === "number") return [chatId, sent.message_id];
  return undefined;
}

function dissolve(enable: CaptureSwitch): [boolean, OriginNotifier | undefined] {
  if (typeof enable === "function") return [true, enable];
  return [Boolean(enable), undefined];
}

/**
 * Captures callback queries coming from messages a delegate sent or edited with an inline keyboard
 * carrying `callback_data`, and from chosen inline results with an `inline_message_id`: telepot's
 * `CallbackQueryCoordinator`. Editing the keyboard away, or deleting the message, releases the origin.
 */
export class CallbackQueryCoordinator {
  readonly #chat: boolean;
  readonly #chatNotify: OriginNotifier | undefined;
  readonly #inline: boolean;
  readonly #inlineNotify: OriginNotifier | undefined;

  /** The delegate's id, given to notifiers. */
  readonly id: unknown;
  /** Origins whose callback queries are captured. */
  readonly originSet: OriginSet;
  /**
   * Creates an instance.
   *
   * @param id the delegate's id, given to notifiers.
   * @param originSet origins whose callback queries are captured.
   * @param enableChat capture chat-originated callback queries (a function also gets notified).
   * @param enableInline capture inline-originated callback queries (a function also gets notified).
   */
  constructor(
    id: unknown,
    originSet: OriginSet,
    enableChat: CaptureSwitch,
    enableInline: CaptureSwitch,
  ) {
    this.id = id;
    this.originSet = originSet;
    [this.#chat, this.#chatNotify] = dissolve(enableChat);
    [this.#inline, this.#inlineNotify] = dissolve(enableInline);
  }

  /** Makes a listener capture callback queries whose origin is in the set. */
  configure(listener: Listener): void {
    listener.capture([
      IS_CALLBACK_QUERY,
      { message: (m: Any) => isPlain(m?.chat) && this.originSet.has([m.chat.id, m.message_id]) },
    ]);
    listener.capture([IS_CALLBACK_QUERY, { inline_message_id: (id: string) => this.originSet.has([id]) }]);
  }

  #notifier(origin: OriginTuple): OriginNotifier | undefined {
    return origin.length === 2 ? this.#chatNotify : this.#inlineNotify;
  }

  /** Starts capturing callback queries from a message. */
  captureOrigin(msgIdentifier: MsgIdentifier, options?: { notify?: boolean }): void {
    const origin = normalize(msgIdentifier);
    if (origin === undefined) return;
    this.originSet.add(origin);
    if (options?.notify ?? true) this.#notifier(origin)?.(origin, this.id, true);
  }

  /** Stops capturing callback queries from a message. */
  uncaptureOrigin(msgIdentifier: MsgIdentifier, options?: { notify?: boolean }): void {
    const origin = normalize(msgIdentifier);
    if (origin === undefined) return;
    this.originSet.delete(origin);
    if (options?.notify ?? true) this.#notifier(origin)?.(origin, this.id, false);
  }

  /** Wraps a sending method: a sent message with callback buttons becomes a captured origin. */
  // deno-lint-ignore no-explicit-any
  augmentSend<A extends any[], R>(sendFunc: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      const sent = await sendFunc(...args);
      if (this.#chat && containsCallbackData(args) && isPlain(sent)) {
        const origin = sentOrigin(sent, args[0]);
        if (origin !== undefined) this.captureOrigin(origin);
      }
      return sent;
    };
  }

  /** Wraps an editing method: callback buttons after the edit capture the origin, none release it. */
  // deno-lint-ignore no-explicit-any
  augmentEdit<A extends any[], R>(
    editFunc: (msgIdentifier: MsgIdentifier, ...args: A) => Promise<R>,
  ): (msgIdentifier: MsgIdentifier, ...args: A) => Promise<R> {
    return async (msgIdentifier, ...args) => {
      const edited = await editFunc(msgIdentifier, ...args);
      if ((edited === true && this.#inline) || (isPlain(edited) && this.#chat)) {
        if (containsCallbackData(args)) this.captureOrigin(msgIdentifier);
        else this.uncaptureOrigin(msgIdentifier);
      }
      return edited;
    };
  }

  /** Wraps a deleting method: the deleted message stops being an origin. */
  // deno-lint-ignore no-explicit-any
  augmentDelete<A extends any[], R>(
    deleteFunc: (msgIdentifier: MsgIdentifier, ...args: A) => Promise<R>,
  ): (msgIdentifier: MsgIdentifier, ...args: A) => Promise<R> {
    return async (msgIdentifier, ...args) => {
      const deleted = await deleteFunc(msgIdentifier, ...args);
      if (deleted === true) this.uncaptureOrigin(msgIdentifier);
      return deleted;
    };
  }

  /** Wraps an `onMessage` handler: a chosen inline result with `inline_message_id` becomes an origin. */
  augmentOnMessage<R>(handler: (msg: Msg) => R): (msg: Msg) => R {
    return (msg) => {
      if (
        this.#inline && typeof msg.inline_message_id === "string"
        && flavorOrNull(msg) === "chosen_inline_result"
      ) {
        this.captureOrigin(msg.inline_message_id);
      }
      return handler(msg);
    };
  }

  /**
   * A stand-in for `bot` whose sending, editing and `deleteMessage` methods are augmented as above;
   * everything else is the bot's own (methods bound to the real bot).
   */
  augmentBot<B extends object>(bot: B): B {
    const own = new Map<PropertyKey, unknown>();
    const raw = bot as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const m of CAPTURING_SEND_METHODS) {
      if (typeof raw[m] === "function") own.set(m, this.augmentSend(raw[m].bind(bot)));
    }
    for (const m of CAPTURING_EDIT_METHODS) {
      if (typeof raw[m] === "function") own.set(m, this.augmentEdit(raw[m].bind(bot)));
    }
    if (typeof raw.deleteMessage === "function") {
      own.set("deleteMessage", this.augmentDelete(raw.deleteMessage.bind(bot)));
    }
    return new Proxy(bot, {
      get(target, prop) {
        if (own.has(prop)) return own.get(prop);
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        const bound = value.bind(target);
        own.set(prop, bound);
        return bound;
      },
    });
  }
}

/** `interceptCallbackQuery`: one switch for both origin types, or `[enableChat, enableInline]`. */
export type InterceptCallbackQuery =
  | CaptureSwitch
  | readonly [enableChat: CaptureSwitch, enableInline: CaptureSwitch];

/** What {@link InterceptCallbackQueryMixin} adds. */
export interface CallbackQueryIntercepting {
  /** Manages this delegate's captured origins. */
  readonly callbackQueryCoordinator: CallbackQueryCoordinator;
}

// A delegate's origins outlive it, so its successor for the same seed keeps receiving their queries;
// they are kept per bot, so two bots with the same chat never share them.
const originSetsByBot = new WeakMap<object, Map<string, OriginSet>>();
// How many open delegates use each set.
const setUsers = new WeakMap<OriginSet, number>();

function idKey(id: unknown): string {
  return typeof id === "object" ? `o${JSON.stringify(id)}` : `${typeof id}:${String(id)}`;
}

/**
 * Adds a {@link CallbackQueryCoordinator} configured by the option `interceptCallbackQuery` (given by
 * `interceptCallbackQueryOrigin`): `bot` becomes an augmented bot (the original stays in
 * `originalBot`), the listener captures queries from captured origins, and `onMessage` captures chosen
 * inline results.
 */
export function InterceptCallbackQueryMixin<
  B extends Constructor<ListenerContext & { onMessage(msg: Msg): unknown }>,
>(
  Base: B,
): B & Constructor<CallbackQueryIntercepting> {
  checkBase(Base);
  return class InterceptCallbackQuery extends Base {
    readonly callbackQueryCoordinator: CallbackQueryCoordinator;

    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const intercept = (contextOptions(args).interceptCallbackQuery ?? false) as InterceptCallbackQuery;
      const [chat, inline] = Array.isArray(intercept) ? intercept : [intercept, intercept];
      const key = idKey(this.id);
      let originSets = originSetsByBot.get(this.originalBot);
      if (originSets === undefined) originSetsByBot.set(this.originalBot, originSets = new Map());
      let set = originSets.get(key);
      if (set === undefined) originSets.set(key, set = new OriginSet());
      // A successor opened while this one's onClose still runs shares the set: it is forgotten only
      // when the last delegate using it has closed.
      setUsers.set(set, (setUsers.get(set) ?? 0) + 1);
      const coordinator = this.callbackQueryCoordinator = new CallbackQueryCoordinator(
        this.id,
        set,
        chat,
        inline,
      );
      coordinator.configure(this.listener);
      this.bot = coordinator.augmentBot(this.originalBot) as DelegatorBot;
      const onMessage = this.onMessage;
      this.onMessage = coordinator.augmentOnMessage((msg) => onMessage.call(this, msg));
      const onClose = this.onClose;
      const sets = originSets;
      // After the delegate's own onClose, which may still release origins (edit keyboards away).
      const forgetIfEmpty = (): void => {
        const users = (setUsers.get(set) ?? 1) - 1;
        setUsers.set(set, users);
        if (users === 0 && set.size === 0 && sets.get(key) === set) sets.delete(key);
      };
      this.onClose = (ex: unknown) => {
        let r: unknown;
        try {
          r = onClose.call(this, ex);
        } catch (error) {
          // The runner reports the throw and closes the delegate all the same.
          forgetIfEmpty();
          throw error;
        }
        if (r instanceof Promise) return r.finally(forgetIfEmpty);
        forgetIfEmpty();
        return r;
      };
    }
  };
}
