import { Deque } from "./deque.ts";
import type { JournalRecord, TakenRecord } from "./journal.ts";

/** A record held by a journal, with the attempts made at it so far. */
interface Held extends TakenRecord {
  attempts: number;
  failure?: { readonly error: unknown };
}

const NONE: readonly TakenRecord[] = Object.freeze([]);

/**
 * The unacked records of a journal, one queue per lane in append order, looked up by id: what the
 * memory journal is, and what the SQLite journal keeps beside its file so that taking, counting and
 * acking never read the file back (one process owns a journal file).
 *
 * A lane holding one record is that record alone; a queue is made only for a second one. Under load
 * spread over many chats nearly every lane holds one update at a time, and a queue for each would be
 * two more allocations per update.
 */
export class LaneStore {
  #held = new Map<number, Held>();
  #lanes = new Map<string, Held | Deque<Held>>();

  // The lane of `key` as a queue, made from its single record (or empty) when it is not one yet.
  #queue(key: string, lane = this.#lanes.get(key)): Deque<Held> {
    if (lane instanceof Deque) return lane;
    const queue = new Deque<Held>();
    if (lane) queue.push(lane);
    this.#lanes.set(key, queue);
    return queue;
  }

  /** Whether update `id` is held. */
  has(id: number): boolean {
    return this.#held.has(id);
  }

  /** Adds a record at the back of its lane (the caller checked that its id is not held). */
  add(record: JournalRecord, attempts = 0): void {
    const held: Held = { id: record.id, key: record.key, update: record.update, attempts };
    this.#held.set(record.id, held);
    const lane = this.#lanes.get(record.key);
    if (lane === undefined) this.#lanes.set(record.key, held);
    else this.#queue(record.key, lane).push(held);
  }

  /**
   * Puts records that were removed back at the front of their lanes, in the order given (they were
   * acked, and their acks could not be written), with the `failure` that undid their acks.
   */
  restore(records: readonly TakenRecord[], failure: { readonly error: unknown }): void {
    for (let i = records.length - 1; i >= 0; i--) {
      const held = records[i] as Held;
      if (this.#held.has(held.id)) continue;
      held.failure = failure;
      this.#held.set(held.id, held);
      this.#queue(held.key).unshift(held);
    }
  }

  /**
   * The first `limit` records of lane `key`. They are the held records themselves, not copies:
   * `attempts` reads the count as it is when read.
   */
  take(key: string, limit: number): readonly TakenRecord[] {
    const lane = this.#lanes.get(key);
    if (lane === undefined || limit < 1) return NONE;
    if (!(lane instanceof Deque)) return [lane];
    const out: TakenRecord[] = [];
    for (const held of lane) {
      if (out.length >= limit) break;
      out.push(held);
    }
    return out;
  }

  /** Whether lane `key` holds any record. */
  holds(key: string): boolean {
    return this.#lanes.has(key);
  }

  /** Counts one more attempt at `id`, which leaves its failure behind; returns the count (0 when not held). */
  attempt(id: number): number {
    const held = this.#held.get(id);
    if (!held) return 0;
    held.failure = undefined;
    return ++held.attempts;
  }

  /**
   * Takes back the attempt `attempt` just counted at `id`, which was never recorded (the journal could
   * not write it): the count and the failure are again what they were before it.
   */
  unattempt(id: number, failure: { readonly error: unknown } | undefined): void {
    const held = this.#held.get(id);
    if (!held || held.attempts === 0) return;
    held.attempts--;
    held.failure = failure;
  }

  /** Why the last attempt at `id` did not count, if known (see {@link TakenRecord.failure}). */
  failure(id: number): { readonly error: unknown } | undefined {
    return this.#held.get(id)?.failure;
  }

  /** Records why the attempt in progress at `id` will not count (see {@link TakenRecord.failure}). */
  fail(id: number, failure: { readonly error: unknown }): void {
    const held = this.#held.get(id);
    if (held) held.failure = failure;
  }

  /** Removes `id`; returns it, if it was held. */
  remove(id: number): TakenRecord | undefined {
    const held = this.#held.get(id);
    if (!held) return undefined;
    this.#held.delete(id);
    const lane = this.#lanes.get(held.key)!;
    if (!(lane instanceof Deque)) {
      this.#lanes.delete(held.key);
      return held;
    }
    // Lanes are handled in order, so what finishes is almost always the head.
    if (lane.peek() === held) lane.shift();
    else lane.remove(held);
    if (lane.size === 0) this.#lanes.delete(held.key);
    return held;
  }

  /** Every held record, lane by lane, each lane in order. */
  records(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const lane of this.#lanes.values()) {
      if (lane instanceof Deque) { for (const held of lane) out.push(held); }
      else out.push(lane);
    }
    return out;
  }
}
