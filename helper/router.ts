import { flavor } from "../bot/flavor.ts";
import { liveEntry } from "../bot/table_entries.ts";
import { BadInput } from "../exception/bad_input.ts";
import { NO_MATCH } from "../routing/key_functions.ts";

/**
 * A routing-table handler: the message, then whatever extra arguments the key function returned.
 * `M` is the message type the router's key function takes (any message when not given).
 */
// deno-lint-ignore no-explicit-any
export type RouteHandler<M = any> = (msg: M, ...args: any[]) => unknown;

/**
 * A key function's result: a key, or `[key]`, `[key, args]`, `[key, args, options]` where `args` are
 * extra positional arguments for the handler and `options` is appended as its last argument.
 */
export type KeyResult = unknown;

/** Digests a message of type `M` down to a routing key (see {@link KeyResult}). */
// deno-lint-ignore no-explicit-any
export type KeyFunction<M = any> = (msg: M) => KeyResult;

/**
 * A routing table: handlers by key. The catch-all handler sits under the key `"null"`, which is how a
 * plain object spells telepot's `None` key (`table[null as unknown as string]` writes the same slot).
 * Symbol keys are looked up as they are: `NO_MATCH` (telepot's `(None,)`) is one.
 */
// deno-lint-ignore no-explicit-any
export type RouterTable<M = any> = Record<string | symbol, RouteHandler<M>>;

// Object keys are strings or symbols: a key function's other results (numbers, null) become strings.
function slot(key: unknown): string | symbol {
  return typeof key === "symbol" ? key : String(key);
}

const KEY_RESULT = "a key, [key], [key, args] or [key, args, options] (args an array, options an object)";

/**
 * `[key, args, options]` unpacked from a key function's result.
 *
 * @throws {BadInput} when the result is an array of another length, or its `args` or `options` is not
 *   an array or an object.
 */
export function splitKey(
  k: KeyResult,
): [key: unknown, args: readonly unknown[], options: object | undefined] {
  if (!Array.isArray(k)) return [k, [], undefined];
  if (k.length === 1) return [k[0], [], undefined];
  if (k.length > 3 || !Array.isArray(k[1])) throw new BadInput("key function result", KEY_RESULT);
  if (k.length === 2) return [k[0], k[1], undefined];
  if (typeof k[2] !== "object" || k[2] === null) throw new BadInput("key function result", KEY_RESULT);
  return [k[0], k[1], k[2]];
}

// A table entry may be left out (`{ start: cond ? f : undefined }`); anything else must be callable.
function checkEntry(table: object, name: string | symbol): void {
  const entry = (table as Record<string | symbol, unknown>)[name];
  if (entry !== undefined && typeof entry !== "function") {
    throw new BadInput(`routingTable[${String(name)}]`, "a handler function");
  }
}

function checkTable(table: unknown): void {
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw new BadInput("routingTable", "an object of handlers by key");
  }
  for (const name of Reflect.ownKeys(table)) checkEntry(table, name);
}

/**
 * Maps a message to a handler with a key function and a routing table, telepot's `Router`. Routers nest:
 * `top.routingTable.cmd = sub.route` sends `cmd` messages to a second router. The message type `M` is
 * the one the key function takes: the handlers are typed by it, and `route` accepts only such messages.
 *
 * @example
 * ```ts
 * import { Router } from "@telepot/telepot-ts";
 * const router = new Router((msg: { text: string }) => msg.text, {
 *   hi: () => "hello",
 *   null: (msg) => `what is ${msg.text}?`,
 * });
 * router.route({ text: "hi" }); // "hello"
 * ```
 */
// deno-lint-ignore no-explicit-any
export class Router<M = any> {
  /** Turns a message into a key (optionally with handler arguments). */
  keyFunction: KeyFunction<M>;
  /** Handlers by key; extend it at run time, e.g. with a custom event flavor such as `_alarm`. */
  routingTable: RouterTable<M>;

  /**
   * Creates an instance.
   *
   * @param keyFunction turns a message into a key.
   * @param routingTable handlers by key, catch-all under `null`.
   * @throws {BadInput} when `keyFunction` is not a function, `routingTable` not an object, or one of
   *   its entries neither a function nor `undefined`.
   */
  constructor(keyFunction: KeyFunction<M>, routingTable: RouterTable<M>) {
    if (typeof keyFunction !== "function") throw new BadInput("keyFunction", "a function (msg) => key");
    checkTable(routingTable);
    this.keyFunction = keyFunction;
    this.routingTable = routingTable;
    this.route = this.route.bind(this);
  }

  /**
   * The routing-table entry for `msg`'s key, without falling back to the catch-all.
   *
   * @throws {BadInput} when the table has no such key.
   */
  map(msg: M): RouteHandler<M> {
    const [key] = splitKey(this.keyFunction(msg));
    const table = this.routingTable;
    // No match is telepot's None key: its own entry if the table has one, else the catch-all's.
    const name = key === NO_MATCH && !Object.hasOwn(table, NO_MATCH) ? "null" : slot(key);
    const handler = this.routingTable[name];
    if (handler === undefined || !Object.hasOwn(this.routingTable, name)) {
      throw new BadInput("routing key", "a key present in the routing table");
    }
    return handler;
  }

  /**
   * Calls the handler for `msg`'s key (or the catch-all under `null`) with `msg` and the key function's
   * extra arguments, and returns what it returns. Extra arguments given to `route` itself are ignored,
   * so a `route` can be a handler in another router's table.
   *
   * @throws {BadInput} when neither the key nor `null` is in the table, or the entry found is not a
   *   function.
   */
  route(msg: M, ..._ignored: unknown[]): unknown {
    const [key, args, options] = splitKey(this.keyFunction(msg));
    const table = this.routingTable;
    const name = slot(key);
    // An entry of makeRoutingTable whose object lacks the method counts as no entry.
    let handler = liveEntry(table, name);
    if (handler === undefined) {
      handler = Object.hasOwn(table, "null") ? table["null"] : undefined;
      if (handler === undefined) {
        throw new BadInput("routing key", "a key in the routing table, or a null catch-all");
      }
    }
    // The table is the caller's to change at run time, after the constructor checked it.
    if (typeof handler !== "function") throw new BadInput("routing table entry", "a handler function");
    return options === undefined ? handler(msg, ...args) : handler(msg, ...args, options);
  }
}

/**
 * A handler that routes a message to `routingTable`'s entry for its flavor (telepot's `flavor_router`):
 * `chat`, `callback_query`, `inline_query`, … with `null` as the catch-all.
 *
 * @example
 * ```ts
 * import { flavorRouter } from "@telepot/telepot-ts";
 * const handle = flavorRouter({
 *   chat: (msg: { text?: string }) => console.log("message", msg.text),
 *   callback_query: (query: { data?: string }) => console.log("button", query.data),
 * });
 * handle({ message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "hi" });
 * ```
 *
 * @throws {BadInput} when `routingTable` is not an object of functions.
 */
export function flavorRouter(routingTable: RouterTable): (msg: object) => unknown {
  return new Router(flavor, routingTable).route;
}
