import { checkSeconds } from "../api/seconds.ts";
import type { Msg } from "../bot/delegator_bot.ts";
import { eventKey } from "../bot/event_key.ts";
import type { ScheduledEvent } from "../bot/scheduler.ts";
import { BadInput } from "../exception/bad_input.ts";
import { IdleTerminate as IdleTerminateError } from "../exception/idle_terminate.ts";
import type { ListenerContext } from "./contexts.ts";
import type { IdleEvent } from "./handler_methods.ts";
import { checkBase, type Constructor, contextOptions } from "./mixin.ts";
import type { StandardEventing, StandardEventScheduler } from "./standard_event.ts";

/**
 * Keeps one `_idle` event pending `timeout` seconds ahead, pushed back by every non-event message (as
 * it arrives, and again once the delegate has handled it, if the event came due meanwhile); when it
 * fires, the delegate has been idle for `timeout` seconds.
 */
export class IdleEventCoordinator {
  #event: ScheduledEvent<Msg> | undefined;

  /** The delegate's standard-event scheduler. */
  readonly scheduler: StandardEventScheduler;
  /** Idle seconds before the `_idle` event. */
  readonly timeout: number;
  /**
   * Creates an instance.
   *
   * @param scheduler the delegate's standard-event scheduler.
   * @param timeout idle seconds before the `_idle` event.
   */
  constructor(scheduler: StandardEventScheduler, timeout: number) {
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** The pending `_idle` event, if any. */
  get event(): ScheduledEvent<Msg> | undefined {
    return this.#event;
  }

  /**
   * Restarts the countdown if its `_idle` came due since the last restart (it was emitted): what a
   * handled message calls, bound, so that it can be handed to `then` as it is.
   */
  readonly refreshIfDue = (): void => {
    const current = this.#event;
    if (current !== undefined && !this.scheduler.isPending(current)) this.refresh();
  };

  /** Restarts the idle countdown. */
  refresh(): void {
    const current = this.#event;
    if (current !== undefined && this.scheduler.isPending(current)) {
      this.scheduler.postpone(current, this.timeout);
      return;
    }
    // None yet, or the last one was already emitted (it sits in the mailbox and is ignored on arrival).
    this.#event = this.scheduler.eventLater(this.timeout, ["_idle", { seconds: this.timeout }]);
  }

  /**
   * Wraps an `onMessage` handler (keeping `this`): a non-event message restarts the countdown, and an
   * `_idle` event that is not the pending one (it fired while a message was being handled) is dropped
   * as stale.
   */
  augmentOnMessage<R, This = unknown>(
    handler: (this: This, msg: Msg) => R,
  ): (this: This, msg: Msg) => R | undefined {
    return wrapOnMessage(this, handler);
  }

  /** Cancels the pending `_idle` event, if any. */
  cancel(): void {
    const current = this.#event;
    this.#event = undefined;
    // Closing on its own timeout is the usual case, and then the event is no longer pending.
    if (current !== undefined && this.scheduler.isPending(current)) this.scheduler.cancel(current);
  }

  /** Wraps an `onClose` handler to cancel the pending `_idle` event first. */
  augmentOnClose<R, This = unknown>(handler: (this: This, ex: unknown) => R): (this: This, ex: unknown) => R {
    return wrapOnClose(this, handler);
  }
}

function wrapOnMessage<R, This>(
  idle: IdleEventCoordinator,
  handler: (this: This, msg: Msg) => R,
): (this: This, msg: Msg) => R | undefined {
  return function(this: This, msg: Msg): R | undefined {
    return admitted(idle, msg, handler, this);
  };
}

// `handler` called on `self` for a message the idle timeout admits (a stale `_idle` is dropped), and a
// message's handling restarting the timeout once done. No closure per message: this runs for each one.
function admitted<R, This>(
  idle: IdleEventCoordinator,
  msg: Msg,
  handler: (this: This, msg: Msg) => R,
  self: This,
): R | undefined {
  const admission = admit(idle, msg);
  if (admission === STALE) return undefined;
  const result = handler.call(self, msg);
  return admission === MESSAGE ? handled(idle, result) : result;
}

const STALE = 0;
const EVENT = 1;
const MESSAGE = 2;

// A stale `_idle` (not the pending one: it fired while a message was being handled) is not handed on;
// a non-event message restarts the countdown. The message's kind is read once, here.
function admit(idle: IdleEventCoordinator, msg: Msg): typeof STALE | typeof EVENT | typeof MESSAGE {
  const event = eventKey(msg);
  if (event === undefined) {
    idle.refresh();
    return MESSAGE;
  }
  return event === "_idle" && msg !== idle.event?.data ? STALE : EVENT;
}

// Once a message is handled, the countdown restarts again if its `_idle` came due meanwhile: a chat's
// next message waits until this one is handled, where telepot had it in the mailbox ahead of that
// `_idle`, so the `_idle` is stale instead of a close with a message waiting. (Not after a close, which
// cancelled the countdown.)
function handled<R>(idle: IdleEventCoordinator, result: R): R {
  if (result instanceof Promise) result.then(idle.refreshIfDue, idle.refreshIfDue);
  else idle.refreshIfDue();
  return result;
}

function wrapOnClose<R, This>(
  idle: IdleEventCoordinator,
  handler: (this: This, ex: unknown) => R,
): (this: This, ex: unknown) => R {
  return function(this: This, ex: unknown): R {
    idle.cancel();
    return handler.call(this, ex);
  };
}

/** What {@link IdleTerminateMixin} adds. */
export interface IdleTerminating {
  /** Manages the idle countdown. */
  readonly idleEventCoordinator: IdleEventCoordinator;
  /**
   * Handles the `_idle` event: throws `IdleTerminate`, which closes the delegate. An override may do
   * anything else (say goodbye, then `close()`), so the result is `unknown`, not `never`.
   */
  onIdle(event: IdleEvent): unknown;
}

/** What {@link IdleTerminateMixin} needs from the class it extends. */
export type IdleBase = ListenerContext & StandardEventing & { onMessage(msg: Msg): unknown };

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
  checkBase(Base);
  return class IdleTerminate extends Base {
    readonly idleEventCoordinator: IdleEventCoordinator;

    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const { timeout: given } = contextOptions(args);
      const timeout = checkSeconds(given, "options.timeout");
      if (timeout === undefined) throw new BadInput("options.timeout", "a positive number of seconds");
      const idle = this.idleEventCoordinator = new IdleEventCoordinator(this.scheduler, timeout);
      idle.refresh();
      // The class-level onMessage/onClose below cover the usual case; a subclass that overrides either
      // gets its own override wrapped, as telepot wraps whatever the instance has.
      if (this.onMessage !== IdleTerminate.prototype.onMessage) {
        this.onMessage = idle.augmentOnMessage(this.onMessage);
      }
      if (this.onClose !== IdleTerminate.prototype.onClose) this.onClose = idle.augmentOnClose(this.onClose);
    }

    override onMessage(msg: Msg): unknown {
      return admitted(this.idleEventCoordinator, msg, super.onMessage, this);
    }

    override onClose(ex: unknown): unknown {
      this.idleEventCoordinator.cancel();
      return super.onClose(ex);
    }

    onIdle(event: IdleEvent): unknown {
      // A hand-made `_idle` event may lack the seconds; the configured timeout stands in.
      throw new IdleTerminateError(event._idle?.seconds ?? this.idleEventCoordinator.timeout);
    }
  };
}
