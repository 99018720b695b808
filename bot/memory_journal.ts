import { Deque } from "./deque.ts";
import type { DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";

// Dead letters kept for inspection; older ones are dropped (each was reported when it died).
const DEAD_KEPT = 1000;

interface Held {
  readonly record: JournalRecord;
  attempts: number;
}

/**
 * The default journal: received updates wait in memory, one queue per lane. Nothing survives the
 * process, so the receiver confirms an update to Telegram only once it has been handled.
 */
export class MemoryJournal implements Journal {
  /** Always false: a crash loses what is held here, so Telegram must keep it until it was handled. */
  readonly durable = false;
  #held = new Map<number, Held>();
  #lanes = new Map<string, Deque<Held>>();
  #dead: DeadLetter[] = [];

  /** Nothing to open. */
  open(): void {}

  /** Queues each record in its lane unless that id is already held. */
  append(records: readonly JournalRecord[]): JournalRecord[] {
    const fresh: JournalRecord[] = [];
    for (const record of records) {
      if (this.#held.has(record.id)) continue;
      const held = { record, attempts: 0 };
      this.#held.set(record.id, held);
      let lane = this.#lanes.get(record.key);
      if (!lane) this.#lanes.set(record.key, lane = new Deque());
      lane.push(held);
      fresh.push(record);
    }
    return fresh;
  }

  /** The first `limit` records of the lane. */
  take(key: string, limit: number): TakenRecord[] {
    const out: TakenRecord[] = [];
    const lane = this.#lanes.get(key);
    if (!lane) return out;
    for (const held of lane) {
      if (out.length >= limit) break;
      out.push({ ...held.record, attempts: held.attempts });
    }
    return out;
  }

  /** Counts an attempt. */
  attempt(id: number): number {
    const held = this.#held.get(id);
    return held ? ++held.attempts : 0;
  }

  /** Forgets the update. */
  ack(id: number): void {
    this.#remove(id);
  }

  /** Moves the update to the dead letters. */
  deadLetter(id: number, attempts: number, reason: string): void {
    const held = this.#remove(id);
    if (!held) return;
    this.#dead.push({ ...held.record, attempts, reason });
    if (this.#dead.length > DEAD_KEPT) this.#dead.splice(0, this.#dead.length - DEAD_KEPT);
  }

  /** Every held record, lane by lane. */
  unacked(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const lane of this.#lanes.values()) for (const held of lane) out.push(held.record);
    return out;
  }

  /** The dead letters kept (the latest 1000). */
  deadLetters(): DeadLetter[] {
    return [...this.#dead];
  }

  /** Nothing to release. */
  close(): void {}

  #remove(id: number): Held | undefined {
    const held = this.#held.get(id);
    if (!held) return undefined;
    this.#held.delete(id);
    const lane = this.#lanes.get(held.record.key)!;
    // Lanes are handled in order, so what finishes is almost always the head.
    if (lane.peek() === held) lane.shift();
    else lane.remove(held);
    if (lane.size === 0) this.#lanes.delete(held.record.key);
    return held;
  }
}
