import type { Mailbox, Msg } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { WaitTooLong } from "../exception/wait_too_long.ts";
import { matchAll, type Pattern } from "./template.ts";

/** Options of {@link Listener.wait}. */
export interface WaitOptions {
  /** Seconds to wait at most; without it, wait for as long as it takes. */
  timeout?: number;
}

/**
 * Reads a delegate's mailbox, keeping only messages that match one of the captured patterns.
 * A delegate handles one message at a time, so inside a handler `await this.listener.wait()` is the
 * delegate's next message: a conversation reads top to bottom.
 *
 * @example
 * ```ts
 * import { Mailbox } from "../bot/delegator_bot.ts";
 * import { Listener } from "./listener.ts";
 * const box = new Mailbox<Record<string, unknown>>();
 * const listener = new Listener(box);
 * listener.capture([{ chat: { id: 5 } }]);
 * await box.put({ chat: { id: 5 }, text: "hi" });
 * const msg = await listener.wait({ timeout: 1 });
 * ```
 */
export class Listener {
  readonly #patterns: Pattern[] = [];

  /**

   * Creates an instance.

   *

   * @param mailbox where messages come from (a delegate's own, from `bot.createMailbox()`).

   */
  constructor(readonly mailbox: Mailbox<Msg>) {}

  /** The captured patterns, in capture order. */
  get patterns(): readonly Pattern[] {
    return this.#patterns;
  }

  /** Adds a pattern: a list of templates a message must all match (see `Template`). */
  capture(pattern: Pattern): void {
    this.#patterns.push(pattern);
  }

  /** Whether `msg` matches at least one captured pattern. */
  matches(msg: Msg): boolean {
    for (const p of this.#patterns) if (matchAll(msg, p)) return true;
    return false;
  }

  /**
   * The next message matching a captured pattern; messages that match none are skipped.
   *
   * @throws {BadInput} when nothing is captured.
   * @throws {WaitTooLong} (as a rejection) when `timeout` seconds pass first.
   */
  wait(options?: WaitOptions): Promise<Msg> {
    if (this.#patterns.length === 0) throw new BadInput("listener", "at least one captured pattern");
    const timeout = options?.timeout;
    if (timeout === undefined) return this.#waitForever();
    if (!(timeout >= 0)) throw new BadInput("options.timeout", "a number of seconds, at least 0");
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.mailbox.cancelTake()) reject(new WaitTooLong(timeout));
      }, timeout * 1000);
      const receive = (msg: Msg): void => {
        if (this.matches(msg)) {
          clearTimeout(timer);
          resolve(msg);
        } else {
          // Deferred so that a long run of unmatched messages does not grow the stack.
          queueMicrotask(() => this.mailbox.takeWith(receive));
        }
      };
      this.mailbox.takeWith(receive);
    });
  }

  async #waitForever(): Promise<Msg> {
    for (;;) {
      const msg = await this.mailbox.take();
      if (this.matches(msg)) return msg;
    }
  }
}
