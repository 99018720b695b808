import { UPDATE_KINDS } from "../api/classification.gen.ts";
import type { FlavorPayloads, UpdatePayloads } from "../api/payloads.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { flavor, flavorOfKind } from "./flavor.ts";
import { isLoopOption } from "./loop_options_check.ts";
import { liveEntry } from "./table_entries.ts";
import { originOf } from "./update_kind.ts";

/**
 * A message, update payload or event, loosely typed: what `Bot.handle` and the delegation machinery
 * pass around. Handlers given to `messageLoop` get the precise {@link LoopPayload} instead.
 */
// deno-lint-ignore no-explicit-any
export type LoopMessage = Record<string, any>;

/**
 * An event from the bot's scheduler: `{ _name: content }` (`{ _alarm: {...} }`, `{ _idle: {...} }`).
 * Its content is whatever the program scheduled, so it is not typed here: an event handler may declare
 * its own, e.g. `(event: { _alarm: { text: string } }) => …`.
 */
// deno-lint-ignore no-explicit-any
export type EventMessage = { readonly [name: `_${string}`]: any };

/** An event handler; its parameter may be declared as the program's own event shape (checked both ways). */
export type EventHandler = { handle(event: EventMessage): unknown }["handle"];

/**
 * What a function handler of `messageLoop` receives: the payload of any flavor (a `Message`, a
 * `CallbackQuery`, a `PollAnswer`, …) or an event. Narrow it with `hasFlavor(msg, "chat")`.
 */
export type LoopPayload = FlavorPayloads[keyof FlavorPayloads] | EventMessage;

/** A handler: sync or async; a returned promise means "not finished (or not accepted) yet". */
export type MessageHandler = (msg: LoopPayload) => unknown;

/**
 * telepot's routing table: one handler per flavor (`chat`, `callback_query`, `chat_member`, …), per
 * Update kind (`message`, `channel_post`, `edited_message`, …: more specific than its flavor), or per
 * event (`_alarm`, `_idle`); each handler's parameter is the payload of its key. The `null` key, when
 * present, takes everything that has no entry of its own. A key that is none of these is a type error.
 */
export type RoutingTable =
  & { readonly [F in keyof FlavorPayloads]?: (msg: FlavorPayloads[F]) => unknown }
  & {
    readonly [K in Exclude<keyof UpdatePayloads, keyof FlavorPayloads>]?: (msg: UpdatePayloads[K]) => unknown;
  }
  & { readonly null?: (msg: LoopPayload) => unknown }
  & { readonly [event: `_${string}`]: EventHandler | undefined };

/** What `messageLoop` accepts as its first argument. */
export type LoopHandler = MessageHandler | RoutingTable;

/** The handler function for a loop: the function itself, or a router over a routing table. */
export function resolveHandler(handler: LoopHandler): (msg: LoopMessage) => unknown {
  if (typeof handler === "function") return handler as (msg: LoopMessage) => unknown;
  if (typeof handler !== "object" || handler === null) {
    throw new BadInput("handler", "a function or a routing table of functions");
  }
  for (const [key, fn] of Object.entries(handler)) {
    // An option in the table (even a function, such as onError) would be taken for a flavor's handler.
    if (isLoopOption(key)) {
      throw new BadInput(
        `handler.${key}`,
        "a flavor: messageLoop's options go second, as in messageLoop(table, { onError })",
      );
    }
    // Left out (`{ callback_query: cond ? f : undefined }`), as its type allows.
    if (fn !== undefined && typeof fn !== "function") throw new BadInput(`handler.${key}`, "a function");
  }
  const table = handler as Readonly<Record<string, ((msg: LoopMessage) => unknown) | undefined>>;
  return (msg) => {
    const f = flavor(msg);
    const kind = originOf(msg)?.kind;
    const fn = (kind === undefined ? undefined : liveEntry(table, kind)) ?? liveEntry(table, f)
      ?? liveEntry(table, "null");
    if (!fn) {
      const keys = kind === undefined || kind === f ? f : `${kind}, ${f}`;
      throw new BadFlavor(msg, `No handler for ${f}: the routing table has neither ${keys} nor null`);
    }
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
    : (f: string) =>
      liveEntry(handler as Readonly<Record<string, (() => unknown) | undefined>>, f) !== undefined;
  return UPDATE_KINDS.filter((kind) => !OPT_IN_KINDS.has(kind) || named(kind) || named(flavorOfKind(kind)));
}
