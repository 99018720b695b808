import { TelepotException } from "./telepot_exception.ts";

/** Waiting for the next message or event took longer than the allowed number of seconds. */
export class WaitTooLong extends TelepotException {
  /** How long was waited, in seconds. */
  readonly seconds: number;
  /**
   * Creates the error.
   *
   * @param seconds how long was waited, in seconds.
   * @param message replaces the default "Waited more than N s" (subclasses name their own wait).
   */
  constructor(seconds: number, message?: string) {
    super(message ?? `Waited more than ${seconds} s`);
    this.seconds = seconds;
  }
}
