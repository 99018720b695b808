/**
 * Timers that wait in the background: armed, they do not keep the process alive by themselves, until
 * referenced again.
 *
 * @module
 */

/** What `setTimeout` returns here: a number in Deno, an object with `unref` in Node and Bun. */
type Timer = ReturnType<typeof setTimeout>;

/**
 * Makes an armed `timer` not keep the process alive by itself (`unref` in Node and Bun,
 * `Deno.unrefTimer` in Deno); it still fires while something else keeps the process running. A host
 * with neither (a browser) has no process to keep alive, and the timer stays as it is.
 */
export function unrefTimer(timer: Timer): void {
  const unref = (timer as { unref?: () => void }).unref;
  if (typeof unref === "function") {
    unref.call(timer);
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number") deno?.unrefTimer?.(timer);
}

/** Makes `timer` keep the process alive again (undoes {@link unrefTimer}). */
export function refTimer(timer: Timer): void {
  const ref = (timer as { ref?: () => void }).ref;
  if (typeof ref === "function") {
    ref.call(timer);
    return;
  }
  const deno = (globalThis as { Deno?: { refTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number") deno?.refTimer?.(timer);
}
