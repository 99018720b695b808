import { UPDATE_KINDS } from "../api/classification.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { flavor, flavorOfKind } from "./flavor.ts";

/** A message, update payload or event as a handler receives it; narrow it with `flavor`/`glance`. */
// deno-lint-ignore no-explicit-any
export type LoopMessage = Record<string, any>;

/** A handler: sync or async; a returned promise means "not finished (or not accepted) yet". */
export type MessageHandler = (msg: LoopMessage) => unknown;

/**
 * telepot's routing table: one handler per flavor (`chat`, `callback_query`, `chat_member`, `_idle`…);
 * the `null` key, when present, takes every flavor that has no entry of its own.
 */
export type RoutingTable = { readonly [flavor: string]: MessageHandler | undefined };

/** What `messageLoop` accepts as its first argument. */
export type LoopHandler = MessageHandler | RoutingTable;

/** The handler function for a loop: the function itself, or a router over a routing table. */
export function resolveHandler(handler: LoopHandler): MessageHandler {
  if (typeof handler === "function") return handler;
  if (typeof handler !== "object" || handler === null) {
    throw new BadInput("handler", "a function or a routing table of functions");
  }
  for (const [key, fn] of Object.entries(handler)) {
    if (typeof fn !== "function") throw new BadInput(`handler.${key}`, "a function");
  }
  return (msg) => {
    const fn = handler[flavor(msg)] ?? handler["null"];
    if (!fn) throw new BadFlavor(msg);
    return fn(msg);
  };
}

/**
 * The Update kinds a handler can take, for `getUpdates`' `allowed_updates`: every kind for a function
 * (or a table with a `null` fallback), else the kinds whose flavor has an entry in the table.
 */
export function kindsFor(handler: LoopHandler | undefined): string[] {
  if (handler === undefined || typeof handler === "function" || typeof handler["null"] === "function") {
    return [...UPDATE_KINDS];
  }
  return UPDATE_KINDS.filter((kind) => typeof handler[flavorOfKind(kind)] === "function");
}
