import { isPlainObject } from "../api/plain_object.ts";
import { BadInput } from "../exception/bad_input.ts";

/**
 * Refuses an options object with a name not among `known`: a typo, or a Bot API parameter spelled
 * snake_case (`secret_token`), would otherwise be ignored, and with it what it was meant to ask for.
 *
 * @throws {BadInput} naming the first unknown option, and the known ones.
 */
export function checkOptionNames(options: unknown, known: readonly string[], what: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new BadInput("options", `an object of ${what} options`);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new BadInput(`options.${name}`, `one of the ${what} options: ${known.join(", ")}`);
    }
  }
}
