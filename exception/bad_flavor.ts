import { TelepotException } from "./telepot_exception.ts";

/** The object handed to a flavor-dependent function is not any known flavor of message or update. */
export class BadFlavor extends TelepotException {
  /** The object whose flavor could not be determined. */
  readonly offender: unknown;
  /**
   * Creates the error.
   *
   * @param offender the object whose flavor could not be determined.
   * @param message what exactly is wrong with it.
   */
  constructor(offender: unknown, message = "Unknown flavor of message or update") {
    super(message);
    this.offender = offender;
  }
}
