import { BadInput } from "../exception/bad_input.ts";

/**
 * The trailing options argument of a generated method, checked before anything is sent: absent, or an
 * object of optional parameters. A string or a number there is a positional telepot call that does not
 * fit the signature (`sendMessage(chatId, text, "Markdown")`); spreading it would send `{"0": …}`.
 *
 * @throws {BadInput} for anything but `undefined`, `null` or a non-array object.
 */
export function optionsArgument<T>(method: string, options: T): T {
  if (options === undefined || options === null || (typeof options === "object" && !Array.isArray(options))) {
    return options;
  }
  throw new BadInput(
    `${method} options`,
    "an object of optional parameters (required parameters are positional, before it)",
  );
}

/**
 * A positional String parameter of a generated method, checked before anything is sent: an object there
 * is the options object one position too early (`editMessageText(msgIdentifier, { text })`). A finite
 * number is sent as its decimal text, as telepot sends one (its own example is
 * `sender.sendMessage(self._count)`); the types ask for a string, so this is for JavaScript callers.
 *
 * @throws {BadInput} for anything but a string, a finite number, `undefined` or `null`.
 */
export function stringArgument<T>(method: string, name: string, value: T): T {
  if (value === undefined || value === null || typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value) as T;
  throw new BadInput(`${method} ${name}`, `a string: ${name} is positional, options follow it`);
}
