import { isPlainObject } from "../api/plain_object.ts";
import { checkSeconds } from "../api/seconds.ts";
import type { DelegatorBot, Msg } from "../bot/delegator_bot.ts";
import type { Mailbox } from "../bot/mailbox.ts";
import type { Ear, IndexKey, IndexPath } from "../bot/microphone.ts";
import { tupleEncoding } from "../bot/seed_key.ts";
import { BadInput } from "../exception/bad_input.ts";
import { WaitTooLong } from "../exception/wait_too_long.ts";
import { matchAll, type Pattern, type TemplateFunction } from "./template.ts";

/** Options of {@link Listener.wait}. */
export interface WaitOptions {
  /** Seconds to wait at most; without it, wait for as long as it takes. */
  timeout?: number;
}

const INDEX_KEY = Symbol("index key");

/**
 * Marks a predicate template as matching only messages that have `value` at `path` (and returns it): the
 * bot then files its listener under that value instead of asking the predicate about every message.
 * `path` names fields from the top of the message; `EVENT_PAYLOAD` stands for an event's payload.
 */
export function keyedTemplate(
  path: IndexPath,
  value: unknown,
  predicate: TemplateFunction,
): TemplateFunction {
  return Object.assign(predicate, { [INDEX_KEY]: [path, value] as IndexKey });
}

function isPrimitiveKey(v: unknown): boolean {
  const t = typeof v;
  if (t === "number" || t === "string" || t === "bigint" || t === "boolean") {
    return true;
  }
  return Array.isArray(v) && tupleEncoding(v) !== undefined;
}

// The first place in a plain-object template where a fixed value is required, as [path, value].
function objectKey(
  template: Record<string, unknown>,
  prefix: string[],
): IndexKey | undefined {
  for (const field in template) {
    const sub = template[field];
    if (isPrimitiveKey(sub)) return [[...prefix, field], sub];
    if (isPlainObject(sub)) {
      const inner = objectKey(sub, [...prefix, field]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function patternKey(pattern: Pattern): IndexKey | undefined {
  for (const template of pattern) {
    if (typeof template === "function") {
      const key = (template as { [INDEX_KEY]?: IndexKey })[INDEX_KEY];
      if (key !== undefined) return key;
    } else if (isPlainObject(template)) {
      const key = objectKey(template, []);
      if (key !== undefined) return key;
    }
  }
  return undefined;
}

/**
 * Reads a mailbox, keeping only messages that match one of the captured patterns (telepot's
 * `Listener`). The bot broadcasts every message to every listener; what a listener's patterns capture
 * is put into its mailbox as it arrives (so capture before the messages you want), and `wait()`
 * returns them in order.
 *
 * A delegate handles one message at a time, so inside a handler `await this.listener.wait()` is the
 * delegate's next message: a conversation reads top to bottom. Asking for the next message also tells
 * the bot the previous one is handled.
 *
 * @example
 * ```ts
 * import { Listener, Mailbox } from "@telepot/telepot-ts";
 * const box = new Mailbox<Record<string, unknown>>();
 * const listener = new Listener(box);
 * listener.capture([{ chat: { id: 5 } }]);
 * box.put({ chat: { id: 5 }, text: "hi" });
 * const msg = await listener.wait({ timeout: 1 });
 * ```
 */
export class Listener implements Ear<Msg> {
  readonly #patterns: Pattern[] = [];

  /** Where messages come from (a delegate's own, from `bot.createMailbox()`). */
  readonly mailbox: Mailbox<Msg>;
  /**
   * Creates a listener with nothing captured yet.
   *
   * @param mailbox where messages come from (a delegate's own, from `bot.createMailbox()`).
   * @throws {BadInput} when `mailbox` is not one.
   */
  constructor(mailbox: Mailbox<Msg>) {
    if (typeof (mailbox as Partial<Mailbox<Msg>> | null)?.take !== "function") {
      throw new BadInput("mailbox", "a Mailbox, as bot.createMailbox() makes it");
    }
    this.mailbox = mailbox;
  }

  /** The captured patterns, in capture order. */
  get patterns(): readonly Pattern[] {
    return this.#patterns;
  }

  /**
   * Adds a pattern: a list of templates a message must all match (see `Template`). From now on, matching
   * messages the bot handles are put into the mailbox.
   */
  capture(pattern: Pattern): void {
    this.#patterns.push(pattern);
    this.mailbox.listen(this);
  }

  /** Whether `msg` matches at least one captured pattern. */
  matches(msg: Msg): boolean {
    const patterns = this.#patterns;
    for (let i = 0; i < patterns.length; i++) {
      if (matchAll(msg, patterns[i])) return true;
    }
    return false;
  }

  /** The same as {@link matches}: how the bot's microphone asks. */
  hears(msg: Msg): boolean {
    return this.matches(msg);
  }

  /**
   * Where the bot can look messages up for this listener: for each pattern, a fixed value it requires
   * somewhere (`{ chat: { id: 5 } }` requires 5 at `chat.id`; see {@link keyedTemplate}), or
   * `undefined` for a pattern that requires none (then every message is matched against it).
   */
  get keys(): (IndexKey | undefined)[] {
    return this.#patterns.map(patternKey);
  }

  /**
   * Tells the bot that the message the delegate took last (its first one, until it reads another) is
   * handled, without reading the next one: for a task that goes on in the background after dealing
   * with it, which would otherwise hold that message, and its chat's later updates, until it ends.
   */
  handled(): void {
    this.mailbox.release();
  }

  /**
   * The next matching message already in the mailbox (skipping unmatched ones), or `undefined`. The
   * message taken before counts as handled.
   */
  poll(): Msg | undefined {
    for (;;) {
      const msg = this.mailbox.poll();
      if (msg === undefined || this.matches(msg)) return msg;
    }
  }

  /**
   * The next message matching a captured pattern; messages that match none are skipped. The message
   * taken before counts as handled (the delegate asked for the next one).
   *
   * @throws {BadInput} when nothing is captured.
   * @throws {WaitTooLong} (as a rejection) when `timeout` seconds pass first.
   */
  wait(options?: WaitOptions): Promise<Msg> {
    if (this.#patterns.length === 0) {
      throw new BadInput("listener", "at least one captured pattern");
    }
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
 * constructor it reads that delegate's mailbox; anywhere else it gets a copy of every message it
 * captures, holding nothing up, until `bot.removeMailbox(listener.mailbox)` or until it is no longer
 * referenced (then it is dropped, as telepot's listener leaves when deleted).
 */
export function createListener(
  bot: Pick<DelegatorBot, "createMailbox">,
): Listener {
  return new Listener(bot.createMailbox());
}
