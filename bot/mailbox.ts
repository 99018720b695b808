import { BadInput } from "../exception/bad_input.ts";

/** The promise `Mailbox.put` returns when the item was taken at once; callers compare against it to skip awaiting. */
export const RESOLVED: Promise<void> = Promise.resolve();
const INITIAL_SLOTS = 4;

/**
 * A bounded FIFO with one consumer, the queue in front of each delegate. `put` resolves once the item
 * is accepted, immediately while there is room and later when the consumer frees a slot: a full mailbox
 * pushes back on its producer and never drops. The ring buffer starts small and doubles up to its
 * capacity, so an idle delegate costs little memory.
 *
 * @example
 * ```ts
 * import { Mailbox } from "@telepot/telepot-ts";
 * const box = new Mailbox<number>(2);
 * await box.put(1);
 * console.log(box.poll()); // 1
 * ```
 */
export class Mailbox<T> {
  /** Most items held before `put` waits. */
  readonly capacity: number;
  #slots: (T | undefined)[] | undefined;
  #head = 0;
  #count = 0;
  #waiter: (() => void) | undefined;
  #blocked: { item: T; accept: () => void }[] | undefined;

  /**
   * Creates an empty mailbox.
   *
   * @param capacity most items held before `put` waits (at least 1).
   */
  constructor(capacity = 64) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new BadInput("capacity", "a positive integer");
    this.capacity = capacity;
  }

  /** Items held, not counting puts still waiting for room. */
  get size(): number {
    return this.#count;
  }

  /** Puts still waiting for room. */
  get waitingPuts(): number {
    return this.#blocked?.length ?? 0;
  }

  /** Appends `item`; the promise resolves when it is accepted (at once unless the mailbox is full). */
  put(item: T): Promise<void> {
    if (this.#count < this.capacity) {
      this.#push(item);
      return RESOLVED;
    }
    return new Promise<void>((accept) => (this.#blocked ??= []).push({ item, accept }));
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  poll(): T | undefined {
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

  /** The next item, waiting for one if the mailbox is empty. */
  take(): Promise<T> {
    if (this.#count > 0) return Promise.resolve(this.#shift());
    return new Promise<T>((resolve) => this.whenAvailable(() => resolve(this.#shift())));
  }

  /** Removes and returns everything held and waiting, in order, accepting every waiting put. */
  drain(): T[] {
    const items: T[] = [];
    while (this.#count > 0) items.push(this.#shift());
    const blocked = this.#blocked ?? [];
    this.#blocked = undefined;
    for (const b of blocked) {
      items.push(b.item);
      b.accept();
    }
    return items;
  }

  #push(item: T): void {
    let slots = this.#slots;
    if (slots === undefined) slots = this.#slots = new Array(Math.min(INITIAL_SLOTS, this.capacity));
    else if (this.#count === slots.length) slots = this.#grow(slots);
    slots[(this.#head + this.#count) % slots.length] = item;
    this.#count++;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      queueMicrotask(waiter);
    }
  }

  #grow(slots: (T | undefined)[]): (T | undefined)[] {
    const bigger = new Array<T | undefined>(Math.min(slots.length * 2, this.capacity));
    for (let i = 0; i < this.#count; i++) bigger[i] = slots[(this.#head + i) % slots.length];
    this.#head = 0;
    return this.#slots = bigger;
  }

  #shift(): T {
    const slots = this.#slots!;
    const item = slots[this.#head] as T;
    slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % slots.length;
    this.#count--;
    const blocked = this.#blocked;
    if (blocked !== undefined && blocked.length > 0) {
      const next = blocked.shift()!;
      if (blocked.length === 0) this.#blocked = undefined;
      this.#push(next.item);
      next.accept();
    }
    return item;
  }
}
