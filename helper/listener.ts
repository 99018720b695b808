import { checkSeconds } from "../api/seconds.ts";
import type { DelegatorBot, Msg } from "../bot/delegator_bot.ts";
import type { Mailbox } from "../bot/mailbox.ts";
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
 * import { Listener, Mailbox } from "@telepot/telepot-ts";
 * const box = new Mailbox<Record<string, unknown>>();
 * const listener = new Listener(box);
 * listener.capture([{ chat: { id: 5 } }]);
 * await box.put({ chat: { id: 5 }, text: "hi" });
 * const msg = await listener.wait({ timeout: 1 });
 * ```
 */
export class Listener {
  readonly #patterns: Pattern[] = [];

  /** Where messages come from (a delegate's own, from `bot.createMailbox()`). */
  readonly mailbox: Mailbox<Msg>;
  /**
   * Creates a listener with nothing captured yet.
   *
   * @param mailbox where messages come from (a delegate's own, from `bot.createMailbox()`).
   */
  constructor(mailbox: Mailbox<Msg>) {
    this.mailbox = mailbox;
  }

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
    const patterns = this.#patterns;
    for (let i = 0; i < patterns.length; i++) if (matchAll(msg, patterns[i])) return true;
    return false;
  }

  /** The next matching message already in the mailbox (skipping unmatched ones), or `undefined`. */
  poll(): Msg | undefined {
    for (;;) {
      const msg = this.mailbox.poll();
      if (msg === undefined || this.matches(msg)) return msg;
    }
  }

  /**
   * The next message matching a captured pattern; messages that match none are skipped.
   *
   * @throws {BadInput} when nothing is captured.
   * @throws {WaitTooLong} (as a rejection) when `timeout` seconds pass first.
   */
  wait(options?: WaitOptions): Promise<Msg> {
    if (this.#patterns.length === 0) throw new BadInput("listener", "at least one captured pattern");
    const timeout = checkSeconds(options?.timeout, "options.timeout", true);
    const ready = this.poll();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<Msg>((resolve, reject) => {
      let expired = false;
      const timer = timeout === undefined ? undefined : setTimeout(() => {
        expired = true;
        if (this.mailbox.cancelWait()) reject(new WaitTooLong(timeout));
      }, timeout * 1000);
      const check = (): void => {
        let msg: Msg | undefined;
        try {
          msg = this.poll();
        } catch (err) {
          if (timer !== undefined) clearTimeout(timer);
          return reject(err);
        }
        if (msg !== undefined) {
          if (timer !== undefined) clearTimeout(timer);
          resolve(msg);
        } else if (expired) {
          reject(new WaitTooLong(timeout!));
        } else {
          this.mailbox.whenAvailable(check);
        }
      };
      this.mailbox.whenAvailable(check);
    });
  }
}

/**
 * A listener for `bot` (telepot's `bot.create_listener()`): inside a delegator or a delegate's
 * constructor it reads that delegate's mailbox; anywhere else it gets a copy of every message the bot
 * handles, until `bot.removeMailbox(listener.mailbox)`.
 */
export function createListener(bot: Pick<DelegatorBot, "createMailbox">): Listener {
  return new Listener(bot.createMailbox());
}
