import { eventKey } from "../bot/event_key.ts";
import type { Awaitable } from "../bot/journal.ts";
import type { EventScheduler, ScheduledEvent, SchedulerObserver } from "../bot/scheduler.ts";
import { BadInput } from "../exception/bad_input.ts";
import { toJson } from "./memory_storage.ts";
import { isStorage, isThenable, type Storage } from "./storage.ts";

/** Where a bot's scheduled events are kept, each under its own id. */
export const EVENT_PREFIX = "event:";
/** Where delegates keep their state: `state:<class>:<seed as JSON>`. */
export const STATE_PREFIX = "state:";

/** What {@link persist} needs of a bot: its scheduler, and where background failures go. */
export interface PersistableBot {
  /** The bot's scheduler; its events are stored while they wait. */
  readonly scheduler: EventScheduler<Record<string, unknown>>;
  /** Reports a background failure (the token cut out). */
  logError(what: string, error: unknown): void;
}

/** A delegate's stored record (what `state:` keys hold). */
export interface DelegateRecord {
  /** The delegate's state, as its `state` property or `saveState()` gave it. */
  readonly state: unknown;
  /** The seed it was opened for. */
  readonly seed: unknown;
  /** Its event space (to re-arm its idle timeout after a restart), when it has one. */
  readonly space?: unknown;
  /** When its idle timeout is due (Unix seconds), while it is open and has one. */
  readonly idle?: number | null;
  /** The idle timeout's length in seconds. */
  readonly timeout?: number;
  /**
   * Ids of messages this state includes (`u<update_id>`, `e<event id>`), newest last: the latest 16,
   * and before them every update its source may still send again.
   */
  readonly applied: readonly string[];
  /** When it was saved (Unix seconds), given when `applied` names more than the latest 16. */
  readonly saved?: number;
}

interface StoredEvent {
  readonly when: number;
  readonly data: Record<string, unknown>;
}

function isIdleEvent(data: Record<string, unknown>): boolean {
  return typeof data === "object" && data !== null && "_idle" in data;
}

// What release() gives when nothing was scheduled.
const NONE: readonly ScheduledEvent<Record<string, unknown>>[] = [];

// The source a standard event carries (`{ _flavor: { source, … } }`), shared by a delegate's events.
function sourceOf(data: Record<string, unknown>): unknown {
  const flavor = typeof data === "object" && data !== null ? eventKey(data) : undefined;
  return flavor === undefined ? undefined : (data[flavor] as { source?: unknown } | undefined)?.source;
}

/**
 * A bot's persistence (made by {@link persist}): the storage its delegates keep their state in, and
 * the keeper of its scheduled events, each written to the storage when scheduled, rewritten when
 * moved, and deleted once emitted and handled (or cancelled). Idle timeouts are not stored as events:
 * a persistent delegate stores its idle deadline with its state.
 */
export class Persistence implements SchedulerObserver<Record<string, unknown>> {
  /** Where everything is kept. */
  readonly storage: Storage;
  /** The bot. */
  readonly bot: PersistableBot;
  readonly #eventIds = new WeakMap<object, string>();
  readonly #dataIds = new WeakMap<object, string>();
  // The state key each stored event's handling was saved under (see savedIn).
  readonly #savedIn = new WeakMap<object, string>();
  // Events scheduled by a delegate while it handles a message, by their source (see hold; a list made at
  // the first), and the set of all of them, not written yet.
  readonly #held = new Map<object, ScheduledEvent<Record<string, unknown>>[] | undefined>();
  readonly #unwritten = new WeakSet<ScheduledEvent<Record<string, unknown>>>();
  // Of those, the ones emitted while held, not handled yet.
  readonly #dueUnwritten = new WeakSet<ScheduledEvent<Record<string, unknown>>>();
  readonly #pending = new Set<Promise<unknown>>();
  // The stored events and restored idle deadlines scheduled on the bot, while they wait.
  readonly #scheduled = new Set<ScheduledEvent<Record<string, unknown>>>();

  /**
   * Creates the persistence of `bot`; {@link persist} is how it is made and started.
   *
   * @param bot the bot.
   * @param storage an opened storage.
   */
  constructor(bot: PersistableBot, storage: Storage) {
    this.bot = bot;
    this.storage = storage;
  }

  /**
   * Schedules what the storage holds: every stored event at its time (those already due at once), and
   * for every delegate that was open with an idle timeout, an `_idle` event at its deadline, which
   * opens the delegate for its seed (as a new message would) unless one is open; then starts storing
   * the scheduler's changes.
   */
  async restore(): Promise<void> {
    const scheduler = this.bot.scheduler;
    const events = await this.storage.scan(EVENT_PREFIX);
    const states = await this.storage.scan(STATE_PREFIX);
    // Scheduled before the observer is attached: these are stored already (idle events never are).
    for (const { key, value } of events) {
      const { when, data } = value as StoredEvent;
      this.#remember(scheduler.eventAt(when, data), key.slice(EVENT_PREFIX.length));
    }
    for (const { value } of states) {
      const record = value as DelegateRecord;
      if (typeof record.idle !== "number" || record.space === undefined) continue;
      const idle = { _idle: { source: { space: record.space, id: record.seed }, seconds: record.timeout } };
      this.#scheduled.add(scheduler.eventAt(record.idle, idle));
    }
    scheduler.observe(this);
  }

  #remember(event: ScheduledEvent<Record<string, unknown>>, id: string): void {
    this.#eventIds.set(event, id);
    this.#dataIds.set(event.data, id);
    this.#scheduled.add(event);
  }

  /** The stored id of a scheduled event's data (what a delegate records having handled), if stored. */
  eventId(data: object): string | undefined {
    return this.#dataIds.get(data);
  }

  /**
   * Notes that a delegate saved its handling of the stored event `data` in the state at `key`: the event
   * is deleted once that save is committed (with an update's acknowledgement, in the SQLite journal's
   * file), so a process ending in between finds the event still stored, not its effect lost.
   */
  savedIn(data: object, key: string): void {
    this.#savedIn.set(data, key);
  }

  /** Resolves once every event write started so far has finished (`undefined` when none is pending). */
  settled(): Promise<unknown> | undefined {
    return this.#pending.size === 0 ? undefined : Promise.all(this.#pending);
  }

  /**
   * Holds back the events scheduled with `source` (a delegate's, while it handles a message) until
   * {@link release}: they are stored with the state that handling saves, not before it. Once held,
   * holding again changes nothing.
   */
  hold(source: object): void {
    if (!this.#held.has(source)) this.#held.set(source, undefined);
  }

  /**
   * The events held for `source` that are still to be handled, no longer held (none are written yet):
   * those waiting, and those that came due meanwhile and wait in a delegate's mailbox, which are stored
   * too, so that a crash before they are handled does not lose them.
   */
  release(source: object): readonly ScheduledEvent<Record<string, unknown>>[] {
    const held = this.#held.get(source);
    this.#held.delete(source);
    if (held === undefined) return NONE;
    return held.filter((event) => this.bot.scheduler.isPending(event) || this.#dueUnwritten.has(event));
  }

  /**
   * Writes released events: with the save of the state at `after` staged with an update's
   * acknowledgement, in its transaction, when the storage can (see `Storage.setAfter`; an event whose
   * write is dropped with that save is cancelled, since the update is handled again); else at once.
   */
  store(events: readonly ScheduledEvent<Record<string, unknown>>[], after?: string): void {
    const storage = this.storage;
    for (const event of events) {
      this.#unwritten.delete(event);
      const id = this.#eventIds.get(event)!;
      if (after === undefined || typeof storage.setAfter !== "function") {
        this.#write(id, event);
        continue;
      }
      const dropped = () => {
        if (this.bot.scheduler.isPending(event)) this.bot.scheduler.cancel(event);
      };
      this.#run(() => storage.setAfter!(EVENT_PREFIX + id, this.#stored(id, event), after, dropped));
    }
  }

  /** Cancels released events (those still waiting): the handling that scheduled them was not saved. */
  discard(events: readonly ScheduledEvent<Record<string, unknown>>[]): void {
    const scheduler = this.bot.scheduler;
    for (const event of events) if (scheduler.isPending(event)) scheduler.cancel(event);
  }

  /** Stores a newly scheduled event (idle timeouts excepted), unless its source's events are held. */
  scheduled(event: ScheduledEvent<Record<string, unknown>>): void {
    if (isIdleEvent(event.data)) return;
    const id = crypto.randomUUID();
    this.#remember(event, id);
    const source = this.#held.size === 0 ? undefined : sourceOf(event.data) as object;
    if (source === undefined || !this.#held.has(source)) return this.#write(id, event);
    let held = this.#held.get(source);
    if (held === undefined) this.#held.set(source, held = []);
    held.push(event);
    this.#unwritten.add(event);
  }

  /** Stores the event's new time (a held one's is stored when it is). */
  rescheduled(event: ScheduledEvent<Record<string, unknown>>): void {
    const id = this.#eventIds.get(event);
    if (id !== undefined && !this.#unwritten.has(event)) this.#write(id, event);
  }

  /** Forgets a cancelled event. */
  cancelled(event: ScheduledEvent<Record<string, unknown>>): void {
    const id = this.#eventIds.get(event);
    if (id === undefined) return;
    this.#scheduled.delete(event);
    if (!this.#unwritten.delete(event)) this.#run(() => this.storage.delete(EVENT_PREFIX + id));
  }

  /**
   * Forgets an emitted event once it has been handled; one whose handling failed stays stored and is
   * emitted again after a restart.
   */
  emitted(event: ScheduledEvent<Record<string, unknown>>, result: unknown): void {
    const id = this.#eventIds.get(event);
    if (id === undefined) return;
    this.#scheduled.delete(event);
    if (this.#unwritten.has(event)) this.#dueUnwritten.add(event);
    const forget = (handled: unknown) => {
      // A handling that failed keeps the event, to be stored and emitted again after a restart.
      if (handled === false) return;
      this.#dueUnwritten.delete(event);
      const storage = this.storage;
      const state = this.#savedIn.get(event.data);
      this.#run(() =>
        state !== undefined && typeof storage.deleteAfter === "function"
          ? storage.deleteAfter(EVENT_PREFIX + id, state)
          : storage.delete(EVENT_PREFIX + id)
      );
    };
    if (isThenable(result)) result.then(forget, () => {});
    else forget(result);
  }

  /**
   * Stops storing the scheduler's changes, takes the stored events (and restored idle deadlines) still
   * waiting off the bot's scheduler, and closes the storage. The events stay stored: the next
   * {@link persist} on that storage, by this bot or a new one (a restart within the process), schedules
   * them once, and none fires meanwhile from a bot no longer persisted.
   */
  async close(): Promise<void> {
    const scheduler = this.bot.scheduler;
    scheduler.observe(undefined);
    for (const event of this.#scheduled) if (scheduler.isPending(event)) scheduler.cancel(event);
    this.#scheduled.clear();
    perBot.delete(this.bot);
    await this.settled();
    await this.storage.close();
  }

  #write(id: string, event: ScheduledEvent<Record<string, unknown>>): void {
    this.#run(() => this.storage.set(EVENT_PREFIX + id, this.#stored(id, event)));
  }

  // What is stored of an event; refused with BadInput when it is no JSON.
  #stored(id: string, event: ScheduledEvent<Record<string, unknown>>): StoredEvent {
    const value: StoredEvent = { when: event.when, data: event.data };
    toJson(EVENT_PREFIX + id, value);
    return value;
  }

  // A storage failure here has no message to fail: it is reported, and the event lives in memory only.
  #run(work: () => Awaitable<unknown>): void {
    const report = (error: unknown) => this.bot.logError("storing a scheduled event failed", error);
    try {
      const result = work();
      if (!isThenable(result)) return;
      const pending = result.then(() => {}, report);
      this.#pending.add(pending);
      pending.then(() => this.#pending.delete(pending));
    } catch (error) {
      report(error);
    }
  }
}

const perBot = new WeakMap<object, Persistence>();

// What persist() calls on a bot, checked where it is given rather than met as a TypeError later.
function isPersistable(bot: unknown): bot is PersistableBot {
  if (typeof bot !== "object" || bot === null) return false;
  const { scheduler, logError } = bot as Partial<PersistableBot>;
  return typeof logError === "function" && typeof scheduler?.observe === "function"
    && typeof scheduler.eventAt === "function";
}

/** The persistence {@link persist} gave `bot`, if any. */
export function persistenceOf(bot: object): Persistence | undefined {
  return perBot.get(bot);
}

/**
 * Makes `bot`'s delegates and scheduled events survive restarts, kept in `storage` (a path string
 * opens a SQLite storage in that file, loaded on demand from the `./storage/sqlite` entry point):
 *
 * - A delegate (built with `createOpen`) that declares its state, as a `state` property with its
 *   default or as `loadState(state)`/`saveState()` methods, gets the stored state for its seed when it
 *   opens, and saves it after each message it handles: in the transaction that acknowledges the update
 *   when the storage can share one with the journal (SQLite storage and journal in one file), else
 *   before the message is acknowledged. The record
 *   also names the messages it includes that may come again (the latest 16, and every update its
 *   source may still send again), so a message delivered again after a crash between the save and the
 *   acknowledgement is recognised and not applied twice. A save that fails (a
 *   `StateConflict`: another process wrote that seed's state since it was read) closes the delegate
 *   and is reported; the message is not acknowledged and is handled again from the stored state.
 * - Scheduled events (`bot.scheduler`, a delegate's `this.scheduler`) are stored until emitted and
 *   handled: after a restart they fire at their time (at once when overdue). One whose delegate is
 *   gone opens the delegate for its seed, as a new message would.
 * - A delegate's idle timeout is stored with its state and re-armed after a restart with the time it
 *   had left.
 *
 * Call it once, before `messageLoop`, and keep the delegation patterns in the same order across
 * restarts (`paveEventSpace()` numbers its event spaces in the order it is called), or name their
 * spaces (`paveEventSpace(pair, "name")`).
 *
 * @returns the bot's {@link Persistence}, opened, with what was stored scheduled again.
 * @throws {BadInput} when `bot` is no bot (a scheduler and `logError`), `storage` is neither a path nor
 *   a {@link Storage}, or the bot already has one.
 */
export async function persist(bot: PersistableBot, storage: Storage | string): Promise<Persistence> {
  if (!isPersistable(bot)) throw new BadInput("bot", "a Bot or DelegatorBot (a scheduler and logError)");
  if (perBot.has(bot)) throw new BadInput("bot", "a bot without persistence (persist() was called for it)");
  if (typeof storage === "string" && storage !== "") {
    const module = await import("./sqlite_storage.ts");
    storage = module.sqliteStorage(storage);
  }
  if (!isStorage(storage)) throw new BadInput("storage", "a database path or a Storage object");
  await storage.open();
  const persistence = new Persistence(bot, storage);
  perBot.set(bot, persistence);
  try {
    await persistence.restore();
  } catch (error) {
    perBot.delete(bot);
    throw error;
  }
  return persistence;
}
