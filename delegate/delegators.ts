import type { Delegate, DelegateCall, Delegator, Msg, SeedTuple } from "../bot/delegator_bot.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { StopListening } from "../exception/stop_listening.ts";
import type { Listener } from "../helper/listener.ts";

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

// deno-lint-ignore no-explicit-any
type DelegateClass<T> = new(seedTuple: SeedTuple<any>, ...args: any[]) => T;

// deno-lint-ignore no-explicit-any
type Rest<C> = C extends new(seedTuple: any, ...args: infer A) => any ? A : never;

/**
 * A delegator that runs `func(seedTuple, ...args)` as the delegate's task (returned as a
 * `[func, args]` pair the bot starts).
 */
export function call<A extends unknown[]>(
  // deno-lint-ignore no-explicit-any
  func: (seedTuple: SeedTuple<any>, ...args: A) => unknown,
  ...args: A
): Delegator {
  return (seedTuple) => [func, [seedTuple, ...args]] as DelegateCall;
}

/** A delegator that constructs `new cls(seedTuple, ...args)` and runs its `run` method as the delegate's task. */
export function createRun<C extends DelegateClass<RunnableDelegate>>(cls: C, ...args: Rest<C>): Delegator {
  return (seedTuple) => {
    const delegate = new cls(seedTuple, ...args);
    return () => delegate.run();
  };
}

function isNormalEnd(e: unknown): boolean {
  return e instanceof IdleTerminate || e instanceof StopListening;
}

/** Drives an openable delegate: `open`, `onMessage` for each message its listener yields, `onClose` at the end. */
export async function runOpenable(delegate: OpenableDelegate, initialMsg: Msg, seed: unknown): Promise<void> {
  try {
    let handled = delegate.open(initialMsg, seed);
    if (handled instanceof Promise) handled = await handled;
    if (!handled) {
      const r = delegate.onMessage(initialMsg);
      if (r instanceof Promise) await r;
    }
    for (;;) {
      const msg = await delegate.listener.wait();
      const r = delegate.onMessage(msg);
      if (r instanceof Promise) await r;
    }
  } catch (e) {
    // IdleTerminate and StopListening are how delegates end; anything else is reported even when a
    // custom onClose ignores it.
    if (!isNormalEnd(e)) console.error("telepot-ts: delegate closed by an error:", e);
    try {
      const r = delegate.onClose(e);
      if (r instanceof Promise) await r;
    } catch (closeError) {
      console.error("telepot-ts: onClose failed:", closeError);
    }
  }
}

/**
 * A delegator that constructs `new cls(seedTuple, ...args)` and returns a task that calls its `open`
 * with the first message, then `onMessage` for every message its listener yields, one at a time, until
 * it throws; then `onClose(reason)`. `IdleTerminate` and `StopListening` are normal ends; other errors
 * are also reported on the console.
 */
export function createOpen<C extends DelegateClass<OpenableDelegate>>(cls: C, ...args: Rest<C>): Delegator {
  return (seedTuple): Delegate => {
    const delegate = new cls(seedTuple, ...args);
    return () => runOpenable(delegate, seedTuple[1], seedTuple[2]);
  };
}
