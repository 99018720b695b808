/**
 * A token bucket on the clock of `performance.now()`, in seconds: `size` tokens at most, `rate` back
 * per second. Telegram's flood limits are counted this way (and the emulator's `FloodGate` too).
 */
export class TokenBucket {
  /** Tokens back per second. */
  readonly rate: number;
  /** Most tokens the bucket holds: the burst it allows. */
  readonly size: number;
  #tokens: number;
  #last: number;

  /**
   * Creates a bucket.
   *
   * @param rate tokens back per second.
   * @param size most tokens held.
   * @param full whether it starts full (else empty).
   */
  constructor(rate: number, size: number, full = true) {
    this.rate = rate;
    this.size = size;
    this.#tokens = full ? size : 0;
    this.#last = now();
  }

  /** Seconds until a token is there (0 when one is). */
  wait(at: number = now()): number {
    this.#refill(at);
    return this.#tokens >= 1 ? 0 : (1 - this.#tokens) / this.rate;
  }

  /** Takes a token; call only when {@link TokenBucket.wait} is 0. */
  take(at: number = now()): void {
    this.#refill(at);
    this.#tokens -= 1;
  }

  /**
   * Gives back nothing for the time up to `at`: while a call is in flight the server may count it at
   * any moment up to its answer, so the refill restarts from the answer.
   */
  hold(at: number = now()): void {
    this.#last = Math.max(this.#last, at);
  }

  /** Tokens taken and not yet back: what this bucket's sender has used of the burst. */
  used(at: number = now()): number {
    this.#refill(at);
    return this.size - this.#tokens;
  }

  /**
   * Takes `count` tokens at once, even into debt: sends that another bucket counted are then counted
   * here as well (the next token comes that much later).
   */
  charge(count: number, at: number = now()): void {
    this.#refill(at);
    this.#tokens -= count;
  }

  /** Whether the bucket is full again (nothing to remember about it). */
  full(at: number = now()): boolean {
    this.#refill(at);
    return this.#tokens >= this.size;
  }

  #refill(at: number): void {
    if (at <= this.#last) return;
    this.#tokens = Math.min(this.size, this.#tokens + (at - this.#last) * this.rate);
    this.#last = at;
  }
}

/** The current time in seconds, monotonic. */
export function now(): number {
  return performance.now() / 1000;
}

/**
 * Seconds added to every computed wait: clock ticks and float sums can leave a bucket a hair short of
 * the token the wait was computed for.
 */
export const EPSILON = 0.002;
