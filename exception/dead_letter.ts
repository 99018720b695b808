import { TelepotException } from "./telepot_exception.ts";

/**
 * An update was given up on: its handler failed (or the process ended while it ran) `attempts` times.
 * It was moved to the journal's dead letters, reported through `onError`, and the bot went on.
 */
export class DeadLetterError extends TelepotException {
  /** The update given up on. */
  readonly updateId: number;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The last failure, or that the process ended during each attempt. */
  readonly reason: string;

  /**
   * Creates the error.
   *
   * @param updateId the update given up on.
   * @param attempts how many attempts were made.
   * @param reason the last failure, or that the process ended during each attempt.
   */
  constructor(updateId: number, attempts: number, reason: string) {
    super(`update ${updateId} dead-lettered after ${attempts} attempts: ${reason}`);
    this.updateId = updateId;
    this.attempts = attempts;
    this.reason = reason;
  }
}
