import { isObject, isPlainObject } from "../api/plain_object.ts";
import type { Message } from "../api/types.gen.ts";
import { contentTypeOrNull } from "../bot/glance.ts";
import { BadInput } from "../exception/bad_input.ts";

/** A key function: digests a message (of type `M`) into a routing key, optionally with handler arguments. */
// deno-lint-ignore no-explicit-any
export type KeyFn<M = any> = (msg: M) => unknown;

/**
 * The key {@link byCommand}, {@link byChatCommand} and {@link byRegex} return for "no command" or "no
 * match": telepot's `(None,)`. Being its own key, it is told apart from the catch-all `null`, so a
 * routing table can send text that is not a command one way (`[NO_MATCH]: onText`) and an unknown
 * command another (`null: onUnknownCommand`); a table without it falls back to `null`, as in telepot.
 * Every key function here also gives it for a message it cannot read (no text, no data, no known
 * content type).
 *
 * @example
 * ```ts
 * import { byChatCommand, NO_MATCH } from "@telepot/telepot-ts/routing";
 * const key = byChatCommand();
 * key({ text: "hello" } as never); // [NO_MATCH]
 * const table = { start: () => "start", [NO_MATCH]: () => "text", null: () => "unknown command" };
 * ```
 */
export const NO_MATCH: unique symbol = Symbol("NO_MATCH");

/** Options of {@link byCommand} and {@link byChatCommand}. */
export interface CommandOptions {
  /** What may start a command: one string or several (default `["/"]`). */
  prefix?: string | readonly string[];
  /** What separates the command from its arguments (default `" "`). */
  separator?: string;
  /** Whether the handler receives the arguments after the command (default false). */
  passArgs?: boolean;
  /**
   * The bot's username (from `getMe`): `/start@my_bot` then gives the key `start` and
   * `/start@other_bot`, meant for another bot, stays `start@other_bot`. Without it, a command
   * addressed to a bot (as Telegram writes them in groups) keeps its `@username` in the key.
   */
  username?: string;
}

/** Options of {@link byRegex}. */
export interface RegexOptions {
  /** Which group of the match is the key: a group number or name (default 1). */
  key?: number | string;
}

// What every key function factory checks when called, so that a wrong argument is named there
// instead of failing at every message.
function checkFunction(value: unknown, name: string, expected: string): void {
  if (typeof value !== "function") throw new BadInput(name, expected);
}

function checkOptions(options: unknown, what: string): void {
  if (options !== undefined && !isPlainObject(options)) {
    throw new BadInput("options", `an object of ${what} options`);
  }
}

/**
 * A key function returning `[contentType, [content]]`: the message's content type as key and that
 * content as the handler's extra argument. A message of no known content type (one of a newer Bot API,
 * or no message at all) gives `[NO_MATCH]` (see {@link NO_MATCH}).
 */
export function byContentType(): (msg: Message) => [string, [unknown]] | [typeof NO_MATCH] {
  return (msg) => {
    const type = contentTypeOrNull(msg);
    return type === null ? [NO_MATCH] : [type, [(msg as unknown as Record<string, unknown>)[type]]];
  };
}

/**
 * A key function reading a command from `extractor(msg)`: `"/start now"` gives the key `"start"`
 * (and, with `passArgs`, the argument list `["now"]` for the handler). Text without a command prefix,
 * or no text at all (`extractor` returning anything but a string), gives `[NO_MATCH]` (see
 * {@link NO_MATCH}); `/start@my_bot` gives `start` when `username` is `my_bot`.
 *
 * @example
 * ```ts
 * import { byCommand } from "@telepot/telepot-ts/routing";
 * const key = byCommand((msg: { text: string }) => msg.text, { username: "my_bot", passArgs: true });
 * key({ text: "/start@my_bot now" }); // ["start", [["now"]]]
 * ```
 *
 * @throws {BadInput} when `extractor` is not a function, or an option is not of its type (`prefix` a
 *   string or strings, `separator` a non-empty string, `username` a non-empty string).
 */
// deno-lint-ignore no-explicit-any
export function byCommand<M = any>(
  extractor: (msg: M) => string | undefined,
  options?: CommandOptions,
): (msg: M) => unknown {
  checkFunction(extractor, "extractor", "a function (msg) => text");
  checkOptions(options, "command");
  const prefix = options?.prefix ?? ["/"];
  const prefixes = typeof prefix === "string" ? [prefix] : prefix;
  if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === "string")) {
    throw new BadInput("options.prefix", "a string or an array of strings");
  }
  const separator = options?.separator ?? " ";
  // An empty separator would split the text into characters (telepot's split refuses it).
  if (typeof separator !== "string" || separator === "") {
    throw new BadInput("options.separator", "a non-empty string");
  }
  const passArgs = options?.passArgs ?? false;
  const username = options?.username;
  if (username !== undefined && (typeof username !== "string" || username.replace(/^@/, "") === "")) {
    throw new BadInput("options.username", "the bot's username, from getMe");
  }
  // Telegram usernames compare case-insensitively; "@my_bot" and "my_bot" are both accepted.
  const mention = username === undefined ? undefined : "@" + username.replace(/^@/, "").toLowerCase();
  return (msg) => {
    const text: unknown = extractor(msg);
    // A message without text (a photo) has no command, whatever the extractor made of it.
    if (typeof text !== "string") return [NO_MATCH];
    for (const p of prefixes) {
      if (text.startsWith(p)) {
        const parts = text.slice(p.length).split(separator);
        let command = parts[0];
        if (mention !== undefined && command.toLowerCase().endsWith(mention)) {
          command = command.slice(0, -mention.length);
        }
        return passArgs ? [command, [parts.slice(1)]] : [command];
      }
    }
    return [NO_MATCH];
  };
}

/**
 * {@link byCommand} on the `text` of a chat message.
 *
 * @throws {BadInput} when an option is not of its type (see {@link byCommand}).
 */
export function byChatCommand(options?: CommandOptions): (msg: Message) => unknown {
  return byCommand((msg: Message) => isObject(msg) ? msg.text : undefined, options);
}

/**
 * A key function returning the message's `text`, or `[NO_MATCH]` (see {@link NO_MATCH}) for a message
 * without text.
 */
export function byText(): (msg: { text?: string }) => unknown {
  return (msg) => isObject(msg) && typeof msg.text === "string" ? msg.text : [NO_MATCH];
}

/**
 * A key function returning the message's `data` (of a callback query), or `[NO_MATCH]` (see
 * {@link NO_MATCH}) for one without data (a game's query).
 */
export function byData(): (msg: { data?: string }) => unknown {
  return (msg) => isObject(msg) && typeof msg.data === "string" ? msg.data : [NO_MATCH];
}

/**
 * A key function searching `regex` in `extractor(msg)`: the chosen group is the key and the match the
 * handler's extra argument; no match, or no text at all, gives `[NO_MATCH]` (see {@link NO_MATCH}).
 *
 * @throws {BadInput} when `extractor` is not a function, `regex` neither a RegExp nor a valid pattern
 *   string, or `options.key` neither a group number nor a name.
 */
// deno-lint-ignore no-explicit-any
export function byRegex<M = any>(
  extractor: (msg: M) => string | undefined,
  regex: RegExp | string,
  options?: RegexOptions,
): (msg: M) => unknown {
  checkFunction(extractor, "extractor", "a function (msg) => text");
  checkOptions(options, "regex");
  const re = typeof regex === "string" ? pattern(regex) : regex;
  if (!(re instanceof RegExp)) throw new BadInput("regex", "a RegExp or a valid pattern string");
  const group = options?.key ?? 1;
  if (typeof group !== "string" && !(Number.isInteger(group) && group >= 0)) {
    throw new BadInput("options.key", "a group number or name");
  }
  return (msg) => {
    const text: unknown = extractor(msg);
    // Nothing to search (a photo has no text): no match, rather than a search of "undefined".
    if (typeof text !== "string") return [NO_MATCH];
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m === null) return [NO_MATCH];
    const key = typeof group === "number" ? m[group] : m.groups?.[group];
    return [key, [m]];
  };
}

function pattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new BadInput("regex", "a RegExp or a valid pattern string");
  }
}

// NO_MATCH is no key to transform: a processor written for text keys (`k.trim()`) would throw on it.
function mapKey(k: unknown, processor: (key: unknown) => unknown): unknown {
  if (Array.isArray(k)) return k[0] === NO_MATCH ? k : [processor(k[0]), ...k.slice(1)];
  return k === NO_MATCH ? k : processor(k);
}

/**
 * Wraps a key function so that `processor` transforms its key (extra arguments stay as they are);
 * `NO_MATCH` goes through as it is.
 *
 * @throws {BadInput} when `processor` or `fn` is not a function.
 */
// deno-lint-ignore no-explicit-any
export function processKey<M = any>(processor: (key: unknown) => unknown, fn: KeyFn<M>): KeyFn<M> {
  checkFunction(processor, "processor", "a function (key) => key");
  checkFunction(fn, "fn", "a key function (msg) => key");
  return (msg) => mapKey(fn(msg), processor);
}

/**
 * Wraps a key function so that a string key is lower-cased.
 *
 * @throws {BadInput} when `fn` is not a function.
 */
// deno-lint-ignore no-explicit-any
export function lowerKey<M = any>(fn: KeyFn<M>): KeyFn<M> {
  return processKey((k) => typeof k === "string" ? k.toLowerCase() : k, fn);
}

/**
 * Wraps a key function so that a string key is upper-cased.
 *
 * @throws {BadInput} when `fn` is not a function.
 */
// deno-lint-ignore no-explicit-any
export function upperKey<M = any>(fn: KeyFn<M>): KeyFn<M> {
  return processKey((k) => typeof k === "string" ? k.toUpperCase() : k, fn);
}
