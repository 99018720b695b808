import { isPlainObject } from "../api/plain_object.ts";
import type { Msg, Seeder } from "../bot/delegator_bot.ts";
import { eventKey } from "../bot/event_key.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { OriginTuple } from "../helper/callback_query.ts";
import { CHAT_FLAVORS, INLINE_FLAVORS, USER_FLAVORS } from "../helper/handlers.ts";
import { flavorOrNull } from "../helper/quick_flavor.ts";

/**
 * Options of the seeders keyed by a chat's type. Like every seeder option, a value of another type is a
 * `BadInput` when the seeder is made.
 */
export interface ChatTypesOptions {
  /** `"all"` (default) or the chat types to accept: `private`, `group`, `supergroup`, `channel`. */
  types?: "all" | readonly string[];
}

/** Options of the per-chat seeders. */
export interface PerChatOptions extends ChatTypesOptions {
  /**
   * The flavors to seed (default `chat` and `edited_chat`: messages, as in telepot). `"all"` seeds
   * every payload that has a `chat`: `chat_member`, `message_reaction`, `chat_join_request`, … too.
   */
  flavors?: "all" | readonly string[];
}

/** Options of the per-user seeders. */
export interface FlavorsOptions {
  /** `"all"` or the flavors to accept (default: `chat`, `edited_chat`, `inline_query`, `chosen_inline_result`). */
  flavors?: "all" | readonly string[];
}

/** Options of {@link perCallbackQueryOrigin}. */
export interface OriginsOptions {
  /** `"all"` (default) or the origin types to accept: `chat`, `inline`. */
  origins?: "all" | readonly ("chat" | "inline")[];
}

/**
 * A set of ids as the `In`/`Except` seeders take it: a `Set` (or anything with `has`, such as a `Map`)
 * or an array. It is consulted for every message, as telepot's `in s` is, so ids added or removed
 * while the bot runs take effect at once.
 */
export type IdSet = { has(id: number): boolean } | readonly (number | string)[];

// Membership read at every message: the set is the caller's, not a copy.
function membership(s: IdSet, name: string): (id: unknown) => boolean {
  if (Array.isArray(s)) return (id) => s.includes(id as number);
  if (typeof (s as { has?: unknown })?.has === "function") {
    return (id) => (s as { has(id: unknown): boolean }).has(id);
  }
  throw new BadInput(name, "a Set or an array of ids (read at every message)");
}

// A seeder answers null for what it cannot seed (telepot's None), a message that is no object included.
function isObject(v: unknown): v is Msg {
  return typeof v === "object" && v !== null;
}

// Options read at every message: a wrong one is named when the seeder is made.
function listOption(
  options: unknown,
  key: string,
  fallback: "all" | readonly string[],
): "all" | readonly string[] {
  if (options === undefined) return fallback;
  if (!isPlainObject(options)) throw new BadInput("options", "an object of seeder options");
  const value = options[key] ?? fallback;
  if (value !== "all" && !(Array.isArray(value) && value.every((name) => typeof name === "string"))) {
    throw new BadInput(`options.${key}`, "\"all\" or an array of names");
  }
  return value as "all" | readonly string[];
}

// Whether the message's flavor is one of `flavors` (any flavor for "all").
function flavorIn(msg: Msg, flavors: "all" | readonly string[]): boolean {
  if (flavors === "all") return true;
  const f = flavorOrNull(msg);
  return f !== null && flavors.includes(f);
}

function chatIdSeeder(options: PerChatOptions | undefined, accept: (id: unknown) => boolean): Seeder<number> {
  const types = listOption(options, "types", "all");
  const flavors = listOption(options, "flavors", CHAT_FLAVORS);
  return (msg) => {
    if (!isObject(msg)) return null;
    const chat = msg.chat;
    if (!isObject(chat) || !flavorIn(msg, flavors)) return null;
    if (types !== "all" && !types.includes(chat.type)) return null;
    return accept(chat.id) ? chat.id : null;
  };
}

/**
 * A seeder returning the chat id of a message whose chat type is in `types`. Like telepot's, it seeds
 * messages (`chat` and `edited_chat`) only, unless `flavors` says otherwise.
 */
export function perChatId(options?: PerChatOptions): Seeder<number> {
  return chatIdSeeder(options, () => true);
}

/** A seeder returning the chat id when it is in `s` (and the chat type in `types`), checked per message. */
export function perChatIdIn(s: IdSet, options?: PerChatOptions): Seeder<number> {
  return chatIdSeeder(options, membership(s, "s"));
}

/** A seeder returning the chat id when it is not in `s` (and the chat type is in `types`), checked per message. */
export function perChatIdExcept(s: IdSet, options?: PerChatOptions): Seeder<number> {
  const has = membership(s, "s");
  return chatIdSeeder(options, (id) => !has(id));
}

function fromIdSeeder(flavors: "all" | readonly string[], accept: (id: unknown) => boolean): Seeder<number> {
  return (msg) => {
    if (!isObject(msg)) return null;
    const from = msg.from;
    if (!isObject(from) || !flavorIn(msg, flavors)) return null;
    return accept(from.id) ? from.id : null;
  };
}

/** A seeder returning the sender's user id of a message whose flavor is in `flavors`. */
export function perFromId(options?: FlavorsOptions): Seeder<number> {
  return fromIdSeeder(listOption(options, "flavors", USER_FLAVORS), () => true);
}

/** A seeder returning the sender's user id when it is in `s` (and the flavor in `flavors`), checked per message. */
export function perFromIdIn(s: IdSet, options?: FlavorsOptions): Seeder<number> {
  return fromIdSeeder(listOption(options, "flavors", USER_FLAVORS), membership(s, "s"));
}

/**
 * A seeder returning the sender's user id when it is not in `s` (and the flavor is in `flavors`),
 * checked per message.
 */
export function perFromIdExcept(s: IdSet, options?: FlavorsOptions): Seeder<number> {
  const has = membership(s, "s");
  return fromIdSeeder(listOption(options, "flavors", USER_FLAVORS), (id) => !has(id));
}

/** A seeder returning the user id of inline queries and chosen inline results. */
export function perInlineFromId(): Seeder<number> {
  return perFromId({ flavors: INLINE_FLAVORS });
}

/** {@link perInlineFromId}, only for user ids in `s`. */
export function perInlineFromIdIn(s: IdSet): Seeder<number> {
  return perFromIdIn(s, { flavors: INLINE_FLAVORS });
}

/** {@link perInlineFromId}, only for user ids not in `s`. */
export function perInlineFromIdExcept(s: IdSet): Seeder<number> {
  return perFromIdExcept(s, { flavors: INLINE_FLAVORS });
}

/** A seeder that always returns 1: one delegate for the whole application. */
export function perApplication(): Seeder<number> {
  return () => 1;
}

/**
 * A seeder returning a new non-hashable seed (an empty object) for every message whose flavor is in
 * `flavors`: each such message gets its own delegate.
 */
export function perMessage(options?: FlavorsOptions): Seeder<object> {
  const flavors = listOption(options, "flavors", "all");
  return (msg) => isObject(msg) && flavorIn(msg, flavors) ? {} : null;
}

/** A seeder returning the source id of an event from `eventSpace` (see `paveEventSpace`). */
export function perEventSourceId(eventSpace: unknown): Seeder {
  return (msg) => {
    if (!isObject(msg)) return null;
    const event = eventKey(msg);
    if (event === undefined) return null;
    const source = msg[event]?.source;
    return isObject(source) && source.space === eventSpace ? source.id ?? null : null;
  };
}

/** A seeder returning the chat id of the message a callback query came from (chat type in `types`). */
export function perCallbackQueryChatId(options?: ChatTypesOptions): Seeder<number> {
  const types = listOption(options, "types", "all");
  return (msg) => {
    if (!isObject(msg)) return null;
    const chat = msg.message?.chat;
    if (!isObject(chat) || msg.chat_instance === undefined || flavorOrNull(msg) !== "callback_query") {
      return null;
    }
    return types === "all" || types.includes(chat.type) ? chat.id : null;
  };
}

/**
 * A seeder returning a callback query's origin identifier, `[chatId, messageId]` or
 * `[inlineMessageId]`, when its origin type is in `origins`.
 */
export function perCallbackQueryOrigin(options?: OriginsOptions): Seeder<OriginTuple> {
  const origins = listOption(options, "origins", "all");
  const chat = origins === "all" || origins.includes("chat");
  const inline = origins === "all" || origins.includes("inline");
  return (msg) => {
    if (!isObject(msg) || msg.chat_instance === undefined || flavorOrNull(msg) !== "callback_query") {
      return null;
    }
    if (typeof msg.inline_message_id === "string") return inline ? [msg.inline_message_id] : null;
    const m = msg.message;
    if (isObject(m) && isObject(m.chat)) return chat ? [m.chat.id, m.message_id] : null;
    return null;
  };
}

/** A seeder returning the invoice payload of a shipping query, pre-checkout query or successful payment. */
export function perInvoicePayload(): Seeder<string> {
  return (msg) => {
    if (!isObject(msg)) return null;
    if (isObject(msg.successful_payment)) return msg.successful_payment.invoice_payload ?? null;
    return typeof msg.invoice_payload === "string" ? msg.invoice_payload : null;
  };
}
