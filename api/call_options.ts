/** Per-call settings of `Api.call` and of every generated method (its last argument). */
export interface CallOptions {
  /** Aborts this call; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Seconds this call may take, replacing the client's `timeout`. */
  readonly timeout?: number;
}
