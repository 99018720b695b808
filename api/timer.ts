/**
 * Timers for any delay: `setTimeout` fires at once for one over 2³¹−1 ms (about 24.8 days), which a
 * user's timeout or a server's `retry_after` may ask for.
 *
 * @module
 */

// The longest delay setTimeout keeps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `run` after `ms` milliseconds, a longer delay than `setTimeout` keeps being waited out in steps.
 *
 * @returns what cancels it.
 */
export function later(ms: number, run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const wait = (left: number): void => {
    timer = setTimeout(
      () => left > MAX_TIMER_MS ? wait(left - MAX_TIMER_MS) : run(),
      Math.min(left, MAX_TIMER_MS),
    );
  };
  wait(ms);
  return () => clearTimeout(timer);
}
