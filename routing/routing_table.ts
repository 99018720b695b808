import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import { isPlainObject } from "../api/plain_object.ts";
import { pascalCase } from "../bot/flavor_method.ts";
import { recordLookUp } from "../bot/table_entries.ts";
import { BadInput } from "../exception/bad_input.ts";

/** A routing-table handler. */
// deno-lint-ignore no-explicit-any
export type TableHandler = (msg: any, ...args: any[]) => unknown;

/** Options of {@link makeRoutingTable} and {@link makeContentTypeRoutingTable}. */
export interface RoutingTableOptions {
  /**
   * Method-name prefix (default `"on"`). A prefix ending in a letter or digit joins the key in camelCase
   * (key `new_chat_members` looks for `onNewChatMembers`); any other prefix is put before the key as it
   * is, as telepot does (`"cmd_"` looks for `cmd_start`, `""` for `start`).
   */
  prefix?: string;
}

/** The method name `prefix` makes of `key` (see {@link RoutingTableOptions.prefix}). */
function methodName(prefix: string, key: string): string {
  return /[\p{L}\p{N}]$/u.test(prefix) ? prefix + pascalCase(key) : prefix + key;
}

export { pascalCase } from "../bot/flavor_method.ts";

/** A routing-table key, or a `[key, handler]` pair that brings its own handler. */
export type RoutingKey = string | readonly [key: string, handler: TableHandler];

/**
 * A routing table of `obj`'s methods for `keys`: `{ text: → obj.onText, photo: → obj.onPhoto, … }`;
 * a `[key, handler]` pair puts `handler` as is. As in telepot, each method is looked up when a message
 * is routed, not when the table is built: a table made in a base class's constructor finds the methods
 * and arrow-function fields a subclass sets up after it. A message whose method `obj` lacks then goes to
 * the table's catch-all (`null`), added before or after.
 *
 * @throws {BadInput} when `obj` is not an object, `keys` not an array of keys and `[key, handler]`
 *   pairs, or `options.prefix` not a string; later, when a message is routed to a key whose method
 *   `obj` lacks and the table has no catch-all.
 */
export function makeRoutingTable(
  obj: object,
  keys: readonly RoutingKey[],
  options?: RoutingTableOptions,
): Record<string, TableHandler> {
  // Each method is looked up on obj when a message is routed: a primitive would fail there, at every message.
  if ((typeof obj !== "object" && typeof obj !== "function") || obj === null) {
    throw new BadInput("obj", "an object whose methods handle the keys");
  }
  if (options !== undefined && !isPlainObject(options)) {
    throw new BadInput("options", "an object of routing table options");
  }
  const prefix = options?.prefix ?? "on";
  if (typeof prefix !== "string") throw new BadInput("options.prefix", "a string");
  // A string is iterable too: "text" would make the keys t, e, x, t.
  if (!Array.isArray(keys)) throw new BadInput("keys", "an array of keys and [key, handler] pairs");
  const table: Record<string, TableHandler> = {};
  const methods = obj as Record<string, unknown>;
  for (const [i, entry] of keys.entries()) {
    if (typeof entry !== "string") {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "function") {
        throw new BadInput(`keys[${i}]`, "a key or a [key, handler] pair");
      }
      table[entry[0]] = entry[1];
      continue;
    }
    const name = methodName(prefix, entry);
    const lookUp = () => {
      const method = methods[name];
      return typeof method === "function" ? method.bind(obj) as TableHandler : null;
    };
    // Called outside a Router, an entry whose method is missing falls back to this table's catch-all.
    const handler: TableHandler = (...args) => {
      const method = lookUp() ?? (Object.hasOwn(table, "null") ? table["null"] : null);
      if (method === null) {
        throw new BadInput(
          `routing key ${JSON.stringify(entry)}`,
          `a key whose method (${name}) is there, or a null catch-all`,
        );
      }
      return method(...args);
    };
    recordLookUp(handler, lookUp);
    table[entry] = handler;
  }
  return table;
}

/**
 * {@link makeRoutingTable} over every content type of a Bot API `Message`.
 *
 * @throws {BadInput} when `obj` is not an object or `options.prefix` not a string.
 */
export function makeContentTypeRoutingTable(
  obj: object,
  options?: RoutingTableOptions,
): Record<string, TableHandler> {
  return makeRoutingTable(obj, MESSAGE_CONTENT_TYPES, options);
}
