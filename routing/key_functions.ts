import type { Message } from "../api/types.gen.ts";
import { contentType } from "../bot/glance.ts";

/** A key function: digests a message (of type `M`) into a routing key, optionally with handler arguments. */
// deno-lint-ignore no-explicit-any
export type KeyFn<M = any> = (msg: M) => unknown;

/**
 * The key {@link byCommand}, {@link byChatCommand} and {@link byRegex} return for "no command" or "no
 * match": telepot's `(None,)`. Being its own key, it is told apart from the catch-all `null`, so a
 * routing table can send text that is not a command one way (`[NO_MATCH]: onText`) and an unknown
 * command another (`null: onUnknownCommand`); a table without it falls back to `null`, as in telepot.
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

/**
 * A key function returning `[contentType, [content]]`: the message's content type as key and that
 * content as the handler's extra argument.
 */
export function byContentType(): (msg: Message) => [string, [unknown]] {
  return (msg) => {
    const type = contentType(msg);
    return [type, [(msg as unknown as Record<string, unknown>)[type]]];
  };
}

/**
 * A key function reading a command from `extractor(msg)`: `"/start now"` gives the key `"start"`
 * (and, with `passArgs`, the argument list `["now"]` for the handler). Text without a command prefix
 * gives `[NO_MATCH]` (see {@link NO_MATCH}); `/start@my_bot` gives `start` when `username` is
 * `my_bot`.
 *
 * @example
 * ```ts
 * import { byCommand } from "@telepot/telepot-ts/routing";
 * const key = byCommand((msg: { text: string }) => msg.text, { username: "my_bot", passArgs: true });
 * key({ text: "/start@my_bot now" }); // ["start", [["now"]]]
 * ```
 */
// deno-lint-ignore no-explicit-any
export function byCommand<M = any>(
  extractor: (msg: M) => string,
  options?: CommandOptions,
): (msg: M) => unknown {
  const prefix = options?.prefix ?? ["/"];
  const prefixes = typeof prefix === "string" ? [prefix] : prefix;
  const separator = options?.separator ?? " ";
  const passArgs = options?.passArgs ?? false;
  // Telegram usernames compare case-insensitively; "@my_bot" and "my_bot" are both accepted.
  const mention = options?.username === undefined
    ? undefined
    : "@" + options.username.replace(/^@/, "").toLowerCase();
  return (msg) => {
    const text = extractor(msg);
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

/** {@link byCommand} on the `text` of a chat message. */
export function byChatCommand(options?: CommandOptions): (msg: Message) => unknown {
  return byCommand((msg: Message) => msg.text ?? "", options);
}

/** A key function returning the message's `text`. */
export function byText(): (msg: { text?: string }) => unknown {
  return (msg) => msg.text;
}

/** A key function returning the message's `data` (of a callback query). */
export function byData(): (msg: { data?: string }) => unknown {
  return (msg) => msg.data;
}

/**
 * A key function searching `regex` in `extractor(msg)`: the chosen group is the key and the match the
 * handler's extra argument; no match gives `[NO_MATCH]` (see {@link NO_MATCH}).
 */
// deno-lint-ignore no-explicit-any
export function byRegex<M = any>(
  extractor: (msg: M) => string,
  regex: RegExp | string,
  options?: RegexOptions,
): (msg: M) => unknown {
  const re = typeof regex === "string" ? new RegExp(regex) : regex;
  const group = options?.key ?? 1;
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

function mapKey(k: unknown, processor: (key: unknown) => unknown): unknown {
  if (Array.isArray(k)) return [processor(k[0]), ...k.slice(1)];
  return processor(k);
}

/** Wraps a key function so that `processor` transforms its key (extra arguments stay as they are). */
// deno-lint-ignore no-explicit-any
export function processKey<M = any>(processor: (key: unknown) => unknown, fn: KeyFn<M>): KeyFn<M> {
  return (msg) => mapKey(fn(msg), processor);
}

/** Wraps a key function so that a string key is lower-cased. */
// deno-lint-ignore no-explicit-any
export function lowerKey<M = any>(fn: KeyFn<M>): KeyFn<M> {
  return processKey((k) => typeof k === "string" ? k.toLowerCase() : k, fn);
}

/** Wraps a key function so that a string key is upper-cased. */
// deno-lint-ignore no-explicit-any
export function upperKey<M = any>(fn: KeyFn<M>): KeyFn<M> {
  return processKey((k) => typeof k === "string" ? k.toUpperCase() : k, fn);
}
