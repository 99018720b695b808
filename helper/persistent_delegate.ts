import { openersOf } from "../bot/delegate_flavors.ts";
import type { Msg, SeedTuple } from "../bot/delegator_bot.ts";
import { failHandling } from "../bot/handling_failure.ts";
import type { Awaitable } from "../bot/journal.ts";
import { receiverOf } from "../bot/receiver.ts";
import type { ScheduledEvent } from "../bot/scheduler.ts";
import { seedKey } from "../bot/seed_key.ts";
import { originOf } from "../bot/update_kind.ts";
import { BadInput } from "../exception/bad_input.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { StopListening } from "../exception/stop_listening.ts";
import { type AppliedIds, keepApplied, liveApplied } from "../storage/applied.ts";
import {
  type DelegateRecord,
  type Persistence,
  persistenceOf,
  STATE_PREFIX,
} from "../storage/persistence.ts";
import { isThenable, then, type Versioned } from "../storage/storage.ts";
import type { IdleEventCoordinator } from "./idle.ts";
import type { Listener } from "./listener.ts";
import type { StandardEventScheduler } from "./standard_event.ts";

/** What a persistent delegate is to its runner: telepot's openable protocol. */
export interface Openable {
  /** Reads the delegate's next messages. */
  readonly listener: Listener;
  /** Called with the first message and the seed; a truthy result means that message was handled. */
  open(initialMsg: Msg, seed: unknown): unknown;
  /** Called with each message. */
  onMessage(msg: Msg): unknown;
  /** Called once when the delegate ends, with the reason. */
  onClose(ex: unknown): unknown;
}

// Updates a delegate remembers as staged (see PersistentDelegate.#staged): one is handed out again
// right after its attempt failed, and a delegate serving several chats may have staged others meanwhile.
const STAGED_KEPT = 16;

/**
 * How a delegate declares persistent state: a `state` property (its initial value is the default,
 * replaced by the stored state when there is one), or `loadState`/`saveState` methods for state kept
 * elsewhere on the instance. Either way the state must be JSON-compatible.
 */
export interface StatefulDelegate {
  /** The state, saved after each handled message and loaded when the delegate opens. */
  state?: unknown;
  /** Takes the stored state when the delegate opens (not called when nothing is stored). */
  loadState?(state: unknown): void;
  /** Gives the state to store, after each handled message. */
  saveState?(): unknown;
  /** The name its state is stored under (default: the class name). */
  readonly stateName?: string;
}

function declaresState(delegate: object): boolean {
  const d = delegate as StatefulDelegate;
  return "state" in d || typeof d.loadState === "function";
}

/**
 * The name a delegate class's state is stored under: its `stateName`, or its class name.
 *
 * @throws {BadInput} for a class without a name (`class extends ChatHandler {…}` written inline) and
 *   no `stateName`: every such class would share one name, and load each other's state.
 */
export function stateName(delegate: object): string {
  const own = (delegate as StatefulDelegate).stateName
    ?? (delegate.constructor as { stateName?: unknown }).stateName;
  if (typeof own === "string" && own !== "") return own;
  const name = delegate.constructor.name;
  if (name === "") {
    throw new BadInput("delegate class", "a named class, or a stateName, for a delegate that declares state");
  }
  return name;
}

function stateKey(delegate: object, seed: unknown): string {
  return `${STATE_PREFIX}${stateName(delegate)}:${
    JSON.stringify(seed, (_k, v) => typeof v === "bigint" ? `${v}n` : v)
  }`;
}

function isNormalEnd(e: unknown): boolean {
  return e instanceof IdleTerminate || e instanceof StopListening;
}

/**
 * `delegate`, made persistent when its bot has a persistence (see `persist`), the delegate declares
 * state ({@link StatefulDelegate}) and its seed is a value (a number, string, or an array of those):
 * otherwise `delegate` itself. `createOpen` calls it for every delegate it builds, naming itself as
 * `delegator`.
 *
 * @throws {BadInput} when the class keeps state and an earlier delegation pattern of the bot makes
 *   delegates of it too (or `delegator` serves two patterns): its state key, `state:<class>:<seed>`,
 *   says nothing of the pattern, and where the seeds of two meet (a private chat's id is its user's)
 *   they would share one state.
 */
export function withState<D extends Openable>(
  delegate: D,
  seedTuple: SeedTuple,
  delegator?: object,
): Openable {
  const [bot, , seed] = seedTuple;
  const persistence = persistenceOf(bot);
  if (persistence === undefined || !declaresState(delegate)) return delegate;
  if (seedKey(seed) === undefined) return delegate;
  if (delegator !== undefined) checkOwnName(bot, delegator, delegate);
  return new PersistentDelegate(delegate, persistence, bot, seed);
}

// The name a class's state is stored under as far as the class tells (an instance may name another).
function classStateName(prototype: object): string {
  const cls = prototype.constructor as { stateName?: unknown; name: string };
  return typeof cls.stateName === "string" && cls.stateName !== "" ? cls.stateName : cls.name;
}

// The delegator that made the first delegate keeping state under each name, per bot: instances may
// name their state themselves, which no class tells.
const nameOwners = new WeakMap<object, Map<string, object>>();

// Refuses a delegate whose state name another pattern of the bot keeps its state under: by the classes,
// the later pattern's; by the names instances give, the one whose delegate came second (or a delegator
// serving two patterns, which cannot tell which one it serves).
function checkOwnName(bot: object, delegator: object, delegate: object): void {
  let name: string;
  try {
    name = stateName(delegate);
  } catch {
    // Refused as the delegate's state key is made, with its own reason.
    return;
  }
  const patterns = openersOf(bot).filter(({ prototype }) => classStateName(prototype) === name);
  const own = patterns.filter((pattern) => pattern.delegator === delegator).length;
  const byClass = patterns.length >= 2 && !(patterns[0].delegator === delegator && own === 1);
  let owners = nameOwners.get(bot);
  if (owners === undefined) nameOwners.set(bot, owners = new Map());
  const owner = owners.get(name);
  if (!byClass && (owner === undefined || owner === delegator)) {
    owners.set(name, delegator);
    return;
  }
  throw new BadInput(
    "delegation patterns",
    `one pattern per state name: ${name} is the state name of another pattern's delegates too, and `
      + `both would keep state under state:${name}:<seed>; give this pattern a class of its own `
      + `(a subclass, with a static stateName of its own when the class has one), or a stateName of its own`,
  );
}

/**
 * An openable delegate whose state is loaded from the bot's storage when it opens and saved after each
 * message it handles, before the runner asks for the next one (so before the bot acknowledges the
 * message), or, when the storage shares the journal's SQLite file, in the transaction that
 * acknowledges it. The save is a compare-and-set on the version read: a failure closes the delegate and marks
 * the message not handled, so `DelegatorBot.handle` rejects and the loop handles it again.
 */
class PersistentDelegate implements Openable {
  readonly #inner: Openable & StatefulDelegate;
  readonly #persistence: Persistence;
  readonly #bot: object;
  readonly #seed: unknown;
  readonly #key: string;
  #version = 0;
  // The messages the state includes (see storage/applied.ts).
  #applied: AppliedIds<string> = { applied: [] };
  // The latest updates whose state was staged with their acknowledgement, applied in memory though not
  // committed: one handed out again meanwhile is one that another delegate failed, and is tried again
  // (a refused write closes this delegate at its next message instead).
  readonly #staged: string[] = [];
  // While a handling runs (from its message to its save): the messages it read on from and let go,
  // acknowledged before its state is saved (see #lettingGo), which the state it saves includes.
  #handling = false;
  readonly #readOn: string[] = [];
  // Set when a write made with an acknowledgement was refused as it committed, or dropped by a journal
  // closing first: what this delegate holds in memory is not what is stored, so it closes at its next
  // message.
  #refused: { error: unknown } | undefined;

  constructor(inner: Openable, persistence: Persistence, bot: object, seed: unknown) {
    this.#inner = inner;
    this.#persistence = persistence;
    this.#bot = bot;
    this.#seed = seed;
    this.#key = stateKey(inner, seed);
    inner.listener.mailbox.beforeRelease = this.#lettingGo;
  }

  get listener(): Listener {
    return this.#inner.listener;
  }

  open(initialMsg: Msg, seed: unknown): unknown {
    const loaded = this.#guard(initialMsg, () => this.#persistence.storage.get(this.#key));
    return then(loaded, (stored) => {
      this.#load(stored);
      // Delivered again after a crash between its save and its acknowledgement: it was opened with,
      // and handled, already.
      const id = this.#idOf(initialMsg);
      if (id !== undefined && this.#includes(id)) return true;
      this.#hold();
      let handled: unknown;
      try {
        handled = this.#inner.open(initialMsg, seed);
      } catch (error) {
        return this.#discard(error);
      }
      const opened = (h: unknown) => h ? then(this.#save(initialMsg, false), () => true) : h;
      return isThenable(handled) ? handled.then(opened, (error) => this.#discard(error)) : opened(handled);
    });
  }

  onMessage(msg: Msg): unknown {
    if (this.#refused) {
      const { error } = this.#refused;
      failHandling(msg, error);
      throw error;
    }
    const id = this.#idOf(msg);
    if (id !== undefined && this.#includes(id)) return undefined;
    this.#hold();
    let result: unknown;
    try {
      result = this.#inner.onMessage(msg);
    } catch (error) {
      return this.#end(msg, error);
    }
    if (isThenable(result)) {
      return result.then(() => this.#save(msg, false), (error) => this.#end(msg, error));
    }
    return this.#save(msg, false);
  }

  onClose(ex: unknown): unknown {
    return this.#inner.onClose(ex);
  }

  #idOf(msg: Msg): string | undefined {
    const updateId = originOf(msg)?.updateId;
    if (updateId !== undefined) return `u${updateId}`;
    const eventId = this.#persistence.eventId(msg);
    return eventId === undefined ? undefined : `e${eventId}`;
  }

  // Whether the state in memory includes message `id` already.
  #includes(id: string): boolean {
    return this.#staged.includes(id) || liveApplied(this.#applied).includes(id);
  }

  #load(stored: Versioned | undefined): void {
    if (stored === undefined) return;
    this.#version = stored.version;
    const record = stored.value as DelegateRecord;
    if (Array.isArray(record.applied)) this.#applied = { applied: record.applied, saved: record.saved };
    const inner = this.#inner;
    if (typeof inner.loadState === "function") inner.loadState(record.state);
    else inner.state = record.state;
    // Opened by something other than a message (its idle event, another event): the idle timeout
    // keeps the time it had left. A message handled next restarts it as usual.
    const idle = this.#idle();
    if (typeof record.idle === "number" && idle?.event && idle.scheduler.isPending(idle.event)) {
      idle.scheduler.postpone(idle.event, Math.max(0, record.idle - Date.now() / 1000));
    }
  }

  // A delegate ending normally (idle, StopListening) keeps what it did; one failing keeps the last
  // saved state (the message is handled, as a failing delegate's message always is, but not applied).
  #end(msg: Msg, error: unknown): never | Awaitable<never> {
    if (!isNormalEnd(error)) return this.#discard(error);
    return then(this.#save(msg, true), () => {
      throw error;
    });
  }

  // The events this delegate schedules while it handles a message are stored with the state it saves
  // after it (see Persistence.hold): none of a handling that fails, and once for an update handled again
  // after a crash before its acknowledgement.
  #hold(): void {
    this.#handling = true;
    const source = this.#source();
    if (source !== undefined) this.#persistence.hold(source);
  }

  // The handler lets go of the message it holds before it returns (listener.wait() reading on, or
  // listener.handled()): that message is acknowledged now, so the events its handling scheduled so far
  // are stored now; those scheduled after still wait for the state saved when the handler returns.
  readonly #lettingGo = (): void => {
    if (!this.#handling) return;
    const letGo = this.#inner.listener.mailbox.current;
    const id = letGo === undefined ? undefined : this.#idOf(letGo);
    if (id !== undefined) this.#readOn.push(id);
    // Held since #hold, as #handling tells.
    const source = this.#source();
    if (source === undefined) return;
    this.#persistence.store(this.#persistence.release(source));
    this.#persistence.hold(source);
  };

  #release(): readonly ScheduledEvent<Msg>[] {
    this.#handling = false;
    const source = this.#source();
    return source === undefined ? [] : this.#persistence.release(source);
  }

  // A handling that failed, or whose state was not saved: what it scheduled is cancelled.
  #discard(error: unknown, events = this.#release()): never {
    // Their effect is not saved either: should they come again, they are to be applied.
    this.#readOn.length = 0;
    this.#persistence.discard(events);
    throw error;
  }

  #source(): object | undefined {
    const source = (this.#inner as { scheduler?: StandardEventScheduler }).scheduler?.source;
    return typeof source === "object" && source !== null ? source : undefined;
  }

  // `msg` is the message whose handling ended; the save goes with the message the delegate still holds
  // (see #held).
  #save(msg: Msg, closing: boolean): Awaitable<void> {
    const inner = this.#inner;
    const idle = this.#idle();
    const pendingIdle = !closing && idle?.event !== undefined && idle.scheduler.isPending(idle.event);
    const state = typeof inner.saveState === "function" ? inner.saveState() : inner.state;
    const space = (inner as { scheduler?: StandardEventScheduler }).scheduler?.eventSpace;
    const held = this.#held();
    const updateId = held === undefined ? undefined : originOf(held)?.updateId;
    const storage = this.#persistence.storage;
    const events = this.#persistence.settled();
    const scheduled = this.#release();
    const recordOf = ({ applied, saved }: AppliedIds<string>): DelegateRecord => ({
      state,
      seed: this.#seed,
      space,
      idle: pendingIdle ? idle!.event!.when : null,
      timeout: idle?.timeout,
      applied,
      saved,
    });
    // One commit with the update's acknowledgement when the storage shares the journal's file: then the
    // update can never come back once its state is stored, and needs no place among `applied`.
    if (updateId !== undefined && events === undefined && typeof storage.setWithAck === "function") {
      const record = recordOf(this.#applied);
      const journal = receiverOf(this.#bot).journal;
      let version: number | undefined;
      try {
        version = storage.setWithAck(journal, updateId, this.#key, record, this.#version, this.#onRefused);
      } catch (error) {
        failHandling(held!, error);
        return this.#discard(error, scheduled);
      }
      if (version !== undefined) {
        this.#version = version;
        // What it read on from was acknowledged in the journal: never handed out again.
        this.#readOn.length = 0;
        this.#staged.push(`u${updateId}`);
        if (this.#staged.length > STAGED_KEPT) this.#staged.shift();
        this.#persistence.store(scheduled, this.#key);
        return;
      }
    }
    // The messages the handling read on from were acknowledged before this save: they may come again too.
    const readOn = this.#readOn.length;
    const ids = [...this.#applied.applied, ...this.#readOn];
    const storedEvents: Msg[] = [];
    for (const message of held === undefined || held === msg ? [msg] : [msg, held]) {
      const id = this.#idOf(message);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
      if (id?.[0] === "e") storedEvents.push(message);
    }
    const applied = keepApplied(ids, this.#sentAgain);
    const record = recordOf(applied);
    // Its events first: a crash between the two writes then schedules them again, rather than losing them
    // with the update recognised as applied. A save joining one staged with an update's acknowledgement
    // (an event handled right after a message, in the shared SQLite file) takes its events along.
    this.#persistence.store(scheduled, this.#key);
    const pending = this.#persistence.settled();
    const write = () => storage.set(this.#key, record, { version: this.#version });
    const saved = (version: number) => {
      this.#version = version;
      this.#applied = applied;
      this.#readOn.splice(0, readOn);
      for (const event of storedEvents) this.#persistence.savedIn(event, this.#key);
    };
    let written: Awaitable<number>;
    try {
      written = this.#guard(held ?? msg, () => pending ? pending.then(write) : write());
    } catch (error) {
      return this.#discard(error, scheduled);
    }
    if (!isThenable(written)) return saved(written);
    return written.then(saved, (error) => this.#discard(error, scheduled));
  }

  // The message whose acknowledgement a save can go with: the one the delegate holds, not handled yet.
  // That is the message just handled, unless the handler read on through its listener (a conversation's
  // reply: the message it began with was acknowledged when it asked for the next) or let it go with
  // `listener.handled()` (then none is held, and the save is written by itself).
  #held(): Msg | undefined {
    return this.#inner.listener.mailbox.current;
  }

  // Whether a message the state includes may come again from the source of updates (an event is
  // deleted once handled: only the latest ids name those).
  readonly #sentAgain = (id: string): boolean =>
    id[0] === "u" && receiverOf(this.#bot).mayBeSentAgain(Number(id.slice(1)));

  // A write made with an acknowledgement was refused as it committed (another writer got there first),
  // or dropped as the journal closed.
  readonly #onRefused = (error: unknown): void => {
    this.#refused = { error };
    this.#persistence.bot.logError("a state save was not committed", error);
  };

  #idle(): IdleEventCoordinator | undefined {
    return (this.#inner as { idleEventCoordinator?: IdleEventCoordinator }).idleEventCoordinator;
  }

  // A storage failure: the message is marked not handled (so the bot does not acknowledge it), and the
  // error closes the delegate, so that the message is handled again by a delegate that reads afresh.
  #guard<T>(msg: Msg, work: () => Awaitable<T>): Awaitable<T> {
    let result: Awaitable<T>;
    try {
      result = work();
    } catch (error) {
      failHandling(msg, error);
      throw error;
    }
    if (!isThenable(result)) return result;
    return result.then(undefined, (error) => {
      failHandling(msg, error);
      throw error;
    });
  }
}
