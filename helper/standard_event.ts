import type { DelegatorBot, Msg } from "../bot/delegator_bot.ts";
import { eventKey } from "../bot/event_key.ts";
import { checkEventFlavor } from "../bot/flavor_method.ts";
import { EVENT_PAYLOAD } from "../bot/microphone.ts";
import type { EventScheduler, ScheduledEvent } from "../bot/scheduler.ts";
import { seedKey } from "../bot/seed_key.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { ListenerContext } from "./contexts.ts";
import { keyedTemplate, type Listener } from "./listener.ts";
import { checkBase, type Constructor, contextOptions } from "./mixin.ts";

/** Where a standard event comes from: the event space of a delegate group and the delegate's id. */
export interface EventSource {
  /** Shared by the delegates of one delegation pattern (see `paveEventSpace`). */
  readonly space: unknown;
  /** The delegate's id (its seed). */
  readonly id: unknown;
}

/** `[flavor, data]`: an event's flavor (starting with `_`) and its custom fields. */
export type EventDataTuple = readonly [flavor: string, data: Record<string, unknown>];

const SOURCE_ID = [EVENT_PAYLOAD, "source", "id"] as const;
const SOURCE_SPACE = [EVENT_PAYLOAD, "source", "space"] as const;

/** A bot's scheduler (`bot.scheduler`): due events go where the bot's messages go. */
export type BotScheduler = EventScheduler<Msg>;

/**
 * The one {@link EventScheduler} of a bot, `bot.scheduler`. Due events reach the running loop's handler
 * (for a `DelegatorBot`, its `handle`, whose seeders route them with `perEventSourceId` to the delegate
 * that scheduled them), or `bot.handle` while no loop runs.
 */
export function schedulerOf(bot: Pick<DelegatorBot, "scheduler">): BotScheduler {
  return bot.scheduler;
}

/**
 * A delegate's view of the bot's scheduler that builds *standard events*:
 * `{ _flavor: { source: { space, id }, ...data } }`. The source is fixed, so a delegate receives exactly
 * its own events.
 */
export class StandardEventScheduler {
  /** The source stamped on every event made here (shared by all of them). */
  readonly source: EventSource;

  /** The bot's scheduler (see {@link schedulerOf}). */
  readonly scheduler: BotScheduler;
  /**
   * Creates an instance.
   *
   * @param scheduler the bot's scheduler (see {@link schedulerOf}).
   * @param eventSpace the event space of the delegate group.
   * @param sourceId the delegate's id.
   */
  constructor(scheduler: BotScheduler, eventSpace: unknown, sourceId: unknown) {
    this.scheduler = scheduler;
    this.source = { space: eventSpace, id: sourceId };
  }

  /** The event space of this delegate's group. */
  get eventSpace(): unknown {
    return this.source.space;
  }

  /** Whether `msg` is an event from this space and source. */
  isOwnEvent(msg: Msg): boolean {
    const event = eventKey(msg);
    if (event === undefined) return false;
    const source = (msg[event] as { source?: EventSource } | undefined)?.source;
    return source !== undefined && source !== null && source.space === this.source.space
      && sameId(source.id, this.source.id);
  }

  /**
   * Makes a listener capture this source's events, filed under the source id (under the event space
   * when the id is an object), so the bot asks it only about events that may be its own.
   */
  configure(listener: Listener): void {
    const { space, id } = this.source;
    const own = (msg: Msg) => this.isOwnEvent(msg);
    listener.capture([
      seedKey(id) !== undefined ? keyedTemplate(SOURCE_ID, id, own) : keyedTemplate(SOURCE_SPACE, space, own),
    ]);
  }

  /**
   * A standard event of `flavor` carrying `data`.
   *
   * @throws {BadInput} when the flavor does not start with `_`, or would be routed to a method the
   *   delegate machinery or an update flavor uses (`_message` → `onMessage`, `_close` → `onClose`,
   *   `_callback_query` → `onCallbackQuery`): such names are refused rather than misrouted.
   */
  makeEventData(flavor: string, data: Record<string, unknown>): Msg {
    checkEventFlavor(flavor);
    // The source comes last: data naming a `source` of its own cannot take the event out of its space.
    return { [flavor]: { ...data, source: this.source } };
  }

  /** Schedules `[flavor, data]` at `when` (Unix seconds); returns the event, to cancel it. */
  eventAt(when: number, dataTuple: EventDataTuple): ScheduledEvent<Msg> {
    return this.scheduler.eventAt(when, this.makeEventData(dataTuple[0], dataTuple[1]));
  }

  /** Schedules `[flavor, data]` after `delay` seconds; returns the event, to cancel it. */
  eventLater(delay: number, dataTuple: EventDataTuple): ScheduledEvent<Msg> {
    return this.scheduler.eventLater(delay, this.makeEventData(dataTuple[0], dataTuple[1]));
  }

  /** Schedules `[flavor, data]` now; returns the event, to cancel it. */
  eventNow(dataTuple: EventDataTuple): ScheduledEvent<Msg> {
    return this.scheduler.eventNow(this.makeEventData(dataTuple[0], dataTuple[1]));
  }

  /** Whether `event` is still waiting (not yet emitted, not cancelled). */
  isPending(event: ScheduledEvent<Msg>): boolean {
    return this.scheduler.isPending(event);
  }

  /**
   * Cancels an event.
   *
   * @throws {EventNotFound} when it was already emitted or cancelled.
   */
  cancel(event: ScheduledEvent<Msg>): void {
    this.scheduler.cancel(event);
  }

  /**
   * Moves a waiting event to `delay` seconds from now, keeping the same event object.
   *
   * @throws {EventNotFound} when it was already emitted or cancelled.
   */
  postpone(event: ScheduledEvent<Msg>, delay: number): void {
    this.scheduler.reschedule(event, Date.now() / 1000 + delay);
  }
}

function sameId(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameId(x, b[i]));
  }
  return false;
}

/** What {@link StandardEventMixin} adds. */
export interface StandardEventing {
  /** Schedules this delegate's own events. */
  readonly scheduler: StandardEventScheduler;
}

/**
 * Adds a {@link StandardEventScheduler} for the option `eventSpace` (given by `paveEventSpace`) and makes
 * the listener capture this delegate's events.
 *
 * @throws {BadInput} (from the constructor) without an `eventSpace` option.
 */
export function StandardEventMixin<B extends Constructor<ListenerContext>>(
  Base: B,
): B & Constructor<StandardEventing> {
  checkBase(Base);
  return class StandardEvent extends Base {
    readonly scheduler: StandardEventScheduler;

    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const { eventSpace } = contextOptions(args);
      if (eventSpace === undefined) {
        throw new BadInput("options.eventSpace", "an event space: pair the handler with paveEventSpace()");
      }
      this.scheduler = new StandardEventScheduler(schedulerOf(this.originalBot), eventSpace, this.id);
      this.scheduler.configure(this.listener);
    }
  };
}
