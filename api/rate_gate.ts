import { EPSILON, now, TokenBucket } from "./token_bucket.ts";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A token bucket with a first-come, first-served line in front of it: each waiter gets the next token
 * in the order it asked, so chats that are ready take turns. `pause` closes it (a 429 for the bot as a
 * whole).
 */
export class RateGate {
  readonly #bucket: TokenBucket;
  readonly #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pausedUntil = 0;

  /**
   * Creates an open gate with a full bucket.
   *
   * @param rate tokens back per second.
   * @param size the burst allowed.
   */
  constructor(rate: number, size: number) {
    this.#bucket = new TokenBucket(rate, size);
  }

  /** Resolves when a token is taken for the caller; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          reject(signal?.reason);
          this.#pump();
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  /** Lets nobody through for `seconds` from now (a longer pause already set stays). */
  pause(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, now() + seconds);
    this.#pump();
  }

  /** Seconds the gate stays closed by a pause (0 when open). */
  get paused(): number {
    return Math.max(0, this.#pausedUntil - now());
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#waiters.length > 0) {
      const at = now();
      const wait = Math.max(this.#pausedUntil - at, this.#bucket.wait(at));
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#pump(), (wait + EPSILON) * 1000);
        return;
      }
      this.#bucket.take(at);
      const waiter = this.#waiters.shift()!;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve();
    }
  }
}
