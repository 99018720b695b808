import { TelepotException } from "./telepot_exception.ts";

/** A scheduled event could not be cancelled or changed because it is no longer (or never was) queued. */
export class EventNotFound extends TelepotException {
  /** The event that was looked for. */
  readonly event: unknown;
  /**
   * Creates the error.
   *
   * @param event the event that was looked for.
   */
  constructor(event: unknown) {
    super("Event not found");
    this.event = event;
  }
}
