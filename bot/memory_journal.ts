import type { DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";
import { LaneStore } from "./lane_store.ts";

// Dead letters kept for inspection; older ones are dropped (each was reported when it died).
const DEAD_KEPT = 1000;

/**
 * The default journal: received updates wait in memory, one queue per lane. Nothing survives the
 * process, so the receiver confirms an update to Telegram only once it has been handled.
 */
export class MemoryJournal implements Journal {
  /** Always false: a crash loses what is held here, so Telegram must keep it until it was handled. */
  readonly durable = false;
  #store = new LaneStore();
  #dead: DeadLetter[] = [];

  /** Nothing to open. */
  open(): void {}

  /** Queues each record in its lane unless that id is already held; returns those queued. */
  append(records: readonly JournalRecord[]): readonly JournalRecord[] {
    let fresh: JournalRecord[] | undefined;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (this.#store.has(record.id)) {
        // The first one held: the ones before it were fresh, and only now is a list of them needed.
        fresh ??= records.slice(0, i);
        continue;
      }
      this.#store.add(record);
      fresh?.push(record);
    }
    return fresh ?? records;
  }

  /** The first `limit` records of the lane. */
  take(key: string, limit: number): readonly TakenRecord[] {
    return this.#store.take(key, limit);
  }

  /** Counts an attempt. */
  attempt(id: number): number {
    return this.#store.attempt(id);
  }

  /** Forgets the update. */
  ack(id: number): void {
    this.#store.remove(id);
  }

  /** Moves the update to the dead letters. */
  deadLetter(id: number, attempts: number, reason: string): void {
    const held = this.#store.remove(id);
    if (!held) return;
    this.#dead.push({ id: held.id, key: held.key, update: held.update, attempts, reason });
    if (this.#dead.length > DEAD_KEPT) this.#dead.splice(0, this.#dead.length - DEAD_KEPT);
  }

  /** Every held record, lane by lane. */
  unacked(): JournalRecord[] {
    return this.#store.records();
  }

  /** The dead letters kept (the latest 1000). */
  deadLetters(): DeadLetter[] {
    return [...this.#dead];
  }

  /** Nothing to release. */
  close(): void {}
}
