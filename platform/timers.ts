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
  keepAlive(timer, "unref");
}

/** Makes `timer` keep the process alive again (undoes {@link unrefTimer}). */
export function refTimer(timer: Timer): void {
  keepAlive(timer, "ref");
}

function keepAlive(timer: Timer, how: "ref" | "unref"): void {
  const method = (timer as { ref?: () => void; unref?: () => void })[how];
  if (typeof method === "function") return method.call(timer);
  const deno =
    (globalThis as { Deno?: { refTimer?: (id: number) => void; unrefTimer?: (id: number) => void } })
      .Deno;
  if (typeof timer === "number") deno?.[how === "ref" ? "refTimer" : "unrefTimer"]?.(timer);
}
