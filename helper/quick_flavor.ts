import { eventKey } from "../bot/event_key.ts";
import { flavor, flavorOfKind } from "../bot/flavor.ts";
import { originOf } from "../bot/update_kind.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";

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
  // Reactions to a message carry its id and chat too: they are left to flavor().
  if (
    typeof m.message_id === "number" && typeof m.chat === "object" && m.chat !== null
    && m.new_reaction === undefined && m.reactions === undefined
  ) {
    return m.edit_date == null ? "chat" : "edited_chat";
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

export { handlerName } from "../bot/flavor_method.ts";
