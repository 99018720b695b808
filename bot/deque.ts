const INITIAL = 4;

/**
 * A first-in first-out queue on a growable ring buffer: `push` and `shift` are O(1) however long it
 * gets (an array's `shift` moves every element, which makes draining a long backlog quadratic).
 */
export class Deque<T> {
  #slots: (T | undefined)[] = new Array(INITIAL);
  #head = 0;
  #size = 0;

  /** Number of items held. */
  get size(): number {
    return this.#size;
  }

  /** Appends `item` at the back. */
  push(item: T): void {
    if (this.#size === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#size) & (this.#slots.length - 1)] = item;
    this.#size++;
  }

  /** Puts `item` at the front. */
  unshift(item: T): void {
    if (this.#size === this.#slots.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#slots.length - 1);
    this.#slots[this.#head] = item;
    this.#size++;
  }

  /** Removes and returns the front item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#slots.length - 1);
    this.#size--;
    if (this.#size === 0) this.#head = 0;
    return item;
  }

  /** The front item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#slots[this.#head];
  }

  /** Removes the first item equal to `item`; returns whether one was. O(n): for rare withdrawals. */
  remove(item: T): boolean {
    const mask = this.#slots.length - 1;
    for (let i = 0; i < this.#size; i++) {
      if (this.#slots[(this.#head + i) & mask] !== item) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#slots[(this.#head + j) & mask] = this.#slots[(this.#head + j + 1) & mask];
      }
      this.#slots[(this.#head + this.#size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** The items, front first. */
  *[Symbol.iterator](): Iterator<T> {
    const mask = this.#slots.length - 1;
    for (let i = 0; i < this.#size; i++) yield this.#slots[(this.#head + i) & mask] as T;
  }

  // Doubling keeps the length a power of two, so wrapping is a mask.
  #grow(): void {
    const bigger: (T | undefined)[] = new Array(this.#slots.length * 2);
    for (let i = 0; i < this.#size; i++) bigger[i] = this.#slots[(this.#head + i) & (this.#slots.length - 1)];
    this.#slots = bigger;
    this.#head = 0;
  }
}
