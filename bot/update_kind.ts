import type { UpdateKind } from "../api/classification.gen.ts";

/** Where an object handed to a handler came from: its Update field and the update's id. */
export interface UpdateOrigin {
  /** The Update field the object was found in, e.g. `"chat_member"` or `"edited_channel_post"`. */
  readonly kind: UpdateKind;
  /** The `update_id` of the Update that carried the object. */
  readonly updateId: number;
}

// A WeakMap rather than a property keeps the object's JSON (and its keys, which flavor() inspects)
// exactly as Telegram sent it, and lets the entry vanish with the object.
const origins = new WeakMap<object, UpdateOrigin>();

/**
 * Records which Update field (and which update) `obj` was taken from, so that `flavor` can tell
 * apart kinds that share a shape, such as `my_chat_member` and `chat_member`.
 */
export function rememberOrigin(obj: object, origin: UpdateOrigin): void {
  origins.set(obj, origin);
}

/** The origin recorded by {@link rememberOrigin}, or `undefined` for an object that did not come through a loop. */
export function originOf(obj: object): UpdateOrigin | undefined {
  return origins.get(obj);
}

/** What the receiver that delivered an update still knows of it: whether its source may send it again. */
export interface Redelivery {
  /**
   * Whether update `id` may still be sent again by its source, so that a process ending now would have
   * it handled again.
   */
  mayBeSentAgain(id: number): boolean;
}

// Kept apart from the origins, which are public: only state kept across crashes asks.
const deliverers = new WeakMap<object, Redelivery>();

/** Records which receiver handed `obj` (an update's payload) to a handler. */
export function rememberDeliverer(obj: object, deliverer: Redelivery): void {
  deliverers.set(obj, deliverer);
}

/** The receiver recorded by {@link rememberDeliverer}, or `undefined` for an object no loop handed on. */
export function delivererOf(obj: object): Redelivery | undefined {
  return deliverers.get(obj);
}
