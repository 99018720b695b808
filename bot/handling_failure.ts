// A delegate that could not make its handling of a message durable (its state was not saved) marks the
// message here; `DelegatorBot.handle` then rejects instead of resolving, so the loop does not
// acknowledge the update and handles it again.
const failures = new WeakMap<object, unknown>();

/** Marks `msg` as not handled: the `handle` call that broadcast it rejects with `error`. */
export function failHandling(msg: object, error: unknown): void {
  if (!failures.has(msg)) failures.set(msg, error);
}

/** Throws the failure marked on `msg`, if any, and forgets it. */
export function throwIfFailed(msg: object): void {
  if (!failures.has(msg)) return;
  const error = failures.get(msg);
  failures.delete(msg);
  throw error;
}
