import { TelepotException } from "./telepot_exception.ts";

/**
 * An update was given up on: its handler failed (or the process ended while it ran) `attempts` times.
 * It was moved to the journal's dead letters, reported through `onError`, and the bot went on.
 */
export class DeadLetterError extends TelepotException {
  /**
   * Creates the error.
   *
   * @param updateId the update given up on.
   * @param attempts how many attempts were made.
   * @param reason the last failure, or that the process ended during each attempt.
   */
  constructor(readonly updateId: number, readonly attempts: number, readonly reason: string) {
    super(`update ${updateId} dead-lettered after ${attempts} attempts: ${reason}`);
  }
}
