/**
 * Which update flavors a `DelegatorBot`'s delegates handle, as far as their classes say: what its
 * loop adds to `allowed_updates` for the kinds Telegram sends only when asked (reactions, member
 * changes), as a `Bot` subclass's own flavor methods do.
 *
 * @module
 */
import { hasFlavorMethod } from "./flavor_method.ts";

// The class prototype behind each delegator `createOpen` or `createRun` made.
const prototypes = new WeakMap<object, object>();
// For each DelegatorBot, whether one of its delegators' classes has a flavor's method.
const takers = new WeakMap<object, (flavor: string) => boolean>();

/** Records that `delegator` makes delegates of `cls`. */
export function recordDelegateClass(delegator: object, cls: { readonly prototype: object }): void {
  prototypes.set(delegator, cls.prototype);
}

/** Whether the class `delegator` makes delegates of has a method for `flavor` (false when unknown). */
export function delegatorTakes(delegator: object, flavor: string): boolean {
  const prototype = prototypes.get(delegator);
  return prototype !== undefined && hasFlavorMethod(prototype, flavor);
}

/** Records how to tell whether `bot`'s delegates handle a flavor. */
export function recordFlavorTaker(bot: object, takes: (flavor: string) => boolean): void {
  takers.set(bot, takes);
}

/** Whether `bot`'s delegates handle `flavor`, as recorded (false for a bot without delegates). */
export function delegatesTake(bot: object, flavor: string): boolean {
  return takers.get(bot)?.(flavor) ?? false;
}
