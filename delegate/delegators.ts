import { recordDelegateClass, recordOpener } from "../bot/delegate_flavors.ts";
import type {
  Delegate,
  DelegateCall,
  DelegateHandle,
  Delegator,
  Msg,
  SeedTuple,
  StartableDelegate,
} from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { StopListening } from "../exception/stop_listening.ts";
import type { Listener } from "../helper/listener.ts";
import { withState } from "../helper/persistent_delegate.ts";

/** What {@link createOpen} drives: telepot's "openable" protocol. */
export interface OpenableDelegate {
  /** Reads the delegate's next messages. */
  readonly listener: Listener;
  /** Called with the first message and the seed; a truthy result means that message was fully handled. */
  open(initialMsg: Msg, seed: unknown): unknown;
  /** Called with each message. */
  onMessage(msg: Msg): unknown;
  /** Called once when the delegate ends, with the reason. */
  onClose(ex: unknown): unknown;
}

/** What {@link createRun} drives: an object with a `run` method. */
export interface RunnableDelegate {
  /** The delegate's whole work; the delegate lives until it returns (or its promise settles). */
  run(): unknown;
}

/** A delegate class: constructed with the seed tuple and the delegator factory's further arguments. */
// deno-lint-ignore no-explicit-any
export type DelegateClass<T> = new(seedTuple: SeedTuple<any>, ...args: any[]) => T;

/** The constructor arguments of a delegate class after its seed tuple. */
// deno-lint-ignore no-explicit-any
export type Rest<C> = C extends new(seedTuple: any, ...args: infer A) => any ? A : never;

// What a delegator makes at every new seed: one that cannot be made is named when the pattern is.
function checkClass(cls: unknown): void {
  if (typeof cls !== "function") throw new BadInput("cls", "a delegate class");
}

/**
 * A delegator that runs `func(seedTuple, ...args)` as the delegate's task (returned as a
 * `[func, args]` pair the bot starts).
 *
 * @throws {BadInput} when `func` is not a function.
 */
export function call<A extends unknown[]>(
  // deno-lint-ignore no-explicit-any
  func: (seedTuple: SeedTuple<any>, ...args: A) => unknown,
  ...args: A
): Delegator {
  if (typeof func !== "function") throw new BadInput("func", "a function (seedTuple, ...args)");
  return (seedTuple) => [func, [seedTuple, ...args]] as DelegateCall;
}

/**
 * A delegator that constructs `new cls(seedTuple, ...args)` and runs its `run` method as the delegate's task.
 *
 * @throws {BadInput} when `cls` is not a class.
 */
export function createRun<C extends DelegateClass<RunnableDelegate>>(cls: C, ...args: Rest<C>): Delegator {
  checkClass(cls);
  const delegator: Delegator = (seedTuple) => {
    const delegate = new cls(seedTuple, ...args);
    return () => delegate.run();
  };
  recordDelegateClass(delegator, cls);
  return delegator;
}

function isNormalEnd(e: unknown): boolean {
  return e instanceof IdleTerminate || e instanceof StopListening;
}

/**
 * Drives one openable delegate as a thread-like delegate (`start`/`isAlive`) without a promise per
 * message: messages already in the mailbox are handled in the same turn, an empty mailbox leaves one
 * callback behind, and only handler results that are promises are awaited. One message at a time; a
 * message counts as handled (for the bot's delivery guarantee) once `open` or `onMessage` has returned
 * for it, since the runner then asks its listener for the next one.
 */
export class OpenRunner implements StartableDelegate {
  #alive = false;
  #handle: DelegateHandle | undefined;
  readonly #pump = (): void => this.#next();

  /** The openable delegate. */
  readonly delegate: OpenableDelegate;
  /** The message that created it. */
  private initialMsg: Msg | undefined;
  /** Its seed. */
  readonly seed: unknown;
  /**
   * Creates a runner; nothing happens before {@link OpenRunner.start}.
   *
   * @param delegate the openable delegate.
   * @param initialMsg the message that created it.
   * @param seed its seed.
   */
  constructor(
    delegate: OpenableDelegate,
    initialMsg: Msg | undefined,
    seed: unknown,
  ) {
    this.delegate = delegate;
    this.initialMsg = initialMsg;
    this.seed = seed;
  }

  /**
   * Whether the delegate has started and not begun to close: while its `onClose` runs, a new message
   * for its seed starts a new delegate instead of waiting in a mailbox nobody will read.
   */
  isAlive(): boolean {
    return this.#alive;
  }

  /** Calls `open`, then handles messages until a handler throws; then `handle.ended()` and `onClose`. */
  start(handle?: DelegateHandle): void {
    this.#alive = true;
    this.#handle = handle;
    const initialMsg = this.initialMsg!;
    this.initialMsg = undefined;
    let handled: unknown;
    try {
      handled = this.delegate.open(initialMsg, this.seed);
    } catch (e) {
      return this.#close(e);
    }
    if (handled instanceof Promise) {
      handled.then((h) => h ? this.#next() : this.#deliver(initialMsg), (e) => this.#close(e));
    } else if (handled) {
      this.#next();
    } else {
      this.#deliver(initialMsg);
    }
  }

  #deliver(msg: Msg): void {
    let r: unknown;
    try {
      r = this.delegate.onMessage(msg);
    } catch (e) {
      return this.#close(e);
    }
    if (r instanceof Promise) r.then(this.#pump, (e) => this.#close(e));
    else this.#next();
  }

  #next(): void {
    const listener = this.delegate.listener;
    for (;;) {
      let r: unknown;
      try {
        // A capture template can throw too; like a handler, that ends the delegate.
        const msg = listener.poll();
        if (msg === undefined) return listener.mailbox.whenAvailable(this.#pump);
        r = this.delegate.onMessage(msg);
      } catch (e) {
        return this.#close(e);
      }
      if (r instanceof Promise) return void r.then(this.#pump, (e) => this.#close(e));
    }
  }

  #close(e: unknown): void {
    this.#alive = false;
    // IdleTerminate and StopListening are how delegates end; anything else is reported even when a
    // custom onClose ignores it.
    if (!isNormalEnd(e)) this.#report("delegate closed by an error", e);
    // For the bot the delegate has ended now: the message it stopped on is handled, what it never read
    // is dropped, and a new message for its seed starts a new delegate while onClose still runs.
    this.#handle?.ended();
    let r: unknown;
    try {
      r = this.delegate.onClose(e);
    } catch (closeError) {
      this.#report("onClose failed", closeError);
    }
    if (r instanceof Promise) r.catch((closeError) => this.#report("onClose failed", closeError));
  }

  // Through the bot, which cuts its token out of what a handler threw; a runner started by hand logs as is.
  #report(what: string, error: unknown): void {
    if (this.#handle) this.#handle.log(what, error);
    else console.error(`telepot-ts: ${what}:`, error);
  }
}

/**
 * A delegator that constructs `new cls(seedTuple, ...args)` and returns an {@link OpenRunner} that calls
 * its `open` with the first message, then `onMessage` for every message its listener yields, one at a
 * time, until it throws; then `onClose(reason)`. `IdleTerminate` and `StopListening` are normal ends; other errors
 * are also reported on the console. When the bot has a persistence (`persist`) and the class declares
 * state (a `state` property, or `loadState`/`saveState`), the state is loaded at open and saved after
 * each message.
 *
 * @throws {BadInput} when `cls` is not a class.
 */
export function createOpen<C extends DelegateClass<OpenableDelegate>>(cls: C, ...args: Rest<C>): Delegator {
  checkClass(cls);
  const delegator: Delegator = (seedTuple): Delegate =>
    new OpenRunner(withState(new cls(seedTuple, ...args), seedTuple, delegator), seedTuple[1], seedTuple[2]);
  recordDelegateClass(delegator, cls);
  recordOpener(delegator);
  return delegator;
}
