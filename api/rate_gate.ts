import { later } from "./timer.ts";
import { EPSILON, now, TokenBucket } from "./token_bucket.ts";

interface Waiter {
  /** Larger goes first: the waiter's urgency in seconds minus the time it joined (so waiting ages it). */
  readonly key: number;
  /** Joining order, for ties. */
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  gone: boolean;
}

function before(a: Waiter, b: Waiter): boolean {
  return a.key > b.key || (a.key === b.key && a.seq < b.seq);
}

/**
 * A token bucket with a line in front of it: the next token goes to the waiter with the most urgency
 * plus time waited (equal urgencies: first come, first served), so nobody waits forever and a chat
 * with a long backlog is not left to finish alone at the end. `pause` closes it (a 429 for the bot as
 * a whole).
 */
export class RateGate {
  readonly #bucket: TokenBucket;
  /** A binary heap ordered by {@link before}; aborted waiters stay in it, marked `gone`. */
  readonly #heap: Waiter[] = [];
  #seq = 0;
  #stopTimer: (() => void) | undefined;
  #pausedUntil = 0;

  /**
   * Creates an open gate.
   *
   * @param rate tokens back per second.
   * @param size the burst allowed.
   * @param full whether the burst is there at once (else it builds up at `rate`).
   */
  constructor(rate: number, size: number, full: boolean) {
    this.#bucket = new TokenBucket(rate, size, full);
  }

  /**
   * Resolves when a token is taken for the caller; rejects with the signal's reason if it aborts first.
   *
   * @param urgency seconds of work behind this caller (its place in line moves up by that much).
   */
  acquire(signal?: AbortSignal, urgency = 0): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        key: urgency - now(),
        seq: this.#seq++,
        resolve,
        reject,
        signal,
        gone: false,
        onAbort: () => {
          waiter.gone = true;
          reject(signal?.reason);
          // Its timer may have been the last one kept for anybody.
          this.#pump();
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#push(waiter);
      this.#pump();
    });
  }

  /** Lets nobody through for `seconds` from now (a longer pause already set stays). */
  pause(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, now() + seconds);
    this.#pump();
  }

  #pump(): void {
    this.#stopTimer?.();
    this.#stopTimer = undefined;
    for (;;) {
      while (this.#heap.length > 0 && this.#heap[0].gone) this.#pop();
      if (this.#heap.length === 0) return;
      const at = now();
      const wait = Math.max(this.#pausedUntil - at, this.#bucket.wait(at));
      if (wait > 0) {
        this.#stopTimer = later((wait + EPSILON) * 1000, () => this.#pump());
        return;
      }
      this.#bucket.take(at);
      const waiter = this.#pop();
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve();
    }
  }

  #push(waiter: Waiter): void {
    const heap = this.#heap;
    heap.push(waiter);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #pop(): Waiter {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0;;) {
        const left = 2 * i + 1, right = left + 1;
        let best = i;
        if (left < heap.length && before(heap[left], heap[best])) best = left;
        if (right < heap.length && before(heap[right], heap[best])) best = right;
        if (best === i) break;
        [heap[i], heap[best]] = [heap[best], heap[i]];
        i = best;
      }
    }
    return top;
  }
}
