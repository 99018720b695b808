import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import { pascalCase } from "../bot/flavor_method.ts";

/** A routing-table handler. */
// deno-lint-ignore no-explicit-any
export type TableHandler = (msg: any, ...args: any[]) => unknown;

/** Options of {@link makeRoutingTable} and {@link makeContentTypeRoutingTable}. */
export interface RoutingTableOptions {
  /** Method-name prefix (default `"on"`): key `new_chat_members` looks for `onNewChatMembers`. */
  prefix?: string;
}

export { pascalCase } from "../bot/flavor_method.ts";

/** A routing-table key, or a `[key, handler]` pair that brings its own handler. */
export type RoutingKey = string | readonly [key: string, handler: TableHandler];

/**
 * A routing table of `obj`'s methods for `keys`: `{ text: obj.onText, photo: obj.onPhoto, … }`, each
 * bound to `obj`; a `[key, handler]` pair puts `handler` as is. Keys whose method `obj` lacks are left
 * out, so such messages reach the table's catch-all (`null`) if one is added.
 */
export function makeRoutingTable(
  obj: object,
  keys: readonly RoutingKey[],
  options?: RoutingTableOptions,
): Record<string, TableHandler> {
  const prefix = options?.prefix ?? "on";
  const table: Record<string, TableHandler> = {};
  const methods = obj as Record<string, unknown>;
  for (const entry of keys) {
    if (typeof entry !== "string") {
      table[entry[0]] = entry[1];
      continue;
    }
    const method = methods[prefix + pascalCase(entry)];
    if (typeof method === "function") table[entry] = method.bind(obj);
  }
  return table;
}

/** {@link makeRoutingTable} over every content type of a Bot API `Message`. */
export function makeContentTypeRoutingTable(
  obj: object,
  options?: RoutingTableOptions,
): Record<string, TableHandler> {
  return makeRoutingTable(obj, MESSAGE_CONTENT_TYPES, options);
}
