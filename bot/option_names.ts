import { isPlainObject } from "../api/plain_object.ts";
import { BadInput } from "../exception/bad_input.ts";

/**
 * Refuses an option that is one of `known` misspelled: in snake_case as the Bot API spells its
 * parameters (`secret_token` for `secretToken`), in another case, or `secret`. Such a mistake would
 * otherwise be ignored, and with it what it asked for (for a secret, the check of every request).
 * Other names pass: the object may also carry a server's options (`headerTimeout`, `port`, …).
 *
 * @throws {BadInput} naming the misspelled option and the known ones.
 */
export function checkOptionNames(options: unknown, known: readonly string[], what: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new BadInput("options", `an object of ${what} options`);
  const lower = known.map((name) => name.toLowerCase());
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const plain = name.replaceAll("_", "").toLowerCase();
    if (name.includes("_") || lower.includes(plain) || plain === "secret") {
      throw new BadInput(`options.${name}`, `one of the ${what} options: ${known.join(", ")}`);
    }
  }
}
