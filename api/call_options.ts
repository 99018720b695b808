/** Per-call settings of `Api.call` and of every generated method (its last argument). */
export interface CallOptions {
  /** Aborts this call; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Seconds this call may take, replacing the client's `timeout`. */
  readonly timeout?: number;
  /**
   * Awaited just before each request of this call goes out, after every transformer (a throttle's
   * wait included): what must be known before Telegram may have the call, such as a broadcast's
   * record that the chat's message is under way. If it throws, nothing is sent and the call rejects
   * with its error.
   */
  readonly beforeSend?: () => void | Promise<void>;
}
