/**
 * Teardown for a bench file: `Deno.bench` has no hook that runs after a file's benches, so the cleanup
 * is one more bench, run once, in a group of its own that sorts last.
 *
 * @module
 */

/** Registers `cleanup` (stopping servers and workers the file started) to run after its benches. */
export function teardown(cleanup: () => void): void {
  Deno.bench({ name: "shutdown (not a measurement)", group: "zz-teardown", n: 1, warmup: 0, fn: cleanup });
}
