/**
 * What a `DelegatorBot`'s delegation patterns make, as far as their delegators' classes say: which update
 * flavors its delegates handle (what its loop adds to `allowed_updates` for the kinds Telegram sends
 * only when asked, reactions and member changes, as a `Bot` subclass's own flavor methods do), and
 * which patterns make one class's openable delegates (whose persistent state is keyed by class).
 *
 * @module
 */
import { hasFlavorMethod } from "./flavor_method.ts";

// The class prototype behind each delegator `createOpen` or `createRun` made.
const prototypes = new WeakMap<object, object>();
// The delegators createOpen made: their delegates may keep persistent state.
const openers = new WeakSet<object>();
// For each DelegatorBot, its delegators in pattern order.
const patternDelegators = new WeakMap<object, readonly object[]>();
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

/** Records that `delegator` (made by `createOpen`) makes openable delegates, which may keep state. */
export function recordOpener(delegator: object): void {
  openers.add(delegator);
}

/** Records `bot`'s delegators, in the order of its delegation patterns. */
export function recordDelegators(bot: object, delegators: readonly object[]): void {
  patternDelegators.set(bot, delegators);
}

/**
 * The patterns of `bot` whose delegators `createOpen` made, in pattern order: each delegator and the
 * prototype of the class it makes.
 */
export function openersOf(bot: object): { readonly delegator: object; readonly prototype: object }[] {
  const openersFound = [];
  for (const delegator of patternDelegators.get(bot) ?? []) {
    const prototype = prototypes.get(delegator);
    if (openers.has(delegator) && prototype !== undefined) openersFound.push({ delegator, prototype });
  }
  return openersFound;
}
