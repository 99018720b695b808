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
   * @param params the call's parameters, redacted (no token, files shown as short descriptions), when known.
   */
  constructor(method: string, seconds: number, params?: Readonly<Record<string, unknown>>) {
    super(method, `${method} timed out after ${seconds} s`, params === undefined ? undefined : { params });
    this.seconds = seconds;
  }
}
