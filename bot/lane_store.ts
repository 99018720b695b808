import { Deque } from "./deque.ts";
import type { JournalRecord, TakenRecord } from "./journal.ts";

/** A record held by a journal, with the attempts made at it so far. */
interface Held extends TakenRecord {
  attempts: number;
}

/**
 * The unacked records of a journal, one queue per lane in append order, looked up by id: what the
 * memory journal is, and what the SQLite journal keeps beside its file so that taking, counting and
 * acking never read the file back (one process owns a journal file).
 */
export class LaneStore {
  #held = new Map<number, Held>();
  #lanes = new Map<string, Deque<Held>>();

  #lane(key: string): Deque<Held> {
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, lane = new Deque());
    return lane;
  }

  /** Whether update `id` is held. */
  has(id: number): boolean {
    return this.#held.has(id);
  }

  /** Adds a record at the back of its lane (the caller checked that its id is not held). */
  add(record: JournalRecord, attempts = 0): void {
    const held: Held = { id: record.id, key: record.key, update: record.update, attempts };
    this.#held.set(record.id, held);
    this.#lane(record.key).push(held);
  }

  /**
   * Puts records that were removed back at the front of their lanes, in the order given (they were
   * acked, and their acks could not be written).
   */
  restore(records: readonly TakenRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) {
      const held = records[i] as Held;
      if (this.#held.has(held.id)) continue;
      this.#held.set(held.id, held);
      this.#lane(held.key).unshift(held);
    }
  }

  /**
   * The first `limit` records of lane `key`. They are the held records themselves, not copies:
   * `attempts` reads the count as it is when read.
   */
  take(key: string, limit: number): TakenRecord[] {
    const out: TakenRecord[] = [];
    const lane = this.#lanes.get(key);
    if (!lane) return out;
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

  /** Counts one more attempt at `id`; returns the count (0 when not held). */
  attempt(id: number): number {
    const held = this.#held.get(id);
    return held ? ++held.attempts : 0;
  }

  /** Removes `id`; returns it, if it was held. */
  remove(id: number): TakenRecord | undefined {
    const held = this.#held.get(id);
    if (!held) return undefined;
    this.#held.delete(id);
    const lane = this.#lanes.get(held.key)!;
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
      for (const held of lane) out.push(held);
    }
    return out;
  }
}
