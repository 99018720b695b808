import { TelepotException } from "./telepot_exception.ts";

/**
 * An argument given to telepot-ts has the wrong shape or value, detected before anything is sent.
 * The message names the argument and what was expected; it never echoes the value, which may be secret.
 */
export class BadInput extends TelepotException {
  /**
   * Creates the error.
   *
   * @param argument name of the offending argument or option, e.g. `"token"` or `"options.timeout"`.
   * @param expected what a valid value looks like, e.g. `"a positive number of seconds"`.
   */
  constructor(readonly argument: string, readonly expected: string) {
    super(`Bad ${argument}: expected ${expected}`);
  }
}
