import { TelepotException } from "./telepot_exception.ts";

/** Thrown from a handler or listener to end its own listening loop normally. */
export class StopListening extends TelepotException {
  /**
   * Creates the error.
   *
   * @param message optional reason.
   */
  constructor(message = "Stop listening") {
    super(message);
  }
}
