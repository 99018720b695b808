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

/** The signals that ask a program to stop gracefully, with the numbers that make up their exit codes. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** SIGINT or SIGTERM. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The exit status a shell reports for a program ended by `signal` (128 plus its number). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + STOP_SIGNALS[signal];
}

/**
 * Calls `listener` on SIGINT or SIGTERM until the returned function is called. Signals the host cannot
 * listen to (Windows has no SIGTERM listener; a Worker has no signals) are skipped.
 */
export function onStopSignal(listener: (signal: StopSignal) => void): () => void {
  const proc = hostProcess();
  if (proc === undefined) return () => {};
  const listening: [string, () => void][] = [];
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) {
    const onSignal = () => listener(signal);
    try {
      proc.on(signal, onSignal);
      listening.push([signal, onSignal]);
    } catch {
      // Not every platform has every signal.
    }
  }
  return () => {
    for (const [signal, onSignal] of listening) proc.off(signal, onSignal);
  };
}

/** Ends the program with `code`, where the host has a program to end. */
export function exitProcess(code: number): void {
  hostProcess()?.exit(code);
}
