import type { UpdateKind } from "../api/classification.gen.ts";
import type { FlavorPayloads } from "../api/payloads.gen.ts";
import type { Message, Update } from "../api/types.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { eventKey } from "./event_key.ts";
import { originOf } from "./update_kind.ts";
import { isMessageKind, UPDATE_SHAPES } from "./update_shapes.ts";

/** Update kinds whose payload is a `Message` (`message`, `channel_post`, `business_message`, …). */
export type MessageUpdateKind = {
  [K in UpdateKind]: K extends keyof Update ? NonNullable<Update[K]> extends Message ? K : never : never;
}[UpdateKind];

/** telepot's flavors for messages: `edited_chat` for the `edited_*` kinds, `chat` for the others. */
export type MessageFlavor = "chat" | "edited_chat";

/** Flavors of everything an Update carries: the message flavors plus every other Update kind by its field name. */
export type UpdateFlavor = MessageFlavor | Exclude<UpdateKind, MessageUpdateKind>;

/** Flavor of an event (`{ _name: {...} }`): its single top-level key, which starts with an underscore. */
export type EventFlavor = `_${string}`;

/** Any flavor {@link flavor} may return. */
export type Flavor = UpdateFlavor | EventFlavor;

/**
 * Whether `msg` is of flavor `f` (see {@link flavor}): narrows a handler's union to that flavor's
 * payload, e.g. `if (hasFlavor(msg, "chat")) msg.text` (a `Message`). Never throws: an object of no
 * flavor is simply not of this one.
 */
export function hasFlavor<F extends keyof FlavorPayloads>(msg: unknown, f: F): msg is FlavorPayloads[F] {
  try {
    return flavor(msg) === f;
  } catch {
    return false;
  }
}

/** The object type carried by messages of a given flavor. */
export type FlavorObject<F extends UpdateFlavor> = F extends MessageFlavor ? Message
  : F extends keyof Update ? NonNullable<Update[F]>
  : never;

/** The flavor telepot gives to a payload found in the Update field `kind`. */
export function flavorOfKind(kind: string): string {
  if (isMessageKind(kind)) return kind.startsWith("edited_") ? "edited_chat" : "chat";
  return kind;
}

// A field that is null is absent: a namedtuple object has every field of its type, null where unset.
function hasAll(msg: Record<string, unknown>, fields: readonly string[]): boolean {
  return fields.every((f) => msg[f] != null);
}

/** The best match among the spec's shapes: every required field present, the most specific wins. */
function flavorByShape(msg: Record<string, unknown>): string | undefined {
  let best: { flavor: string; size: number } | undefined;
  for (const shape of UPDATE_SHAPES) {
    if (shape.required.length === 0 || !hasAll(msg, shape.required)) continue;
    // Strictly greater: ties (my_chat_member/chat_member share ChatMemberUpdated) go to the first in spec order.
    if (!best || shape.required.length > best.size) {
      best = { flavor: flavorOfKind(shape.kind), size: shape.required.length };
    }
  }
  if (best?.flavor === "chat" && msg.edit_date != null) return "edited_chat";
  return best?.flavor;
}

/** telepot's own tests, for hand-written objects that lack some required fields. */
function flavorByTelepotRules(msg: Record<string, unknown>): string | undefined {
  if ("message_id" in msg) return msg.edit_date != null ? "edited_chat" : "chat";
  if ("id" in msg && "chat_instance" in msg) return "callback_query";
  if ("id" in msg && "query" in msg) return "inline_query";
  if ("result_id" in msg) return "chosen_inline_result";
  if ("id" in msg && "shipping_address" in msg) return "shipping_query";
  if ("id" in msg && "total_amount" in msg) return "pre_checkout_query";
  return undefined;
}

/**
 * The flavor of a message or event.
 *
 * Messages (including channel posts, business and guest messages) are `chat`, or `edited_chat` when
 * edited; callback queries are `callback_query`, and so on: every other Update kind is its Update field
 * name (`poll_answer`, `chat_member`, …). An object that came through `messageLoop` remembers its
 * Update kind, so kinds of the same shape (`my_chat_member`, `chat_member`) are told apart; a
 * hand-made object of such a shape gets the first kind in spec order. An event's flavor is its single
 * top-level key (`{ _idle: {...} }` → `"_idle"`).
 *
 * @throws {BadFlavor} when `msg` is not an object or matches no flavor.
 */
export function flavor(msg: unknown): Flavor {
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) throw new BadFlavor(msg);
  const origin = originOf(msg);
  if (origin) return flavorOfKind(origin.kind) as Flavor;
  const event = eventKey(msg);
  if (event !== undefined) return event as EventFlavor;
  const record = msg as Record<string, unknown>;
  const found = flavorByShape(record) ?? flavorByTelepotRules(record) ?? soleKey(record);
  if (found === undefined) throw new BadFlavor(msg);
  return found as Flavor;
}

function soleKey(record: Record<string, unknown>): string | undefined {
  const keys = Object.keys(record);
  return keys.length === 1 ? keys[0] : undefined;
}

/**
 * Whether `msg` looks like an event: its flavor starts with an underscore. Answered without computing
 * the flavor (or throwing), since only an object with a single `_` key and no update origin is one.
 */
export function isEvent(msg: unknown): boolean {
  return typeof msg === "object" && msg !== null && !Array.isArray(msg) && originOf(msg) === undefined
    && eventKey(msg) !== undefined;
}

/**
 * An event's content without its top-level skin: `peel({ _idle: { seconds: 10 } })` → `{ seconds: 10 }`.
 *
 * @throws {BadFlavor} when `event` is not an object with exactly one key.
 */
export function peel<C>(event: Record<string, C>): C {
  if (typeof event !== "object" || event === null) throw new BadFlavor(event);
  const keys = Object.keys(event);
  if (keys.length !== 1) throw new BadFlavor(event);
  return event[keys[0]];
}

/** `[flavor, content]` of an event: `fleece({ _idle: x })` → `["_idle", x]`. */
export function fleece<C>(event: Record<string, C>): [flavor: Flavor, content: C] {
  return [flavor(event), peel(event)];
}
