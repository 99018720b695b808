/**
 * The process the library runs in: stop signals and exit. Deno, Node and Bun all give a
 * global `process` with the same API (Deno since 2.0); a host without one (a Worker, a browser) has
 * no signals to listen to and nothing to exit, and these do nothing there.
 *
 * @module
 */

/** The part of the global `process` used here. */
interface ProcessLike {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  exit(code?: number): never;
}

function hostProcess(): ProcessLike | undefined {
  const candidate = (globalThis as { process?: ProcessLike }).process;
  return typeof candidate?.on === "function" ? candidate : undefined;
}

/** The signals that ask a program to stop gracefully. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Calls `listener` on SIGINT or SIGTERM until the returned function is called. Signals the host cannot
 * listen to (Windows has no SIGTERM listener; a Worker has no signals) are skipped.
 */
export function onStopSignal(listener: () => void): () => void {
  const proc = hostProcess();
  if (proc === undefined) return () => {};
  const listening: string[] = [];
  for (const signal of STOP_SIGNALS) {
    try {
      proc.on(signal, listener);
      listening.push(signal);
    } catch {
      // Not every platform has every signal.
    }
  }
  return () => {
    for (const signal of listening) proc.off(signal, listener);
  };
}

/** Ends the program with `code`, where the host has a program to end. */
export function exitProcess(code: number): void {
  hostProcess()?.exit(code);
}
