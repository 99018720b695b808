import { NetworkError } from "./network_error.ts";

/** A request to the Bot API took longer than its timeout and was aborted. */
export class RequestTimeout extends NetworkError {
  /** The timeout that ran out, in seconds. */
  readonly seconds: number;
  /**
   * Creates the error.
   *
   * @param method the Bot API method being called.
   * @param seconds the timeout that ran out, in seconds.
   */
  constructor(method: string, seconds: number) {
    super(method, `${method} timed out after ${seconds} s`);
    this.seconds = seconds;
  }
}
