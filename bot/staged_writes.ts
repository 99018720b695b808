import type { DatabaseSync } from "node:sqlite";
import type { TakenRecord } from "./journal.ts";

/**
 * A write that a SQLite journal commits with the acks of the updates it covers (see
 * `SqliteJournal.stage`): what a SQLite storage in the journal's file makes of a delegate's state.
 * One write may cover many updates of its key (the state after all of them), and is written once.
 */
export interface StagedWrite {
  /** What it writes to: of two staged writes of one key, the earlier is committed first. */
  readonly key: string;
  /** Set by the journal when it starts a commit: updates handled later go into a new write. */
  sealed: boolean;
  /** Writes it, inside the journal's transaction; throws, having changed nothing, when refused. */
  write(db: DatabaseSync): void;
  /**
   * It was refused (or dropped with one that was): its updates are handled again. `heard` is shared by
   * the writes dropped together, so that whoever is told of the refusal is told once: what it holds
   * was told already, and what it tells it adds.
   */
  failed(error: unknown, heard: Set<unknown>): void;
  /** Committed or failed: the journal is done with it. */
  done(): void;
}

/**
 * The staged writes of a journal and the updates each covers, which tells which writes may commit:
 * those whose updates have all finished (acked or dead-lettered), together with every other write
 * covering one of those updates, and after any earlier write of their key.
 */
export class StagedWrites {
  // In staging order.
  #writes = new Map<StagedWrite, number[]>();
  // Updates some write covers.
  #covered = new Set<number>();
  // Finished updates waiting for their writes: the record to hold again if they fail (none when buried).
  #finished = new Map<number, TakenRecord | undefined>();
  // Updates whose writes were dropped before they finished: their ack must not be written.
  #spoiled = new Set<number>();

  /** Whether any write covers update `id`. */
  covers(id: number): boolean {
    return this.#covered.has(id);
  }

  /** Whether update `id` finished and waits for its writes. */
  waiting(id: number): boolean {
    return this.#finished.has(id);
  }

  /** Records that `write` covers update `id`. */
  add(id: number, write: StagedWrite): void {
    let ids = this.#writes.get(write);
    if (!ids) this.#writes.set(write, ids = []);
    if (ids[ids.length - 1] !== id) ids.push(id);
    this.#covered.add(id);
  }

  /**
   * Whether the writes of update `id` were dropped before it finished (then forgotten: it is taken
   * again, and may be saved anew).
   */
  spoiled(id: number): boolean {
    return this.#spoiled.size > 0 && this.#spoiled.delete(id);
  }

  /** Update `id` finished: acked with its record, or buried without. */
  finish(id: number, record: TakenRecord | undefined): void {
    if (this.#covered.has(id)) this.#finished.set(id, record);
  }

  /**
   * Seals every write, and returns those that may commit now, in staging order, with the finished
   * updates whose acks go with them (those that were not buried).
   */
  ready(): { writes: StagedWrite[]; acks: number[] } {
    const waiting = new Set<StagedWrite>();
    for (const [write, ids] of this.#writes) {
      write.sealed = true;
      if (ids.some((id) => !this.#finished.has(id))) waiting.add(write);
    }
    const blocked = this.#withDependents(waiting);
    const writes: StagedWrite[] = [];
    const acks = new Set<number>();
    for (const [write, ids] of this.#writes) {
      if (blocked.has(write)) continue;
      writes.push(write);
      for (const id of ids) if (this.#finished.get(id) !== undefined) acks.add(id);
    }
    return { writes, acks: [...acks] };
  }

  /** The writes were committed: forgets them and the updates they covered. */
  committed(writes: readonly StagedWrite[]): void {
    for (const write of writes) {
      for (const id of this.#writes.get(write) ?? []) {
        this.#covered.delete(id);
        this.#finished.delete(id);
      }
      this.#writes.delete(write);
      write.done();
    }
  }

  /**
   * Drops the refused writes with everything that depends on them (writes sharing an update, later
   * writes of their keys), telling each; returns the finished updates to hold again (their acks were
   * not committed), in the order they were acked, and the ids of those not finished yet, which are
   * spoiled: their ack, when it comes, is not written.
   */
  refuse(refused: readonly StagedWrite[], error: unknown): { held: TakenRecord[]; unfinished: number[] } {
    const dropped = this.#withDependents(new Set(refused));
    const ids = new Set<number>();
    for (const write of dropped) for (const id of this.#writes.get(write)!) ids.add(id);
    const held: TakenRecord[] = [];
    const unfinished: number[] = [];
    const finished = new Set<number>();
    for (const [id, record] of this.#finished) {
      if (!ids.has(id)) continue;
      finished.add(id);
      if (record) held.push(record);
      this.#finished.delete(id);
    }
    for (const id of ids) {
      this.#covered.delete(id);
      if (finished.has(id)) continue;
      this.#spoiled.add(id);
      unfinished.push(id);
    }
    const heard = new Set<unknown>();
    for (const write of dropped) {
      this.#writes.delete(write);
      write.failed(error, heard);
      write.done();
    }
    return { held, unfinished };
  }

  // `writes` and every write that depends on one of them: covering an update one of them covers
  // (both commit or neither), or coming later with the same key (its version follows theirs).
  #withDependents(writes: Set<StagedWrite>): Set<StagedWrite> {
    const ids = new Set<number>();
    for (let changed = writes.size > 0; changed;) {
      changed = false;
      const keys = new Set<string>();
      for (const [write, covered] of this.#writes) {
        if (!writes.has(write) && !keys.has(write.key) && !covered.some((id) => ids.has(id))) continue;
        keys.add(write.key);
        if (!writes.has(write)) {
          writes.add(write);
          changed = true;
        }
        for (const id of covered) {
          if (!ids.has(id)) {
            ids.add(id);
            changed = true;
          }
        }
      }
    }
    return writes;
  }

  /**
   * Forgets everything, telling each write it was dropped with `error` (the journal closes: what was
   * not committed is handled again, by the next loop or after a restart, and whoever made a write must
   * not take it for committed meanwhile).
   */
  clear(error: unknown): void {
    const heard = new Set<unknown>();
    for (const write of this.#writes.keys()) {
      write.failed(error, heard);
      write.done();
    }
    this.#writes.clear();
    this.#covered.clear();
    this.#finished.clear();
    this.#spoiled.clear();
  }
}
