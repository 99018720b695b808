import { BadInput } from "../exception/bad_input.ts";
import type { Ear, Tuner } from "./microphone.ts";
import type { Receipt } from "./receipt.ts";

const INITIAL_PAIRS = 4;

/**
 * A delegate's queue, with one reader. It is unbounded: a reader that falls behind slows down only
 * the confirmation of what it holds, never the bot's delivery to anyone else.
 *
 * It also knows what its reader has handled. Each item may come with a {@link Receipt}, held while
 * the item waits and while it is the reader's *current* item: the one last taken. Asking for the
 * next item ({@link poll}, {@link take}) releases the current one, and so do {@link release} (the
 * reader has finished with it) and {@link close} (the reader has ended; whatever it never read is
 * released unread, as telepot leaves it).
 *
 * The ring buffer is allocated on the first item and doubles as needed, so an idle mailbox costs a
 * few fields.
 *
 * @example
 * ```ts
 * import { Mailbox } from "@telepot/telepot-ts";
 * const box = new Mailbox<number>();
 * box.put(1);
 * console.log(box.poll()); // 1
 * ```
 */
export class Mailbox<T> {
  // Items and their receipts, interleaved: [item, receipt, item, receipt, …].
  #slots: unknown[] | undefined;
  #head = 0;
  #count = 0;
  #waiter: (() => void) | undefined;
  #current: Receipt | undefined;
  #currentItem: T | undefined;
  #closed = false;
  #ears: Ear<T> | Ear<T>[] | undefined;
  #tuner: Tuner<T> | undefined;
  /** The sequence number of the last broadcast offered here (a microphone's bookkeeping). */
  heard = 0;
  /** How a microphone filed this mailbox (its bookkeeping). */
  filed = 0;

  /**
   * Creates an empty mailbox.
   *
   * @param tuner told when the mailbox's ears change (the bot's microphone), if any.
   */
  constructor(tuner?: Tuner<T>) {
    if (tuner !== undefined && typeof (tuner as Partial<Tuner<T>> | null)?.tune !== "function") {
      // A number here is the capacity older versions took: mailboxes are unbounded now.
      throw new BadInput("tuner", "a microphone (or nothing); mailboxes have no capacity");
    }
    this.#tuner = tuner;
  }

  /** Items held, not counting the current one. */
  get size(): number {
    return this.#count;
  }

  /**
   * The reader's current item (the one it took last, or was adopted with) until it is released: what
   * a reader that went on reading its mailbox while handling an item has in hand when it is done.
   */
  get current(): T | undefined {
    return this.#currentItem;
  }

  /** Whether {@link close} was called: nothing is accepted any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** What decides which broadcast messages are put here (see {@link listen}). */
  get ears(): readonly Ear<T>[] {
    const ears = this.#ears;
    return ears === undefined ? [] : Array.isArray(ears) ? ears : [ears];
  }

  /**
   * Adds an ear: from now on, a broadcast message is put here when one of the ears hears it. Calling
   * it again for an ear already added (after it captured more) tells the microphone to look again.
   */
  listen(ear: Ear<T>): void {
    const ears = this.#ears;
    if (ears === undefined) this.#ears = ear;
    else if (Array.isArray(ears)) {
      if (!ears.includes(ear)) ears.push(ear);
    } else if (ears !== ear) this.#ears = [ears, ear];
    this.#tuner?.tune(this);
  }

  /** Whether one of the ears wants `item`. An ear that throws wants it: its reader meets the error. */
  hears(item: T): boolean {
    const ears = this.#ears;
    if (ears === undefined) return false;
    try {
      if (!Array.isArray(ears)) return ears.hears(item);
      for (let i = 0; i < ears.length; i++) if (ears[i].hears(item)) return true;
      return false;
    } catch {
      return true;
    }
  }

  /** Appends `item`, holding `receipt` until the reader has handled it. A closed mailbox ignores it. */
  put(item: T, receipt?: Receipt): void {
    if (this.#closed) return;
    receipt?.hold();
    this.#push(item, receipt);
  }

  /**
   * Makes `receipt` (and `item`) the reader's current one, as if its item had just been taken (a
   * delegate's first message).
   */
  adopt(receipt: Receipt, item?: T): void {
    this.release();
    if (this.#closed) return;
    receipt.hold();
    this.#current = receipt;
    this.#currentItem = item;
  }

  /**
   * Called as the reader lets go of an item it held (still {@link current} then), just before that
   * item's receipt is released, so before the update can be acknowledged: what a reader's wrapper must
   * write first.
   */
  beforeRelease: (() => void) | undefined = undefined;

  /** The reader has handled its current item: releases its receipt. */
  release(): void {
    const current = this.#current;
    if (current !== undefined) {
      // Still the current item while it is told, so that the hook knows which one goes.
      this.beforeRelease?.();
      this.#current = undefined;
      current.release();
    }
    this.#currentItem = undefined;
  }

  /** Releases the current item and removes and returns the next one, or `undefined` when empty. */
  poll(): T | undefined {
    this.release();
    return this.#count > 0 ? this.#shift() : undefined;
  }

  /**
   * Calls `callback` (in a microtask, never synchronously) once an item is available: at once if one
   * is held. Only one callback may wait at a time; {@link cancelWait} withdraws it.
   *
   * @throws {BadInput} when another callback is already waiting.
   */
  whenAvailable(callback: () => void): void {
    if (this.#waiter !== undefined) throw new BadInput("wait", "no other wait pending on the same mailbox");
    if (this.#count > 0) queueMicrotask(callback);
    else this.#waiter = callback;
  }

  /** Withdraws a waiting callback; returns whether one was waiting (false once it has been called). */
  cancelWait(): boolean {
    const had = this.#waiter !== undefined;
    this.#waiter = undefined;
    return had;
  }

  /**
   * Releases the current item and resolves with the next one, waiting for one if the mailbox is empty.
   * A take still waiting when the mailbox closes never resolves.
   */
  take(): Promise<T> {
    this.release();
    if (this.#count > 0) return Promise.resolve(this.#shift());
    return new Promise<T>((resolve) => {
      // The item that woke this wait may be gone by the time it runs (cleared, or the mailbox closed).
      const ready = (): void => {
        if (this.#count > 0) resolve(this.#shift());
        else if (!this.#closed) this.whenAvailable(ready);
      };
      this.whenAvailable(ready);
    });
  }

  /**
   * Ends the mailbox: it stops hearing broadcasts, accepts nothing more, and releases the current item
   * and every item still waiting, which are dropped and returned.
   */
  close(): T[] {
    if (this.#closed) return [];
    this.#closed = true;
    this.#waiter = undefined;
    this.#tuner?.remove(this);
    this.release();
    return this.clear();
  }

  /** Drops every item still waiting (not the current one), releasing their receipts; returns them. */
  clear(): T[] {
    const dropped: T[] = [];
    const slots = this.#slots;
    if (slots === undefined) return dropped;
    for (; this.#count > 0; this.#count--) {
      const at = this.#head * 2;
      dropped.push(slots[at] as T);
      const receipt = slots[at + 1] as Receipt | undefined;
      slots[at] = slots[at + 1] = undefined;
      this.#head = (this.#head + 1) % (slots.length / 2);
      receipt?.release();
    }
    return dropped;
  }

  #push(item: T, receipt: Receipt | undefined): void {
    let slots = this.#slots;
    if (slots === undefined) slots = this.#slots = new Array(INITIAL_PAIRS * 2);
    else if (this.#count * 2 === slots.length) slots = this.#grow(slots);
    const at = ((this.#head + this.#count) * 2) % slots.length;
    slots[at] = item;
    slots[at + 1] = receipt;
    this.#count++;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      queueMicrotask(waiter);
    }
  }

  #grow(slots: unknown[]): unknown[] {
    const bigger = new Array(slots.length * 2);
    for (let i = 0; i < this.#count * 2; i++) bigger[i] = slots[(this.#head * 2 + i) % slots.length];
    this.#head = 0;
    return this.#slots = bigger;
  }

  // Takes the oldest item; its receipt becomes the current one.
  #shift(): T {
    const slots = this.#slots!;
    const at = this.#head * 2;
    const item = slots[at] as T;
    this.#current = slots[at + 1] as Receipt | undefined;
    this.#currentItem = item;
    slots[at] = undefined;
    slots[at + 1] = undefined;
    this.#head = (this.#head + 1) % (slots.length / 2);
    this.#count--;
    return item;
  }
}
