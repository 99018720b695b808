import { WaitTooLong } from "./wait_too_long.ts";

/** A delegate ended because it stayed idle (received nothing) for too many seconds. */
export class IdleTerminate extends WaitTooLong {
  /**
   * Creates the error.
   *
   * @param seconds the idle time, in seconds, after which the delegate ended.
   */
  constructor(seconds: number) {
    super(seconds, `Idle for more than ${seconds} s`);
  }
}
