/**
 * telepot.aio for TypeScript. The same core as `mod.ts`; the difference is the shape telepot.aio code
 * ports to line by line: `messageLoop()` returns a promise that settles when the loop stops (as
 * awaiting telepot.aio's `message_loop` coroutine does), handlers are async, and delegates are tasks
 * (`call`, `createRun` and `createOpen` accept promise-returning functions).
 *
 * @example
 * ```ts
 * import { Bot } from "@telepot/telepot-ts/aio";
 * const bot = new Bot("123:abc");
 * const loop = bot.messageLoop(async (msg) => console.log(msg));
 * setTimeout(() => loop.stop(), 10);
 * await loop; // resolves once stopped, rejects with the error that ended the loop
 * ```
 *
 * @module
 */
import type { FlavorMethods } from "./api/payloads.gen.ts";
import { Bot as CoreBot } from "./bot/bot.ts";
import { DelegatorBot as CoreDelegatorBot } from "./bot/delegator_bot.ts";
import type { LoopHandler } from "./bot/handler.ts";
import type { LoopController, MessageLoopOptions } from "./bot/loop_options.ts";

/** A running loop that is also a promise: await it to wait until the loop stops. */
export type AwaitableLoop = Promise<void> & LoopController;

function awaitable(loop: LoopController): AwaitableLoop {
  const ended = loop.done.then(() => {});
  // Observed through `done` or `stop()` instead, its rejection must not also be an unhandled one.
  ended.catch(() => {});
  return Object.defineProperties(ended, {
    stop: { value: () => loop.stop() },
    done: { value: loop.done },
    handled: { get: () => loop.handled },
  }) as AwaitableLoop;
}

/** telepot.aio's `Bot`: every Bot API method, and a `messageLoop` to await. */
export class Bot extends CoreBot {
  /**
   * Runs the message loop (see the core `Bot.messageLoop` for handler and options).
   *
   * @returns a promise that settles when the loop stops, with `stop()` on it.
   */
  override messageLoop(
    this: CoreBot & FlavorMethods,
    handler?: LoopHandler,
    options?: MessageLoopOptions,
  ): AwaitableLoop {
    return awaitable(super.messageLoop(handler, options));
  }
}

/** telepot.aio's `DelegatorBot`: delegation patterns whose delegates are tasks, and a `messageLoop` to await. */
// deno-lint-ignore no-explicit-any
export class DelegatorBot<Seeds extends readonly unknown[] = any[]> extends CoreDelegatorBot<Seeds> {
  /**
   * Runs the message loop that feeds the delegates.
   *
   * @returns a promise that settles when the loop stops, with `stop()` on it.
   */
  override messageLoop(
    this: CoreBot & FlavorMethods,
    handler?: LoopHandler,
    options?: MessageLoopOptions,
  ): AwaitableLoop {
    return awaitable(super.messageLoop(handler, options));
  }
}

export * as api from "./api/mod.ts";
export * from "./bot/mod.ts";
export * as delegate from "./delegate/mod.ts";
export * as exception from "./exception/mod.ts";
export * as helper from "./helper/mod.ts";
export * as namedtuple from "./namedtuple/mod.ts";
export * as routing from "./routing/mod.ts";
