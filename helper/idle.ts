import type { Msg } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { EventNotFound } from "../exception/event_not_found.ts";
import { IdleTerminate as IdleTerminateError } from "../exception/idle_terminate.ts";
import type { ListenerContext } from "./contexts.ts";
import { type Constructor, contextOptions } from "./mixin.ts";
import { isEventMsg } from "./quick_flavor.ts";
import type { ScheduledEvent } from "./scheduler.ts";
import type { StandardEventing, StandardEventScheduler } from "./standard_event.ts";

/**
 * Keeps one `_idle` event pending `timeout` seconds ahead, pushed back by every non-event message;
 * when it fires, the delegate has been idle for `timeout` seconds.
 */
export class IdleEventCoordinator {
  #event: ScheduledEvent<Msg> | undefined;

  /**
   * Creates an instance.
   *
   * @param scheduler the delegate's standard-event scheduler.
   * @param timeout idle seconds before the `_idle` event.
   */
  constructor(readonly scheduler: StandardEventScheduler, readonly timeout: number) {}

  /** The pending `_idle` event, if any. */
  get event(): ScheduledEvent<Msg> | undefined {
    return this.#event;
  }

  /** Restarts the idle countdown. */
  refresh(): void {
    const current = this.#event;
    if (current !== undefined) {
      try {
        this.scheduler.postpone(current, this.timeout);
        return;
      } catch (err) {
        // Already emitted (sitting in the mailbox): schedule a fresh one; the old one is ignored on arrival.
        if (!(err instanceof EventNotFound)) throw err;
      }
    }
    this.#event = this.scheduler.eventLater(this.timeout, ["_idle", { seconds: this.timeout }]);
  }

  /**
   * Wraps an `onMessage` handler: a non-event message restarts the countdown, and an `_idle` event that
   * is not the pending one (it fired while a message was being handled) is dropped as stale.
   */
  augmentOnMessage<R>(handler: (msg: Msg) => R): (msg: Msg) => R | undefined {
    return (msg) => {
      if (!isEventMsg(msg)) this.refresh();
      else if ("_idle" in msg && msg !== this.#event?.data) return undefined;
      return handler(msg);
    };
  }

  /** Wraps an `onClose` handler to cancel the pending `_idle` event first. */
  augmentOnClose<R>(handler: (ex: unknown) => R): (ex: unknown) => R {
    return (ex) => {
      const current = this.#event;
      this.#event = undefined;
      if (current !== undefined) {
        try {
          this.scheduler.cancel(current);
        } catch (err) {
          if (!(err instanceof EventNotFound)) throw err;
        }
      }
      return handler(ex);
    };
  }
}

/** What {@link IdleTerminateMixin} adds. */
export interface IdleTerminating {
  /** Manages the idle countdown. */
  readonly idleEventCoordinator: IdleEventCoordinator;
  /** Handles the `_idle` event: throws `IdleTerminate`, which closes the delegate. */
  onIdle(event: Msg): never;
}

type IdleBase = ListenerContext & StandardEventing & { onMessage(msg: Msg): unknown };

/**
 * Adds an {@link IdleEventCoordinator} for the option `timeout` (seconds): the delegate closes with
 * `IdleTerminate` after `timeout` seconds without a message. Wraps the instance's `onMessage` and
 * `onClose` (whatever subclass defines them) to refresh and cancel the countdown.
 *
 * @throws {BadInput} (from the constructor) without a numeric `timeout` option.
 */
export function IdleTerminateMixin<B extends Constructor<IdleBase>>(
  Base: B,
): B & Constructor<IdleTerminating> {
  return class IdleTerminate extends Base {
    readonly idleEventCoordinator: IdleEventCoordinator;

    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const { timeout } = contextOptions(args);
      if (typeof timeout !== "number" || !(timeout > 0)) {
        throw new BadInput("options.timeout", "a positive number of seconds");
      }
      const idle = this.idleEventCoordinator = new IdleEventCoordinator(this.scheduler, timeout);
      idle.refresh();
      const onMessage = this.onMessage;
      const onClose = this.onClose;
      this.onMessage = idle.augmentOnMessage((msg) => onMessage.call(this, msg));
      this.onClose = idle.augmentOnClose((ex) => onClose.call(this, ex));
    }

    onIdle(event: Msg): never {
      throw new IdleTerminateError(event._idle?.seconds ?? this.idleEventCoordinator.timeout);
    }
  };
}
