import { BadInput } from "../exception/bad_input.ts";
import { Bot, type BotOptions } from "./bot.ts";
import { delegatorTakes, recordDelegators, recordFlavorTaker } from "./delegate_flavors.ts";
import { eventKey } from "./event_key.ts";
import { throwIfFailed } from "./handling_failure.ts";
import type { Mailbox } from "./mailbox.ts";
import { Microphone } from "./microphone.ts";
import { Receipt } from "./receipt.ts";
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
  /**
   * Starts the delegate's work; `handle.ended()` should be called when it stops, since messages its
   * listener captured and it never read count as handled only then (or at the next `isAlive()` check).
   */
  start(handle?: DelegateHandle): void;
  /** Whether the delegate still runs (then a new message for its seed starts nothing). */
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

/**
 * The delegation patterns of a {@link DelegatorBot}, one seed type per pattern (`Seeds`, inferred from
 * the seeders): in a pattern written inline, the delegator's seed has its seeder's type. A seeder whose
 * seed type is not known (`unknown`, as an unannotated inline function may give) leaves the delegator's
 * seed `any`, as before seeders were typed.
 */
export type DelegationPatterns<Seeds extends readonly unknown[]> = {
  readonly [K in keyof Seeds]: readonly [
    seeder: Seeder<Seeds[K]>,
    // deno-lint-ignore no-explicit-any
    delegator: Delegator<unknown extends Seeds[K] ? any : Seeds[K]>,
  ];
};

/** Options of {@link DelegatorBot}: those of `Bot`. */
export type DelegatorBotOptions = BotOptions;

/** Logs a failure the bot cannot hand to anyone, with the token removed. */
type FailureLog = (what: string, error: unknown) => void;

// A delegate of one pattern: its mailbox, how to tell whether it still runs, and how it is forgotten.
// It is also the DelegateHandle given to a startable delegate, so ending costs no closure per delegate.
class DelegateRecord implements DelegateHandle {
  alive = true;
  // Whether a listener reads its mailbox (made while it was being built): then its first message is
  // handled when it asks for the next one, else when its task ends (a startable: when start returns).
  claimed = false;
  startable: StartableDelegate | undefined;
  // The scheduler's marks around the delegates made while this one was being made (a constructor that
  // hands a message to the bot): what they scheduled is theirs, even if this one fails.
  nested: [number, number][] | undefined;
  readonly mailbox: Mailbox<Msg>;
  readonly pattern: PatternState;
  readonly key: unknown;
  readonly log: FailureLog;
  constructor(
    mailbox: Mailbox<Msg>,
    pattern: PatternState,
    key: unknown,
    log: FailureLog,
  ) {
    this.mailbox = mailbox;
    this.pattern = pattern;
    this.key = key;
    this.log = log;
  }

  isAlive(): boolean {
    if (!this.alive) return false;
    if (this.startable !== undefined && !this.startable.isAlive()) this.ended();
    return this.alive;
  }

  // Forgets the delegate; what it never read counts as handled (telepot leaves it unread too), and is
  // reported rather than dropped silently. Its own events dying with it are no news.
  ended(): void {
    if (!this.alive) return;
    this.alive = false;
    if (this.key !== undefined) this.pattern.forget(this.key, this);
    let unread = 0;
    for (const msg of this.mailbox.close()) if (eventKey(msg) === undefined) unread++;
    if (unread > 0) {
      this.log(
        "a delegate ended without reading what its listener captured",
        `${unread} message(s) dropped, as telepot drops them (see DelegatorBot)`,
      );
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
 * A bot that hands each message to delegates, telepot's `DelegatorBot`. For every message:
 *
 * 1. The message is broadcast to every listener (telepot's microphone), in the order the bot handles
 *    messages: a listener whose captured patterns match it puts it into its delegate's mailbox. Live
 *    delegates read what their listeners capture, whatever the seeders say.
 * 2. Every delegation pattern's seeder is evaluated. A hashable seed (see `seedKey`: numbers, strings,
 *    bigints, booleans, and arrays of those and of `null`, standing for Python's tuples) starts a new
 *    delegate when none of that pattern is alive for it; when one is alive, nothing more is done. A
 *    non-hashable seed (any other object, standing for Python's list) always starts a new delegate;
 *    `null`/`undefined` starts nothing. A new delegate gets the message as its first one.
 *
 * Each delegate is an independent task reading its own unbounded mailbox: one delegate's messages are
 * handled in order, different delegates concurrently.
 *
 * `handle` resolves when every delegate that received the message has handled it, which is what the
 * loop waits for before it confirms the update: a message counts as handled by a delegate when the
 * delegate returned from the handler call for it (`onMessage`, `onChatMessage`…), when it asked its
 * listener for the next message (`listener.wait()`, so a conversation never waits for itself), or when
 * the delegate ended without reading it (failures included; they are reported, never rejected). A
 * listener made outside a delegate receives copies and holds nothing up.
 *
 * @example
 * ```ts
 * import { DelegatorBot } from "@telepot/telepot-ts";
 * const bot = new DelegatorBot("123:abc", [[(msg) => msg.chat?.id, ([, msg]) => () => console.log(msg)]]);
 * await bot.handle({ message_id: 1, chat: { id: 5, type: "private" }, date: 0, text: "hi" });
 * ```
 *
 * @typeParam Seeds the seed type of each delegation pattern, inferred from the seeders (the instance
 *   does not use it: it is there for the constructor to type each delegator's seed).
 */
// deno-lint-ignore no-explicit-any
export class DelegatorBot<Seeds extends readonly unknown[] = any[]> extends Bot {
  readonly #patterns: PatternState[];
  readonly #microphone = new Microphone<Msg>();
  #constructing: DelegateRecord | undefined;
  readonly #log: FailureLog;

  /**
   * Creates an instance.
   *
   * @param token the bot's token.
   * @param delegationPatterns `[seeder, delegator]` pairs, evaluated in order for every message.
   * @param options the options of `Bot`.
   */
  constructor(
    token: string,
    delegationPatterns: DelegationPatterns<Seeds>,
    options?: DelegatorBotOptions,
  ) {
    super(token, options);
    if (options !== undefined && "mailboxCapacity" in options) {
      // Said out loud rather than ignored: the option is gone, and so is the limit it set.
      throw new BadInput(
        "options.mailboxCapacity",
        "no such option: mailboxes are unbounded, and handle() waits until delegates handled the message",
      );
    }
    this.#log = (what, error) => this.logError(what, error);
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
    recordFlavorTaker(this, (flavor) => this.#patterns.some((p) => delegatorTakes(p.delegator, flavor)));
    recordDelegators(this, this.#patterns.map((p) => p.delegator));
  }

  /** Live delegates with a hashable seed, over all patterns. */
  get delegateCount(): number {
    let n = 0;
    for (const p of this.#patterns) n += p.live.size + p.tuples.size;
    return n;
  }

  /**
   * The mailbox a listener reads from (telepot's `create_listener`). For the first listener made while
   * a delegator runs (and while its delegate starts), this is that delegate's own mailbox, whose
   * messages the bot waits for. Any other (a delegate's second listener, one made outside a delegate)
   * gets a new mailbox receiving a copy of every message its listener captures, holding nothing up,
   * until {@link removeMailbox} or until nothing references it any more: each listener has a queue of
   * its own, as in telepot.
   */
  createMailbox(): Mailbox<Msg> {
    const record = this.#constructing;
    if (record === undefined || record.claimed) return this.#microphone.stray();
    record.claimed = true;
    return record.mailbox;
  }

  /** Stops broadcasting into a mailbox and drops what it holds unread. */
  removeMailbox(mailbox: Mailbox<Msg>): void {
    this.#microphone.remove(mailbox);
    mailbox.clear();
  }

  /**
   * Broadcasts `msg` to the listeners and starts new delegates as the seeders say. Resolves when every
   * delegate that received it has handled it (see the class). A seeder or delegator that throws is
   * reported and skipped; the others still run. It rejects only when a persistent delegate could not
   * save its state after the message (`StateConflict`, or the storage's error): then the message is
   * not acknowledged, and handling it again starts from the stored state.
   */
  override handle(msg: Msg): Promise<void> {
    const receipt = new Receipt();
    this.#microphone.send(msg, receipt);
    const patterns = this.#patterns;
    for (let i = 0; i < patterns.length; i++) this.#dispatch(patterns[i], msg, receipt);
    receipt.release();
    return receipt.settled().then(() => throwIfFailed(msg));
  }

  #dispatch(pattern: PatternState, msg: Msg, receipt: Receipt): void {
    let seed: unknown;
    try {
      seed = pattern.seeder(msg);
    } catch (err) {
      this.#log("seeder failed", err);
      return;
    }
    if (seed === null || seed === undefined) return;
    const key = seedKey(seed);
    if (key !== undefined && pattern.get(key)?.isAlive()) return;
    this.#spawn(pattern, msg, seed, key, receipt);
  }

  #spawn(pattern: PatternState, msg: Msg, seed: unknown, key: unknown, receipt: Receipt): void {
    const mailbox = this.#microphone.mailbox();
    const record = new DelegateRecord(mailbox, pattern, key, this.#log);
    if (key !== undefined) pattern.set(key, record);
    mailbox.adopt(receipt, msg);
    const outer = this.#constructing;
    this.#constructing = record;
    const scheduledBefore = this.scheduler.scheduledCount;
    let task: unknown;
    try {
      const delegate = pattern.delegator([this, msg, seed]);
      if (isStartable(delegate)) {
        record.startable = delegate;
        delegate.start(record);
        // Without a listener nothing tells when it has handled its first message: once started, then.
        if (!record.claimed) mailbox.release();
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
      // A delegate that was never made has no timeouts: its idle event (scheduled by its constructor,
      // as telepot's) would otherwise open a delegate for its seed when it fired.
      this.scheduler.cancelSince(scheduledBefore, record.nested);
      record.ended();
      return;
    } finally {
      this.#constructing = outer;
      if (outer !== undefined) (outer.nested ??= []).push([scheduledBefore, this.scheduler.scheduledCount]);
    }
    if (record.startable !== undefined) return;
    if (typeof (task as PromiseLike<unknown> | undefined)?.then === "function") {
      Promise.resolve(task).then(() => record.ended(), (err) => record.failed(err));
    } else {
      record.ended();
    }
  }
}
