import { sleep } from "../api/retry.ts";
/** Bounds of the exponential back-off between failed polls, in seconds. */
export interface BackoffOptions {
  /** Delay ceiling after the first failure. Default 0.5. */
  readonly initial?: number;
  /** Largest delay ever waited. Default 30. */
  readonly max?: number;
}

/**
 * Exponential back-off with jitter: each failure doubles a ceiling (from `initial` up to `max`) and the
 * delay is drawn from the upper half of it, so that many bots restarted together spread out yet never
 * retry in a tight loop. `reset()` after a success.
 */
export class Backoff {
  #initial: number;
  #max: number;
  #failures = 0;

  /** @param options ceilings in seconds. */
  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initial ?? 0.5;
    this.#max = Math.max(options.max ?? 30, this.#initial);
  }

  /** The delay, in seconds, to wait after one more failure. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#initial * 2 ** this.#failures);
    this.#failures++;
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  /** Forgets past failures. */
  reset(): void {
    this.#failures = 0;
  }
}

/** Resolves after `seconds`, or early (without error) when `signal` aborts: a stop cuts a wait short. */
export function pause(seconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || seconds <= 0) return Promise.resolve();
  return sleep(seconds, signal).catch(() => {});
}
