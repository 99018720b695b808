import { eventKey } from "../bot/event_key.ts";
import { flavor, flavorOfKind } from "../bot/flavor.ts";
import { originOf } from "../bot/update_kind.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { pascalCase } from "../routing/routing_table.ts";

// deno-lint-ignore no-explicit-any
type Any = Record<string, any>;

/** Whether `msg` is an event: exactly one top-level key, starting with `_`. Allocates nothing. */
export function isEventMsg(msg: object): boolean {
  return eventKey(msg) !== undefined;
}

/**
 * `flavor(msg)` with the common cases answered first (a remembered Update kind, an event, a chat
 * message), which is what a delegate's per-message dispatch needs; anything else goes to `flavor`.
 */
export function quickFlavor(msg: object): string {
  const origin = originOf(msg);
  if (origin !== undefined) return flavorOfKind(origin.kind);
  const event = eventKey(msg);
  if (event !== undefined) return event;
  const m = msg as Any;
  if (typeof m.message_id === "number" && typeof m.chat === "object" && m.chat !== null) {
    return m.edit_date === undefined ? "chat" : "edited_chat";
  }
  return flavor(msg);
}

/**
 * {@link quickFlavor}, or `null` for an object of no known flavor: what capture templates and seeders
 * need, since "not this flavor" is their answer for anything unrecognizable.
 */
export function flavorOrNull(msg: object): string | null {
  try {
    return quickFlavor(msg);
  } catch (err) {
    if (err instanceof BadFlavor) return null;
    throw err;
  }
}

// The chat flavors keep telepot's method names; other names are derived once and remembered here.
const METHOD_NAMES = new Map<string, string>([
  ["chat", "onChatMessage"],
  ["edited_chat", "onEditedChatMessage"],
]);

/**
 * The handler method for a flavor: `chat` → `onChatMessage`, `edited_chat` → `onEditedChatMessage`,
 * `callback_query` → `onCallbackQuery`, an event `_idle` → `onIdle`.
 */
export function handlerName(flavorName: string): string {
  let name = METHOD_NAMES.get(flavorName);
  if (name === undefined) {
    name = "on" + pascalCase(flavorName);
    METHOD_NAMES.set(flavorName, name);
  }
  return name;
}
