import { TelepotException } from "./telepot_exception.ts";

/** A scheduled event could not be cancelled or changed because it is no longer (or never was) queued. */
export class EventNotFound extends TelepotException {
  /**
   * Creates the error.
   *
   * @param event the event that was looked for.
   */
  constructor(readonly event: unknown) {
    super("Event not found");
  }
}
