import { Deque } from "./deque.ts";

/** Milliseconds Telegram keeps an update it has not been told about: none comes again any later. */
export const UPDATE_LIFETIME_MS = 24 * 60 * 60 * 1000;

// How many of the latest ids to remember. Telegram sends again only what it was not told about (a
// lost webhook answer, an unconfirmed offset), which is always among the latest.
const WINDOW = 20_000;

/**
 * What a bot's receiver knows about update ids in this process: which ids were taken recently (so
 * none is handled twice) and which are still unfinished (so no offset or webhook answer confirms one
 * early). Memory stays bounded: the oldest ids are forgotten first. Forgetting by age, not by value,
 * is what lets a new, lower sequence of ids (Telegram picks a random start after a week without
 * updates) through: a lower id is a repeat only if it really was seen.
 */
export class UpdateLedger {
  #seen = new Set<number>();
  #order = new Deque<number>();
  #unfinished = new Set<number>();
  // Unfinished ids of earlier sequences (see restart): they wait for their handlers like any other, but
  // Telegram has forgotten them, so they no longer hold its window, and their ids mean nothing now.
  #earlier = new Set<number>();
  // When updates were last taken in (ms), from the first time on.
  #lastTaken: number | undefined;

  /** Whether `id` was taken recently. */
  hasSeen(id: number): boolean {
    return this.#seen.has(id);
  }

  /** Records `id` as taken and unfinished. */
  begin(id: number): void {
    this.#unfinished.add(id);
    this.#seen.add(id);
    this.#order.push(id);
    // One still in flight stays known, however long it takes: a redelivery of it must wait for it, not
    // be taken for a new update (and so mark it finished). It goes to the back, and the next oldest out.
    for (let turns = this.#order.size; this.#order.size > WINDOW && turns > 0; turns--) {
      const oldest = this.#order.shift()!;
      if (this.#unfinished.has(oldest)) this.#order.push(oldest);
      else this.#seen.delete(oldest);
    }
  }

  /**
   * Notes that updates are being taken at time `now` (ms). After a longer quiet than Telegram keeps an
   * update, the ids seen are forgotten (the unfinished ones stay): none of them can come again, and
   * the new sequence of ids Telegram starts after a week without updates may reuse them. Returns
   * whether they were.
   */
  expire(now: number): boolean {
    const quiet = this.#lastTaken !== undefined && now - this.#lastTaken > UPDATE_LIFETIME_MS
      && this.#seen.size > this.#unfinished.size;
    this.#lastTaken = now;
    if (quiet) this.restart();
    return quiet;
  }

  /** Records that `id` is finished (handled, dead-lettered, or safely journaled). */
  finish(id: number): void {
    if (!this.#unfinished.delete(id)) this.#earlier.delete(id);
  }

  /** Whether `id` was taken and is not finished yet. */
  isUnfinished(id: number): boolean {
    return this.#unfinished.has(id) || this.#earlier.has(id);
  }

  /** Number of unfinished updates. */
  get unfinished(): number {
    return this.#unfinished.size + this.#earlier.size;
  }

  /**
   * Number of unfinished updates Telegram has forgotten, which no longer take room in its window: those
   * below `floor` (passed by a confirmed offset), and those of earlier sequences of ids.
   */
  unfinishedBelow(floor: number | undefined): number {
    let below = this.#earlier.size;
    if (floor !== undefined) { for (const id of this.#unfinished) if (id < floor) below++; }
    return below;
  }

  /** The smallest unfinished id of the current sequence not below `floor`, or `undefined` when none is. */
  lowestUnfinished(floor = Number.NEGATIVE_INFINITY): number | undefined {
    let low: number | undefined;
    for (const id of this.#unfinished) if (id >= floor && (low === undefined || id < low)) low = id;
    return low;
  }

  /**
   * Starts a new sequence of ids: what was seen is forgotten, and what is unfinished stays so but
   * belongs to the earlier sequence: it no longer sets the offset (an id of the old sequence, above the
   * new ones, would confirm them unseen), and a new update may reuse its id.
   */
  restart(): void {
    for (const id of this.#unfinished) this.#earlier.add(id);
    this.#unfinished = new Set();
    this.#seen = new Set();
    this.#order = new Deque();
  }

  /** Forgets `id` altogether: it was not taken after all (the journal refused it). */
  drop(id: number): void {
    this.finish(id);
    if (this.#seen.delete(id)) this.#order.remove(id);
  }
}
