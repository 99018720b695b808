import { BadInput } from "../exception/bad_input.ts";
import { Bot, type BotOptions } from "./bot.ts";
import { eventKey } from "./event_key.ts";
import { Mailbox, RESOLVED } from "./mailbox.ts";
import { seedKey, TupleKey } from "./seed_key.ts";

/** A message or event as handed to delegates: any object the loop or the scheduler produces. */
// deno-lint-ignore no-explicit-any
export type Msg = Record<string, any>;

/** What a delegator receives: the bot, the message that started the delegate, and the seed (of type `S`). */
export type SeedTuple<B extends DelegatorBot = DelegatorBot, S = unknown> = readonly [
  bot: B,
  msg: Msg,
  seed: S,
];

/** A seeder: from a message, the seed (of type `S`) selecting its delegate (`null`/`undefined` for none). */
export type Seeder<S = unknown> = (msg: Msg) => S | null | undefined;

/** Given to {@link StartableDelegate.start}: how a delegate tells the bot that it has ended. */
export interface DelegateHandle {
  /** Marks the delegate ended: the bot forgets it now instead of at the next `isAlive()` check. */
  ended(): void;
  /** Reports a failure of the delegate on the console, with the bot's token cut out. */
  log(what: string, error: unknown): void;
}

/** A thread-like delegate: started once, then asked whether it still runs. */
export interface StartableDelegate {
  /** Starts the delegate's work; `handle.ended()` may be called when it stops. */
  start(handle?: DelegateHandle): void;
  /** Whether the delegate still runs (a new message for its seed goes to its mailbox). */
  isAlive(): boolean;
}

/** A function run as the delegate's task, with its positional arguments and an optional trailing options object. */
export type DelegateCall = readonly [
  // deno-lint-ignore no-explicit-any
  fn: (...args: any[]) => unknown,
  args: readonly unknown[],
  options?: object,
];

/**
 * What a delegator may return: a {@link StartableDelegate}, a function run as a task (it lives until its
 * promise settles), or a `[fn, args, options]` triple run as `fn(...args, options)`.
 */
export type Delegate = StartableDelegate | (() => unknown) | DelegateCall;

/** A delegator: builds the delegate for a new seed (of type `S`). */
export type Delegator<S = unknown> = (seedTuple: SeedTuple<DelegatorBot, S>) => Delegate;

/**
 * One `[seeder, delegator]` pair of {@link DelegatorBot}'s delegation patterns. Name the seed type
 * (`DelegationPattern<number>`) and TypeScript checks that the delegator takes what the seeder gives.
 */
// deno-lint-ignore no-explicit-any
export type DelegationPattern<S = any> = readonly [seeder: Seeder<S>, delegator: Delegator<S>];

/** Options of {@link DelegatorBot}: those of `Bot`, plus the mailbox size of each delegate. */
export type DelegatorBotOptions = BotOptions & {
  /** Messages a delegate's mailbox holds before `handle` waits for room (default 64). */
  mailboxCapacity?: number;
};

/** Logs a failure the bot cannot hand to anyone, with the token removed. */
type FailureLog = (what: string, error: unknown) => void;

// A delegate of one pattern: its mailbox, how to tell whether it still runs, and how it is forgotten.
// It is also the DelegateHandle given to a startable delegate, so ending costs no closure per delegate.
class DelegateRecord implements DelegateHandle {
  alive = true;
  startable: StartableDelegate | undefined;
  readonly mailbox: Mailbox<Msg>;
  readonly pattern: PatternState;
  readonly key: unknown;
  readonly redispatch: (pattern: PatternState, msg: Msg) => Promise<void>;
  readonly log: FailureLog;
  constructor(
    mailbox: Mailbox<Msg>,
    pattern: PatternState,
    key: unknown,
    redispatch: (pattern: PatternState, msg: Msg) => Promise<void>,
    log: FailureLog,
  ) {
    this.mailbox = mailbox;
    this.pattern = pattern;
    this.key = key;
    this.redispatch = redispatch;
    this.log = log;
  }

  isAlive(): boolean {
    if (!this.alive) return false;
    if (this.startable !== undefined && !this.startable.isAlive()) this.ended();
    return this.alive;
  }

  // Forgets the delegate and hands its unread messages to a successor; its own events die with it.
  ended(): void {
    if (!this.alive) return;
    this.alive = false;
    if (this.key !== undefined) this.pattern.forget(this.key, this);
    for (const left of this.mailbox.drain()) {
      if (eventKey(left) === undefined) {
        this.redispatch(this.pattern, left).catch((err) => this.log("redelivery failed", err));
      }
    }
  }

  failed(err: unknown): void {
    this.log("delegate failed", err);
    this.ended();
  }
}

class PatternState {
  readonly live = new Map<unknown, DelegateRecord>();
  readonly tuples = new Map<string, DelegateRecord>();
  readonly seeder: Seeder;
  readonly delegator: Delegator;
  constructor(seeder: Seeder, delegator: Delegator) {
    this.seeder = seeder;
    this.delegator = delegator;
  }

  get(key: unknown): DelegateRecord | undefined {
    return key instanceof TupleKey ? this.tuples.get(key.encoded) : this.live.get(key);
  }

  set(key: unknown, record: DelegateRecord): void {
    if (key instanceof TupleKey) this.tuples.set(key.encoded, record);
    else this.live.set(key, record);
  }

  forget(key: unknown, record: DelegateRecord): void {
    const map: Map<unknown, DelegateRecord> = key instanceof TupleKey ? this.tuples : this.live;
    const k = key instanceof TupleKey ? key.encoded : key;
    if (map.get(k) === record) map.delete(k);
  }
}

function isStartable(d: unknown): d is StartableDelegate {
  return typeof d === "object" && d !== null && typeof (d as StartableDelegate).start === "function"
    && typeof (d as StartableDelegate).isAlive === "function";
}

/**
 * A bot that hands each message to delegates, telepot's `DelegatorBot`. For every message, every
 * delegation pattern's seeder is evaluated; a hashable seed (number, string, bigint, boolean, or an
 * array of those, compared by value) has at most one live delegate, which receives the message in its mailbox,
 * or gets a new delegate from the pattern's delegator when none is alive; a non-hashable seed always
 * gets a new delegate; `null`/`undefined` gets nothing.
 *
 * Each delegate is an independent task with a bounded mailbox: one seed's messages are handled in
 * order, different seeds concurrently. `handle` resolves once the message sits in every target
 * mailbox, so a full mailbox slows the loop down instead of losing messages. A delegate that ends is
 * forgotten; messages still queued for it (other than its own events) start its successor.
 *
 * @example
 * ```ts
 * import { DelegatorBot } from "@telepot/telepot-ts";
 * const bot = new DelegatorBot("123:abc", [[(msg) => msg.chat?.id, ([, msg]) => () => console.log(msg)]]);
 * await bot.handle({ message_id: 1, chat: { id: 5, type: "private" }, date: 0, text: "hi" });
 * ```
 */
export class DelegatorBot extends Bot {
  readonly #patterns: PatternState[];
  readonly #capacity: number;
  readonly #listening = new Set<Mailbox<Msg>>();
  #constructing: Mailbox<Msg> | undefined;
  readonly #redispatch = (pattern: PatternState, msg: Msg): Promise<void> => this.#dispatch(pattern, msg);
  readonly #log: FailureLog;

  /**
   * Creates an instance.
   *
   * @param token the bot's token.
   * @param delegationPatterns `[seeder, delegator]` pairs, evaluated in order for every message.
   * @param options the options of `Bot`, plus `mailboxCapacity`.
   */
  constructor(
    token: string,
    delegationPatterns: readonly DelegationPattern[],
    options?: DelegatorBotOptions,
  ) {
    super(token, options);
    this.#log = (what, error) => this.logError(what, error);
    this.#capacity = options?.mailboxCapacity ?? 64;
    if (!Number.isInteger(this.#capacity) || this.#capacity < 1) {
      throw new BadInput("options.mailboxCapacity", "a positive integer");
    }
    if (!Array.isArray(delegationPatterns)) {
      throw new BadInput("delegationPatterns", "an array of [seeder, delegator] pairs");
    }
    this.#patterns = delegationPatterns.map((pattern, i) => {
      const [seeder, delegator] = Array.isArray(pattern) ? pattern : [];
      if (typeof seeder !== "function" || typeof delegator !== "function") {
        throw new BadInput(`delegationPatterns[${i}]`, "a [seeder, delegator] pair of functions");
      }
      return new PatternState(seeder, delegator);
    });
  }

  /** Live delegates with a hashable seed, over all patterns. */
  get delegateCount(): number {
    let n = 0;
    for (const p of this.#patterns) n += p.live.size + p.tuples.size;
    return n;
  }

  /**
   * The mailbox a delegate's listener reads from. While a delegator runs (and while its delegate starts),
   * this is that delegate's own mailbox; anywhere else it is a new mailbox receiving a copy of every
   * message this bot handles, until {@link removeMailbox}.
   */
  createMailbox(): Mailbox<Msg> {
    if (this.#constructing !== undefined) return this.#constructing;
    const box = new Mailbox<Msg>(this.#capacity);
    this.#listening.add(box);
    return box;
  }

  /** Stops copying messages into a mailbox made by {@link createMailbox} outside a delegator. */
  removeMailbox(mailbox: Mailbox<Msg>): void {
    this.#listening.delete(mailbox);
  }

  /**
   * Routes `msg` to its delegates, starting new ones as needed. Resolves when `msg` is accepted by every
   * target mailbox. A seeder or delegator that throws is reported and skipped; the others still run.
   */
  override handle(msg: Msg): Promise<void> {
    let pending: Promise<void>[] | undefined;
    if (this.#listening.size > 0) {
      for (const box of this.#listening) {
        const p = box.put(msg);
        if (p !== RESOLVED) (pending ??= []).push(p);
      }
    }
    const patterns = this.#patterns;
    for (let i = 0; i < patterns.length; i++) {
      const p = this.#dispatch(patterns[i], msg);
      if (p !== RESOLVED) (pending ??= []).push(p);
    }
    return pending === undefined ? RESOLVED : Promise.all(pending).then(() => {});
  }

  #dispatch(pattern: PatternState, msg: Msg): Promise<void> {
    let seed: unknown;
    try {
      seed = pattern.seeder(msg);
    } catch (err) {
      this.#log("seeder failed", err);
      return RESOLVED;
    }
    if (seed === null || seed === undefined) return RESOLVED;
    const key = seedKey(seed);
    if (key === undefined) {
      this.#spawn(pattern, msg, seed, undefined);
      return RESOLVED;
    }
    const record = pattern.get(key);
    if (record !== undefined) {
      if (record.isAlive()) return record.mailbox.put(msg);
      // Finding it dead forgets it, and its unread messages may already have started a successor.
      const successor = pattern.get(key);
      if (successor !== undefined && successor.isAlive()) return successor.mailbox.put(msg);
    }
    this.#spawn(pattern, msg, seed, key);
    return RESOLVED;
  }

  #spawn(pattern: PatternState, msg: Msg, seed: unknown, key: unknown): void {
    const record = new DelegateRecord(
      new Mailbox<Msg>(this.#capacity),
      pattern,
      key,
      this.#redispatch,
      this.#log,
    );
    if (key !== undefined) pattern.set(key, record);
    this.#constructing = record.mailbox;
    let task: unknown;
    try {
      const delegate = pattern.delegator([this, msg, seed]);
      if (isStartable(delegate)) {
        record.startable = delegate;
        delegate.start(record);
      } else if (typeof delegate === "function") {
        task = delegate();
      } else if (Array.isArray(delegate) && typeof delegate[0] === "function") {
        const [fn, args, options] = delegate as DelegateCall;
        task = options === undefined ? fn(...args) : fn(...args, options);
      } else {
        throw new BadInput(
          "delegator result",
          "an object with start() and isAlive(), a function or [fn, args, options]",
        );
      }
    } catch (err) {
      this.#log("delegator failed", err);
      record.ended();
      return;
    } finally {
      this.#constructing = undefined;
    }
    if (record.startable !== undefined) return;
    if (task instanceof Promise) task.then(() => record.ended(), (err) => record.failed(err));
    else record.ended();
  }
}
