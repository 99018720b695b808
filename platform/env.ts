/**
 * Environment variables, read without failing or prompting: a host without them (a Worker, a browser),
 * or a Deno process not already allowed to read one, answers `undefined`.
 *
 * @module
 */

interface DenoEnv {
  env?: { get(name: string): string | undefined };
  permissions?: { querySync?(descriptor: { name: "env"; variable: string }): { state: string } };
}

/**
 * Whether the environment variable `name` can be read without asking: everywhere but in Deno, and in
 * Deno once the process is allowed to.
 */
export function envReadable(name: string): boolean {
  const deno = (globalThis as { Deno?: DenoEnv }).Deno;
  if (!deno?.env) return true;
  try {
    // Asking without permission would prompt on a terminal: a library's optional switch must not.
    return (deno.permissions?.querySync?.({ name: "env", variable: name }).state ?? "granted") === "granted";
  } catch {
    return false;
  }
}

/** The value of the environment variable `name`, or `undefined`. */
export function readEnv(name: string): string | undefined {
  const host = globalThis as { Deno?: DenoEnv; process?: { env?: Record<string, string | undefined> } };
  try {
    const deno = host.Deno;
    if (deno?.env) return envReadable(name) ? deno.env.get(name) : undefined;
    return host.process?.env?.[name];
  } catch {
    return undefined;
  }
}
