import { TelepotException } from "./telepot_exception.ts";

/**
 * The throttler already holds as many calls as it may queue: the bot produces messages faster than
 * Telegram's flood limits let them out. The call was not sent.
 */
export class ThrottleQueueFull extends TelepotException {
  /** The Bot API method of the refused call. */
  readonly method: string;
  /** How many calls the throttler may hold (its `maxQueued`). */
  readonly limit: number;
  /**
   * Creates the error.
   *
   * @param method the Bot API method of the refused call.
   * @param limit how many calls the throttler may hold.
   */
  constructor(method: string, limit: number) {
    super(`${method} not sent: the throttler's queue is full (${limit} calls wait for the flood limits)`);
    this.method = method;
    this.limit = limit;
  }
}
