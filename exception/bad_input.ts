import { TelepotException } from "./telepot_exception.ts";

/**
 * An argument given to telepot-ts has the wrong shape or value, detected before anything is sent.
 * The message names the argument and what was expected; it never echoes the value, which may be secret.
 */
export class BadInput extends TelepotException {
  /** Name of the offending argument or option, e.g. `"token"` or `"options.timeout"`. */
  readonly argument: string;
  /** What a valid value looks like, e.g. `"a positive number of seconds"`. */
  readonly expected: string;
  /**
   * Creates the error.
   *
   * @param argument name of the offending argument or option, e.g. `"token"` or `"options.timeout"`.
   * @param expected what a valid value looks like, e.g. `"a positive number of seconds"`.
   */
  constructor(argument: string, expected: string) {
    super(`Bad ${argument}: expected ${expected}`);
    this.argument = argument;
    this.expected = expected;
  }
}
