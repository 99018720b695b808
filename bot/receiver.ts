import { setImmediate } from "node:timers";
import type { UpdateKind } from "../api/classification.gen.ts";
import type { Update } from "../api/types.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { DeadLetterError } from "../exception/dead_letter.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { chatKey } from "./chat_key.ts";
import { type Deferred, deferred } from "./deferred.ts";
import type { Awaitable, Journal, JournalRecord, TakenRecord } from "./journal.ts";
import { UpdateLedger } from "./ledger.ts";
import { MemoryJournal } from "./memory_journal.ts";
import { type Redelivery, rememberDeliverer, rememberOrigin } from "./update_kind.ts";
import { updateKindOf } from "./update_shapes.ts";
import { abortable, within } from "./within.ts";

/** Receives each update's payload (a Message, CallbackQuery…); a returned promise means "not finished yet". */
export type PayloadHandler = (payload: unknown, update: Update) => unknown;

/** Called with what a handler threw (or rejected with), or what the receiver has to report. */
export type ErrorReporter = (error: unknown, update: Update | undefined) => void;

/** What a running message loop gives the receiver. */
export interface ReceiverSettings {
  /** Handles one payload. */
  readonly handle: PayloadHandler;
  /** Where failures and dead letters are reported. */
  readonly onError: ErrorReporter;
  /** Attempts at an update before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Back-off before lanes stopped by a journal failure are tried again. Default 0.5 s doubling up to 30 s. */
  readonly backoff?: BackoffOptions;
}

const RESOLVED: Promise<void> = Promise.resolve();
const MET: Promise<boolean> = Promise.resolve(true);
// Records a lane reads from its journal at a time.
const TAKE = 32;
// Seconds an update on its last attempt after crashes waits for other handlers to finish before it
// runs alone anyway (one that never settles must not hold it for ever).
const QUIET_WAIT = 5;

interface Lane {
  // Set when an append woke a lane that was already running, so an empty take is read again.
  dirty: boolean;
  // Set when the journal holds one of the lane's updates again (see Journal.ack): what the lane took
  // after it waits until it is handled again.
  retake: boolean;
}

/** The lane an update belongs to: its chat, or a lane of its own. */
export function laneKey(update: Update): string {
  const record = update as unknown as Record<string, unknown>;
  const kind = updateKindOf(record);
  return chatKey(kind === undefined ? undefined : record[kind]) ?? `u${update.update_id}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
}

/**
 * The one place where a bot's updates are received: every source (getUpdates polling, a queue, webhook
 * requests, `bot.handleUpdate`) hands updates to it. It owns the {@link UpdateLedger} (each id once),
 * the journal (where updates wait, durable or not) and the lanes that run the handler: one lane per
 * chat, each taking its chat's updates from the journal in order, different chats concurrently, so a
 * flooding chat or a handler that never settles holds up only its own chat.
 *
 * An update is confirmable (the polling offset may pass it, the webhook may answer 200) once it is in
 * a durable journal, or, with the memory journal, once its handler has finished. Each handling is an
 * attempt, recorded before the handler runs; a handler that throws is run again, and an update whose
 * attempts are used up (failures, or the process ending during them) is dead-lettered and reported.
 */
export class Receiver implements Redelivery {
  /** The ids received in this process and which of them are not confirmable yet. */
  readonly ledger: UpdateLedger = new UpdateLedger();
  /**
   * The offsets of the loop attached, while it polls (set by the loop): Telegram sends again whatever
   * is at or above the offset it last confirmed.
   */
  polled: { readonly confirmed: number | undefined } | undefined;
  /** Whether a webhook handler was made for this bot: a loop started without a source then does not poll. */
  webhook = false;
  /** The time in ms, for telling how long no update came (replaced in tests). */
  clock: () => number = Date.now;
  #journal: Journal = new MemoryJournal();
  #settings: ReceiverSettings | undefined;
  #stopping = false;
  #opening = false;
  // Resolves once the journal a loop is attaching is open (or failed to open).
  #opened: Promise<void> | undefined;
  #forgetHandled = false;
  #lanes = new Map<string, Lane>();
  // Lanes with work but no handler to run it (no loop running, or stopping).
  // Keys whose work waits for a loop, in the order parked (a Set keeps insertion order and forgets a key
  // in O(1) when its lane takes it, so nothing stale builds up while a journal stays away).
  #parked = new Set<string>();
  // Lanes the journal failed under (a locked file, Redis away), parked until `#retryTimer` wakes them
  // together: a chat that sends nothing more must not wait for ever. The back-off is reset once a lane
  // it woke got through.
  #failedLanes = new Set<string>();
  #retried = new Set<string>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryBackoff = new Backoff();
  #backlog = 0;
  #handled = 0;
  #waiters = new Map<number, Deferred<void>>();
  // Waiting for the number of unfinished updates to drop to `count` (the poller, once per window); a
  // wait that times out removes itself, so that a poller asking again and again leaves nothing behind.
  #fewer = new Set<{ readonly count: number; readonly met: (met: boolean) => void }>();
  #finished = 0;
  // Updates delivered one by one, waiting to be appended together.
  #gathering: { readonly updates: Update[]; readonly appended: Promise<void> } | undefined;
  #changed: Deferred<void> | undefined;
  // Handlers running now, and the gate an update suspected of ending the process holds while it runs
  // alone (so that, should it end the process again, nothing else is blamed for it).
  #active = 0;
  #gate: Promise<void> | undefined;
  #quiet: Deferred<void> | undefined;

  /** Whether updates are confirmed once journaled (true) or only once handled (false). */
  get durable(): boolean {
    return this.#journal.durable;
  }

  /** The journal in use (the memory journal while no loop names another). */
  get journal(): Journal {
    return this.#journal;
  }

  /** Updates handled (acked) so far. */
  get handled(): number {
    return this.#handled;
  }

  /** How many received updates became confirmable so far: what changes as handlers finish. */
  get finished(): number {
    return this.#finished;
  }

  /** Updates received and neither handled nor dead-lettered yet. */
  get backlog(): number {
    // Updates delivered one by one and gathered for the next append count already: a source taking
    // many in one turn of the event loop must see them.
    return this.#backlog + (this.#gathering?.updates.length ?? 0);
  }

  /** Whether a loop is attached. */
  get attached(): boolean {
    return this.#settings !== undefined;
  }

  /**
   * Starts handling with a loop's settings (claimed at once, so a second loop is refused) and journal:
   * opens the journal (moving over what the previous one still holds), resumes what it holds unacked,
   * each lane in order, then runs lanes.
   *
   * @throws {TelepotException} when a loop is already attached to this bot.
   */
  async attach(settings: ReceiverSettings, journal: Journal | Promise<Journal>): Promise<void> {
    if (this.#settings !== undefined) {
      throw new TelepotException(
        "a message loop is already running for this bot: stop it before starting another",
      );
    }
    this.#settings = settings;
    this.#stopping = false;
    this.#retryBackoff = new Backoff(settings.backoff);
    // Until the loop's journal is open, what arrives waits: handled on the previous journal, it would
    // bypass the chosen one (a Redis receiver's handler does nothing; the journal is its handling), and
    // taken in by the previous journal once its records were carried over, it would be left behind.
    this.#opening = true;
    const opened = deferred<void>();
    this.#opened = opened.promise;
    try {
      const chosen = await journal;
      if (chosen !== this.#journal) await this.#switchTo(chosen);
    } catch (error) {
      this.#settings = undefined;
      throw error;
    } finally {
      this.#opening = false;
      this.#opened = undefined;
      opened.resolve();
    }
    for (const key of this.#parked) {
      if (this.#settings !== settings) break;
      this.#parked.delete(key);
      this.#wake(key);
    }
  }

  /**
   * Detaches the loop: with the memory journal, lanes first work through what was received (up to
   * `seconds`), since nothing unfinished may be confirmed; with a durable one, lanes stop after their
   * current update. Then whatever is still running gets the rest of `seconds`, and a durable journal is
   * closed (what it holds is resumed by the next loop or process). Resolves with the number of chats
   * whose handling was still running when `seconds` ran out.
   */
  async detach(seconds: number): Promise<number> {
    const deadline = Date.now() + seconds * 1000;
    const left = () => (deadline - Date.now()) / 1000;
    if (!this.#journal.durable) {
      while (this.#backlog > 0 && this.#lanes.size > 0 && left() > 0) await within(this.changed(), left());
    }
    this.#stopping = true;
    while (this.#lanes.size > 0 && left() > 0) await within(this.changed(), left());
    const abandoned = this.#lanes.size;
    this.#settings = undefined;
    // Parked as they are: the next loop wakes them.
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#failedLanes.clear();
    this.#retried.clear();
    const journal = this.#journal;
    if (journal.durable) {
      this.#journal = new MemoryJournal();
      // Handlers still running past the stop belong to the closed journal: they hold no chat any more.
      this.#lanes = new Map();
      this.#backlog = 0;
      this.#parked.clear();
      await journal.close();
    }
    return abandoned;
  }

  /**
   * Takes in a batch of updates: ids seen before are left out, the rest appended to the journal in one
   * go and handed to their lanes. Resolves once appended (for a durable journal that is the moment
   * they may be confirmed); rejects, with nothing taken, when the journal fails. While a loop's journal
   * is being opened, the batch waits for it.
   */
  receive(updates: readonly Update[]): Promise<void> {
    const opening = this.#opened;
    if (opening !== undefined) return opening.then(() => this.receive(updates));
    // After a longer quiet than Telegram keeps an update, the handled ids the journal remembers mean
    // nothing either (see Journal.restart); until it has forgotten them, nothing is taken in.
    if (this.ledger.expire(this.clock())) this.#forgetHandled = true;
    if (this.#forgetHandled) {
      let forgotten: Awaitable<void>;
      try {
        forgotten = this.#journal.restart?.();
      } catch (error) {
        return Promise.reject(error);
      }
      if (isThenable(forgotten)) {
        return forgotten.then(() => {
          this.#forgetHandled = false;
          return this.receive(updates);
        });
      }
      this.#forgetHandled = false;
    }
    const records: JournalRecord[] = [];
    for (const update of updates) {
      const id = update.update_id;
      if (this.ledger.hasSeen(id)) continue;
      this.ledger.begin(id);
      records.push({ id, key: laneKey(update), update });
    }
    if (records.length === 0) return RESOLVED;
    const journal = this.#journal;
    // Counted at once, so that a source checking the capacity meanwhile sees them.
    this.#backlog += records.length;
    const refused = (error: unknown) => {
      this.#backlog -= records.length;
      for (const record of records) this.ledger.drop(record.id);
      if (this.#fewer.size > 0) this.#fewerNow();
      throw error;
    };
    let appended: ReturnType<Journal["append"]>;
    try {
      appended = journal.append(records, journal.durable && this.#running() ? this.#idle : undefined);
    } catch (error) {
      return Promise.reject(error).catch(refused);
    }
    if (isThenable(appended)) {
      return appended.then((fresh) => this.#appended(records, fresh, journal), refused);
    }
    // A journal that answers at once (memory, SQLite) lets quick handlers finish right here.
    this.#appended(records, appended, journal);
    return RESOLVED;
  }

  // While a loop handles and nothing runs alone, `#appended` runs idle lanes at once: a durable journal
  // may write their first attempts with the append.
  #running(): boolean {
    return this.#settings !== undefined && !this.#stopping && !this.#opening && this.#gate === undefined;
  }

  #idle = (key: string): boolean => !this.#lanes.has(key);

  #appended(records: readonly JournalRecord[], fresh: readonly JournalRecord[], journal: Journal): void {
    if (fresh.length !== records.length) {
      // Held or handled before this process started: the journal takes care of them.
      this.#backlog -= records.length - fresh.length;
      const kept = new Set(fresh.map((r) => r.id));
      for (const record of records) if (!kept.has(record.id)) this.#confirmable(record.id);
    }
    for (const record of fresh) {
      if (journal.durable) this.#confirmable(record.id);
      this.#wake(record.key);
    }
  }

  /**
   * Takes in one update and resolves once it may be confirmed to its sender: journaled (durable
   * journal) or handled (memory journal). What a webhook answer and `bot.handleUpdate` wait for.
   *
   * With a durable journal, updates delivered one by one (concurrent webhook requests, a queue) are
   * gathered until the next turn of the event loop and appended together: one transaction for all.
   */
  deliver(update: Update): Promise<void> {
    if (this.#journal.durable) {
      let gathering = this.#gathering;
      if (gathering === undefined) {
        const updates: Update[] = [];
        const appended = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          this.#gathering = undefined;
          return this.receive(updates);
        });
        gathering = this.#gathering = { updates, appended };
      }
      gathering.updates.push(update);
      return gathering.appended.then(() => this.confirmable(update.update_id));
    }
    const received = this.receive([update]);
    if (received === RESOLVED) return this.confirmable(update.update_id);
    return received.then(() => this.confirmable(update.update_id));
  }

  /** Resolves once update `id` is confirmable (at once if it is, or was never received). */
  confirmable(id: number): Promise<void> {
    if (!this.ledger.isUnfinished(id)) return RESOLVED;
    let waiter = this.#waiters.get(id);
    if (!waiter) this.#waiters.set(id, waiter = deferred());
    return waiter.promise;
  }

  /**
   * Resolves with `true` once at most `count` received updates are unfinished (at once if so already),
   * or with `false` after `seconds` (never, without): a wait that wakes once, where waiting on
   * {@link changed} wakes at every update finished. A wait that timed out leaves nothing behind.
   */
  unfinishedAtMost(count: number, seconds?: number): Promise<boolean> {
    if (this.ledger.unfinished <= count) return MET;
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wait = {
        count,
        met: (met: boolean) => {
          clearTimeout(timer);
          this.#fewer.delete(wait);
          resolve(met);
        },
      };
      this.#fewer.add(wait);
      if (seconds !== undefined && seconds < Infinity) {
        timer = setTimeout(() => wait.met(false), seconds * 1000);
      }
    });
  }

  /**
   * A new sequence of update ids begins (Telegram restarted its numbering): the ledger and the journal
   * forget the ids they remember as handled.
   */
  restartSequence(): Awaitable<void> {
    this.ledger.restart();
    return this.#journal.restart?.();
  }

  /**
   * Whether update `id`, received here, may still be sent again by its source (and so handled again
   * should the process end now): with the memory journal, while it is unfinished (a webhook request not
   * answered, a queue item not confirmed), and while polling, until the offset confirmed to Telegram has
   * passed it. A durable journal leaves out what a source sends again: it answers `false`.
   */
  mayBeSentAgain(id: number): boolean {
    if (this.#journal.durable || !this.ledger.hasSeen(id)) return false;
    if (this.ledger.isUnfinished(id)) return true;
    const polled = this.polled;
    return polled !== undefined && (polled.confirmed === undefined || id >= polled.confirmed);
  }

  /** Resolves at the next change: an update handled or dead-lettered, a handler ending. */
  changed(): Promise<void> {
    this.#changed ??= deferred();
    return this.#changed.promise;
  }

  /** Resolves when the backlog is below `limit` (or `signal` aborts); check `backlog` first to skip it. */
  async belowCapacity(limit: number, signal?: AbortSignal): Promise<void> {
    while (this.#backlog >= limit && !signal?.aborted) await abortable(this.changed(), signal);
  }

  /** Reports a problem to the attached loop's `onError`, or the console when no loop runs. */
  report(error: unknown, update?: Update): void {
    if (this.#settings) this.#report(this.#settings, error, update);
    else console.error("telepot:", error);
  }

  #notify(): void {
    const waiting = this.#changed;
    this.#changed = undefined;
    waiting?.resolve();
  }

  #confirmable(id: number): void {
    this.ledger.finish(id);
    this.#finished++;
    const waiter = this.#waiters.get(id);
    if (waiter) {
      this.#waiters.delete(id);
      waiter.resolve();
    }
    if (this.#fewer.size > 0) this.#fewerNow();
  }

  #fewerNow(): void {
    const unfinished = this.ledger.unfinished;
    for (const wait of this.#fewer) if (unfinished <= wait.count) wait.met(true);
  }

  /** Waits of {@link unfinishedAtMost} still waiting (a count that only a leak would grow). */
  get fewerWaits(): number {
    return this.#fewer.size;
  }

  async #switchTo(journal: Journal): Promise<void> {
    await journal.open();
    const previous = this.#journal;
    const carried = await previous.unacked();
    if (carried.length > 0) await journal.append(carried);
    // Now kept by the durable journal (whether or not it hands them back through `unacked`).
    if (journal.durable) { for (const record of carried) this.#confirmable(record.id); }
    this.#journal = journal;
    // Lanes still running on the previous journal (handlers that outlived their loop) keep going, but
    // no longer hold their chats: the new journal's lanes take those chats from here on.
    this.#lanes = new Map();
    await previous.close();
    const held = await journal.unacked();
    this.#backlog = 0;
    this.#parked.clear();
    this.#adopt(held, journal, (key) => this.#park(key));
    journal.listen?.((records) => {
      if (this.#journal === journal) this.#adopt(records, journal, (key) => this.#wake(key));
    });
    journal.returned?.((records) => {
      if (this.#journal === journal) this.#takeAgain(records);
    });
  }

  // Records the journal holds again after their acks were undone: counted again, and taken again.
  #takeAgain(records: readonly JournalRecord[]): void {
    this.#backlog += records.length;
    this.#handled -= records.length;
    for (const record of records) {
      const lane = this.#lanes.get(record.key);
      if (lane) lane.retake = true;
      this.#wake(record.key);
    }
  }

  // Records the journal holds that this receiver did not append (from before a restart, or from
  // other processes): counted, and handed to their lanes.
  #adopt(records: readonly JournalRecord[], journal: Journal, hand: (key: string) => void): void {
    this.#backlog += records.length;
    for (const record of records) {
      if (!this.ledger.hasSeen(record.id)) this.ledger.begin(record.id);
      if (journal.durable) this.#confirmable(record.id);
      hand(record.key);
    }
  }

  #park(key: string): void {
    this.#parked.add(key);
  }

  #wake(key: string): void {
    const lane = this.#lanes.get(key);
    if (lane) {
      lane.dirty = true;
      return;
    }
    const settings = this.#settings;
    if (settings === undefined || this.#stopping || this.#opening) return this.#park(key);
    // The lane takes the key's work: parked no more (else a lane failing on the journal would find its
    // key parked and start the next one at once, past the back-off).
    this.#parked.delete(key);
    const fresh = { dirty: false, retake: false };
    const journal = this.#journal;
    this.#lanes.set(key, fresh);
    // Never rejects: what fails under the lane is reported by the lane itself.
    this.#run(key, fresh, settings, journal);
  }

  // Runs synchronously for as long as the journal and the handlers do: a quick handler finishes
  // inside `receive`, before the next poll, as if called directly.
  async #run(key: string, lane: Lane, settings: ReceiverSettings, journal: Journal): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      lanes: for (;;) {
        lane.dirty = false;
        lane.retake = false;
        const taken = journal.take(key, TAKE);
        const batch = isThenable(taken) ? await taken : taken;
        if (batch.length === 0) {
          if (lane.dirty) continue;
          break;
        }
        for (let i = 0; i < batch.length; i++) {
          if (this.#stopping || this.#settings !== settings || this.#journal !== journal) {
            this.#park(key);
            break lanes;
          }
          const handling = this.#handle(batch[i], settings, journal);
          if (handling) await handling;
          if (lane.retake) continue lanes;
        }
      }
    } catch (error) {
      failure = { error };
    } finally {
      if (this.#lanes.get(key) === lane) this.#lanes.delete(key);
      this.#notify();
      // A lane that outlived its loop parked its key; a loop attached meanwhile picks it up now.
      if (this.#parked.has(key) && this.#settings !== undefined && !this.#stopping) {
        this.#parked.delete(key);
        this.#wake(key);
      }
    }
    if (failure === undefined) {
      if (this.#retried.delete(key)) this.#retryBackoff.reset();
      return;
    }
    // The journal failed under the lane (a closed or broken file, a lock held past busy_timeout): keep
    // the lane's work for later.
    this.#park(key);
    if (journal !== this.#journal) return;
    settings.onError(failure.error, undefined);
    this.#retried.delete(key);
    this.#failedLanes.add(key);
    this.#retryTimer ??= setTimeout(
      () => this.#retryLanes(settings, journal),
      this.#retryBackoff.next() * 1000,
    );
  }

  #retryLanes(settings: ReceiverSettings, journal: Journal): void {
    this.#retryTimer = undefined;
    const keys = this.#failedLanes;
    this.#failedLanes = new Set();
    if (this.#settings !== settings || this.#stopping || this.#journal !== journal) return;
    for (const key of keys) {
      // Not parked any more: a loop attached meanwhile took it.
      if (!this.#parked.delete(key)) continue;
      this.#retried.add(key);
      this.#wake(key);
    }
  }

  // The common case: a first attempt, nobody running alone, without an await where the journal answers
  // at once (memory). Anything else goes the general way.
  #handle(record: TakenRecord, settings: ReceiverSettings, journal: Journal): Promise<void> | undefined {
    if (record.attempts > 0 || this.#gate !== undefined) {
      return this.#handleAll(record, settings, journal, record.attempts, record.failure);
    }
    const counted = journal.attempt(record.id);
    if (isThenable(counted)) {
      return counted.then((attempts) => this.#first(record, settings, journal, attempts));
    }
    return this.#first(record, settings, journal, counted);
  }

  // A first attempt, recorded as attempt number `counted`: the handler runs now (once nobody runs alone).
  #first(
    record: TakenRecord,
    settings: ReceiverSettings,
    journal: Journal,
    counted: number,
  ): Promise<void> | undefined {
    if (this.#gate !== undefined) {
      return this.#gate.then(() => this.#first(record, settings, journal, counted));
    }
    let result: unknown;
    this.#active++;
    try {
      result = this.#invoke(record.update, settings);
    } catch (error) {
      this.#ended();
      return this.#failed(record, settings, journal, counted, error);
    }
    if (!isThenable(result)) {
      this.#ended();
      return this.#succeeded(record, journal);
    }
    return Promise.resolve(result).then(() => {
      this.#ended();
      return this.#succeeded(record, journal);
    }, (error) => {
      this.#ended();
      return this.#failed(record, settings, journal, counted, error);
    });
  }

  #succeeded(record: TakenRecord, journal: Journal): Promise<void> | undefined {
    const acked = journal.ack(record.id);
    if (isThenable(acked)) return acked.then((result) => this.#acked(record, result));
    this.#acked(record, acked);
  }

  #acked(record: TakenRecord, result: void | false): void {
    if (result !== false) return this.#done(record.id);
    // Held again (see Journal.ack): its lane takes it again before anything after it.
    const lane = this.#lanes.get(record.key);
    if (lane) lane.retake = true;
  }

  #done(id: number): void {
    this.#handled++;
    this.#settle(id);
  }

  #failed(
    record: TakenRecord,
    settings: ReceiverSettings,
    journal: Journal,
    attempts: number,
    error: unknown,
  ): Promise<void> | undefined {
    this.#report(settings, error, record.update);
    // Nothing will ever take this one: no point in trying again.
    if (error instanceof BadFlavor) return this.#succeeded(record, journal);
    return this.#handleAll(record, settings, journal, attempts, { error });
  }

  // The general way: `attempts` were recorded already (the last one failing with `lastFailure`, if
  // given; else they ended with a process).
  async #handleAll(
    record: TakenRecord,
    settings: ReceiverSettings,
    journal: Journal,
    attempts: number,
    lastFailure?: { readonly error: unknown },
  ): Promise<void> {
    const max = settings.maxAttempts;
    let failure = lastFailure;
    // The last chance of an update that was in flight when a process ended: it runs alone, so that
    // only the guilty one of the updates in flight then is blamed if it ends this process too.
    const alone = failure === undefined && attempts > 0 && attempts === max - 1;
    for (;;) {
      if (attempts >= max) {
        const reason = failure === undefined
          ? `the process ended while it was being handled, ${attempts} times`
          : describe(failure.error);
        return await this.#bury(record, attempts, reason, settings, journal);
      }
      const attempt = alone
        ? this.#alone(() => this.#attempt(record, settings, journal, true))
        : this.#attempt(record, settings, journal, false);
      const outcome = await attempt.then((count) => ({ count }), (error: unknown) => ({ error }));
      if ("count" in outcome) break;
      // Not an attempt: the lane stops, as for any journal failure, and the update is tried later.
      if (outcome.error instanceof JournalFailed) throw outcome.error.error;
      failure = outcome;
      attempts++;
      this.#report(settings, outcome.error, record.update);
      if (outcome.error instanceof BadFlavor) break;
    }
    await this.#succeeded(record, journal);
  }

  #ended(): void {
    if (--this.#active === 0) {
      this.#quiet?.resolve();
      this.#quiet = undefined;
    }
  }

  // One attempt: recorded, then the handler run to its end; resolves with the attempts made so far.
  // Unless it is the one running alone, it first waits for such a one to finish.
  async #attempt(
    record: TakenRecord,
    settings: ReceiverSettings,
    journal: Journal,
    alone: boolean,
  ): Promise<number> {
    if (!alone) { while (this.#gate) await this.#gate; }
    let attempts: number;
    try {
      attempts = await journal.attempt(record.id);
    } catch (error) {
      throw new JournalFailed(error);
    }
    this.#active++;
    try {
      const result = this.#invoke(record.update, settings);
      if (isThenable(result)) await result;
      return attempts;
    } finally {
      this.#ended();
    }
  }

  async #alone<T>(run: () => Promise<T>): Promise<T> {
    while (this.#gate) await this.#gate;
    const held = deferred<void>();
    this.#gate = held.promise;
    try {
      const deadline = Date.now() + QUIET_WAIT * 1000;
      while (this.#active > 0 && Date.now() < deadline) {
        this.#quiet ??= deferred();
        await within(this.#quiet.promise, (deadline - Date.now()) / 1000);
      }
      return await run();
    } finally {
      this.#gate = undefined;
      held.resolve();
    }
  }

  #invoke(update: Update, settings: ReceiverSettings): unknown {
    const fields = update as unknown as Record<string, unknown>;
    const kind = updateKindOf(fields);
    const payload = kind === undefined ? undefined : fields[kind];
    // An update carrying nothing (no field besides update_id) has nothing to hand over: say so.
    if (payload === undefined || payload === null) throw new BadFlavor(update);
    if (typeof payload === "object") {
      rememberOrigin(payload, { kind: kind as UpdateKind, updateId: update.update_id });
      rememberDeliverer(payload, this);
    }
    return settings.handle(payload, update);
  }

  async #bury(
    record: JournalRecord,
    attempts: number,
    reason: string,
    settings: ReceiverSettings,
    journal: Journal,
  ): Promise<void> {
    await journal.deadLetter(record.id, attempts, reason);
    this.#report(settings, new DeadLetterError(record.id, attempts, reason), record.update);
    this.#settle(record.id);
  }

  #report(settings: ReceiverSettings, error: unknown, update: Update | undefined): void {
    try {
      settings.onError(error, update);
    } catch (failure) {
      console.error("onError failed:", failure);
    }
  }

  #settle(id: number): void {
    this.#backlog--;
    this.#confirmable(id);
    this.#notify();
  }
}

// The journal could not record an attempt: no handler ran, so it does not count as one that failed.
class JournalFailed {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

const perBot = new WeakMap<object, Receiver>();

/**
 * The receiver of `bot`, created on first use: one per bot per process.
 *
 * @throws {BadInput} when `bot` is not an object (`webhookHandler(undefined)`, say), which could hold no
 *   receiver.
 */
export function receiverOf(bot: object): Receiver {
  if (typeof bot !== "object" || bot === null) throw new BadInput("bot", "a Bot");
  let receiver = perBot.get(bot);
  if (!receiver) perBot.set(bot, receiver = new Receiver());
  return receiver;
}
