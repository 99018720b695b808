import type { Update } from "../api/types.gen.ts";
import { type Deferred, deferred } from "./deferred.ts";

/** An update on its way to the dispatcher, with the callback to run once it has settled. */
export interface Pending {
  /** The update. */
  readonly update: Update;
  /** Called once the update is confirmable (or was a repeat). */
  readonly done?: () => void;
  /** Called instead of `done` when the update could not be taken in (the journal failed). */
  readonly fail?: (error: unknown) => void;
}

/** Options of an {@link Orderer}. */
export interface OrdererOptions {
  /** Seconds an update waits for a missing smaller `update_id` before it is delivered anyway. */
  readonly maxhold: number;
  /** Receives updates in `update_id` order. */
  readonly deliver: (pending: Pending) => void;
  /** Receives updates that arrived after a larger id was delivered: a repeat, or a new update to pass on. */
  readonly late: (pending: Pending) => void;
}

/**
 * Puts updates from an unordered source (a webhook, a queue) back in `update_id` order. An update
 * behind a gap is held at most `maxhold` seconds; then it and everything held below it are delivered,
 * and the ids skipped over are late: should they arrive after all, they go to `late`, which tells a
 * repeat from a new update (a far-ahead id or a new sequence of ids makes every later real update late).
 */
export class Orderer {
  #options: OrdererOptions;
  #next: number | undefined;
  #held = new Map<number, Pending & { readonly until: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #moved: Deferred<void> | undefined;

  /** @param options hold time and receivers. */
  constructor(options: OrdererOptions) {
    this.#options = options;
  }

  /** Number of updates currently held behind a gap. */
  get holding(): number {
    return this.#held.size;
  }

  /** Resolves the next time held updates are delivered (their gap filled, or their hold run out). */
  released(): Promise<void> {
    this.#moved ??= deferred();
    return this.#moved.promise;
  }

  /** Takes one update from the source. */
  push(pending: Pending): void {
    const id = pending.update.update_id;
    if (this.#next === undefined) this.#next = id;
    if (id < this.#next) {
      this.#options.late(pending);
      return;
    }
    if (id === this.#next) {
      this.#options.deliver(pending);
      this.#next = id + 1;
      this.#release();
      return;
    }
    const held = this.#held.get(id);
    if (held !== undefined) {
      // A redelivery of an update already waiting: the first copy stands for both, and the second is
      // answered with it (not before: until then a crash would lose the update).
      this.#held.set(id, {
        ...held,
        done: both(held.done, pending.done),
        fail: both(held.fail, pending.fail),
      });
      return;
    }
    this.#held.set(id, { ...pending, until: Date.now() + this.#options.maxhold * 1000 });
    this.#arm();
  }

  /** Delivers everything held, in order, without waiting for gaps (on stop). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deliverThrough(Infinity);
  }

  /** Delivers every held update whose id is at most `last`, in order, stepping over gaps. */
  #deliverThrough(last: number): void {
    for (const id of [...this.#held.keys()].sort((a, b) => a - b)) {
      if (id > last) break;
      const held = this.#held.get(id)!;
      this.#held.delete(id);
      this.#options.deliver(held);
      this.#next = id + 1;
    }
    this.#tell();
  }

  #release(): void {
    while (this.#next !== undefined && this.#held.has(this.#next)) {
      const held = this.#held.get(this.#next)!;
      this.#held.delete(this.#next);
      this.#options.deliver(held);
      this.#next++;
    }
    this.#tell();
    if (this.#held.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #tell(): void {
    const moved = this.#moved;
    this.#moved = undefined;
    moved?.resolve();
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#held.size === 0) return;
    let earliest = Infinity;
    for (const held of this.#held.values()) earliest = Math.min(earliest, held.until);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expire();
    }, Math.max(0, earliest - Date.now()));
  }

  #expire(): void {
    const now = Date.now();
    // The largest id whose hold ran out: it and everything held below it go now, gaps or not.
    let upTo: number | undefined;
    for (const [id, held] of this.#held) {
      if (held.until <= now && (upTo === undefined || id > upTo)) upTo = id;
    }
    if (upTo !== undefined) {
      this.#deliverThrough(upTo);
      this.#release();
    }
    this.#arm();
  }
}

// A callback running `first` then `second`, whichever is given.
function both<A extends unknown[]>(
  first: ((...args: A) => void) | undefined,
  second: ((...args: A) => void) | undefined,
): ((...args: A) => void) | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return (...args) => {
    first(...args);
    second(...args);
  };
}
