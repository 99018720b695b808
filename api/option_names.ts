import { BadInput } from "../exception/bad_input.ts";

/**
 * Refuses an option whose name `known` (an object keyed by every option) does not hold: a typo, or an
 * option of another function, would otherwise be ignored, and with it what it asked for.
 *
 * @param options the options as given.
 * @param known an object whose own keys are the option names.
 * @param prefix what the option's name is shown after in the error, e.g. `"options."`.
 * @param what whose options they are, e.g. `"throttle"`.
 * @throws {BadInput} naming the first unknown option and listing the known ones.
 */
export function refuseUnknownOptions(
  options: object,
  known: object,
  prefix: string,
  what: string,
): void {
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(known, name)) {
      throw new BadInput(`${prefix}${name}`, `one of the ${what} options: ${Object.keys(known).join(", ")}`);
    }
  }
}
