/**
 * Environment variables, read without failing: a host without them (a Worker, a browser) or a Deno
 * process not allowed to read them answers `undefined`.
 *
 * @module
 */

/** The value of the environment variable `name`, or `undefined`. */
export function readEnv(name: string): string | undefined {
  const host = globalThis as {
    Deno?: { env?: { get(name: string): string | undefined } };
    process?: { env?: Record<string, string | undefined> };
  };
  try {
    if (host.Deno?.env) return host.Deno.env.get(name);
    return host.process?.env?.[name];
  } catch {
    // No permission to read the environment: as if unset.
    return undefined;
  }
}
