import { UPDATE_KINDS } from "../api/classification.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { flavor, flavorOfKind } from "./flavor.ts";
import { isLoopOption } from "./loop_options_check.ts";

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
    if (typeof fn !== "function") {
      throw new BadInput(
        `handler.${key}`,
        isLoopOption(key)
          ? "a function: messageLoop's options go second, as in messageLoop(undefined, { source })"
          : "a function",
      );
    }
  }
  return (msg) => {
    const f = flavor(msg);
    const fn = handler[f] ?? handler["null"];
    if (!fn) throw new BadFlavor(msg, `No handler for ${f}: the routing table has neither ${f} nor null`);
    return fn(msg);
  };
}

// Update kinds Telegram sends only to a bot that names them in allowed_updates (a Bot API rule the
// spec table does not carry): everything else is what telepot, which left allowed_updates alone, received.
const OPT_IN_KINDS: ReadonlySet<string> = new Set([
  "chat_member",
  "message_reaction",
  "message_reaction_count",
]);

/**
 * The Update kinds to ask `getUpdates` for: what Telegram sends by default (what telepot received),
 * plus the opt-in kinds (`chat_member`, `message_reaction`, `message_reaction_count`) whose flavor the
 * routing table names, or, without a handler, whose flavor `takes` (the bot's own flavor methods).
 * Never fewer: a kind without an entry still arrives, and is reported as "no handler" rather than
 * silently withheld by Telegram (which keeps `allowed_updates` across restarts).
 */
export function kindsFor(handler: LoopHandler | undefined, takes?: (flavor: string) => boolean): string[] {
  const named = handler === undefined
    ? (f: string) => takes?.(f) ?? false
    : typeof handler === "function"
    ? () => false
    : (f: string) => typeof handler[f] === "function";
  return UPDATE_KINDS.filter((kind) => !OPT_IN_KINDS.has(kind) || named(flavorOfKind(kind)));
}
