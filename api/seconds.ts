import { BadInput } from "../exception/bad_input.ts";

/**
 * Checks an optional duration option: `undefined` passes through; anything else must be a finite
 * number of seconds, above zero unless `allowZero`. Infinity is refused because a timer fires at once for it.
 *
 * @param value the option as given.
 * @param name the option's name for the error, e.g. `"options.timeout"`.
 * @param allowZero whether 0 is a valid duration (e.g. "do not wait").
 * @throws {BadInput} when `value` is not such a number.
 */
export function checkSeconds(value: unknown, name: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new BadInput(name, allowZero ? "a number of seconds ≥ 0" : "a positive number of seconds");
  }
  return value;
}
