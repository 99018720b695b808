/**
 * The name of the machine, as other machines on its network may call it: `node:os`'s `hostname()`
 * (which Deno, Node and Bun all have), loaded on first use.
 *
 * @module
 */

interface DenoSys {
  permissions?: { querySync?(descriptor: { name: "sys"; kind: "hostname" }): { state: string } };
}

/** The machine's host name, or `undefined` where there is none or Deno is not allowed to read it. */
export async function machineHostname(): Promise<string | undefined> {
  const deno = (globalThis as { Deno?: DenoSys }).Deno;
  try {
    // Asking without permission would prompt on a terminal: the name is a convenience, not a need.
    if (
      deno !== undefined
      && deno.permissions?.querySync?.({ name: "sys", kind: "hostname" }).state !== "granted"
    ) {
      return undefined;
    }
    const name = (await import("node:os")).hostname();
    return name === "" ? undefined : name;
  } catch {
    return undefined;
  }
}
