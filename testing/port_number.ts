/**
 * A port number as a command line or the environment gives it: digits only (Number() would also take
 * "", " 8", "0x1F" and "1e3", which nobody means as a port), 0 to 65535.
 *
 * @module
 */

/** `text` as a port number, or undefined when it is not one. */
export function portNumber(text: string): number | undefined {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : undefined;
}
