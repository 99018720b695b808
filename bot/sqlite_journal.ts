/**
 * The SQLite update journal: received updates are kept in a file (through `node:sqlite`, embedded,
 * no dependency) until handled, so a bot that crashes or is stopped resumes them on restart, and
 * Telegram is told about a batch as soon as it is on disk. Its own entry point, because `node:sqlite`
 * exists only on Deno 2.2+, Node 22.13+ and Bun: `messageLoop(handler, { journal: "bot.db" })` loads
 * it on demand, `messageLoop(handler, { journal: sqliteJournal("bot.db") })` names it directly.
 *
 * @example
 * ```ts
 * import { sqliteJournal } from "@telepot/telepot-ts/sqlite";
 * const journal = sqliteJournal(":memory:");
 * await journal.open();
 * journal.append([{ id: 1, key: "c5", update: { update_id: 1 } }]);
 * console.log(journal.unacked().length); // 1
 * journal.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { setImmediate } from "node:timers";
import type { Update } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { type Deferred, deferred } from "./deferred.ts";
import { Deque } from "./deque.ts";
import type { DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";
import { LaneStore } from "./lane_store.ts";
import { UPDATE_LIFETIME_MS } from "./ledger.ts";
import { openSqlite, setUp } from "./sqlite_open.ts";
import { type StagedWrite, StagedWrites } from "./staged_writes.ts";

// Acked updates remembered (their rows kept, emptied), so that what Telegram sends again after a crash
// is not handled twice: at most a getUpdates window whose offset was not confirmed yet, or the webhook
// requests not answered yet (max_connections, at most 100). Older ones are deleted TRIM_EVERY at a time.
const ACKED_KEPT = 1000;
const TRIM_EVERY = 500;
// Dead letters kept (the latest), each with its update's body: poison updates must not fill the disk.
const DEAD_KEPT = 1000;
// Milliseconds between writes of the time the file was last written to (see open).
const ACTIVE_EVERY = 60_000;
// Milliseconds acks wait for another transaction to join before they are written by themselves. An ack
// not written yet when the process dies only means that update is handled again: its lane's next update
// is not attempted before the ack is written, so this is only ever a chat's last update.
const ACK_DELAY = 50;
// Milliseconds the acks of updates with staged writes (a delegate's state) wait while more of their
// lane is held, so that one write of a state covers the updates of that chat handled meanwhile. Those a
// crash catches are handled again from the state last committed.
const STAGED_DELAY = 50;

// Rows are read by id, or all in order on open: the rowid (`seq`, append order) and the id index are
// all it takes. An ack marks its row done and empties it in place (no index changes, so a commit
// writes few pages); done rows are deleted in bulk once no longer remembered. A plain rowid keeps
// growing without AUTOINCREMENT's bookkeeping, since only old rows are ever deleted.
const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY,
  id INTEGER NOT NULL UNIQUE,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dead (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id INTEGER NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

// A batch of ids goes in as one JSON array (one statement, however many); a single id by itself,
// which is cheaper than going through json_each. Updates go in as rows of one statement, up to
// INSERT_ROWS[0] at a time (each statement run costs more than a row): going through json_each would
// have SQLite parse each body and write it out again.
const IDS = "(SELECT value FROM json_each(?))";
const INSERT_ROWS = [64, 16, 4, 1] as const;
const insertRows = (rows: number) =>
  `INSERT OR IGNORE INTO updates (id, key, body, attempts) VALUES ${
    Array(rows).fill("(?, ?, ?, ?)").join(", ")
  }`;
const STATEMENTS = {
  insert64: insertRows(64),
  insert16: insertRows(16),
  insert4: insertRows(4),
  insert1: insertRows(1),
  attempt: `UPDATE updates SET attempts = attempts + 1 WHERE id IN ${IDS}`,
  attemptOne: "UPDATE updates SET attempts = attempts + 1 WHERE id = ?",
  attemptMore: "UPDATE updates SET attempts = attempts + ? WHERE id = ?",
  ack: `UPDATE updates SET done = 1, body = '' WHERE id IN ${IDS}`,
  ackOne: "UPDATE updates SET done = 1, body = '' WHERE id = ?",
  forget: `DELETE FROM updates WHERE done = 1 AND id IN ${IDS}`,
  forgetAll: "DELETE FROM updates WHERE done = 1",
  active:
    "INSERT INTO journal_meta (key, value) VALUES ('active', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  lastActive: "SELECT value FROM journal_meta WHERE key = 'active'",
  bury:
    "INSERT INTO dead (id, key, body, attempts, reason, at) SELECT id, key, body, ?, ?, ? FROM updates WHERE id = ?",
  removeOne: "DELETE FROM updates WHERE id = ?",
  // The latest DEAD_KEPT dead letters are kept, as the memory journal keeps them.
  trimDead: "DELETE FROM dead WHERE seq <= (SELECT MAX(seq) FROM dead) - ?",
  held: "SELECT id, key, body, attempts FROM updates WHERE done = 0 ORDER BY seq",
  acked: "SELECT id FROM updates WHERE done = 1 ORDER BY seq",
  dead: "SELECT id, key, body, attempts, reason FROM dead ORDER BY seq",
};

type Statements = { readonly [name in keyof typeof STATEMENTS]: StatementSync };

interface Row {
  id: number;
  key: string;
  body: string;
}

function recordOf(row: Row): JournalRecord {
  return { id: row.id, key: row.key, update: JSON.parse(row.body) as Update };
}

/**
 * A {@link Journal} in a SQLite file: WAL mode, one transaction per appended batch, handled updates
 * emptied (their ids remembered for a while, then deleted), dead letters in a table of their own. Everything is
 * synchronous (`DatabaseSync`): a commit in WAL mode is a write to the log, not a wait for the disk,
 * and it survives the process being killed (not a power cut: `synchronous = NORMAL`).
 *
 * One process owns the file: what it holds is also kept in memory (read on `open`), so taking a
 * lane's updates reads no row back. Attempts are group-committed: those of one turn of the event loop
 * go into one transaction before their handlers run. Acks ride along with the next transaction, or are
 * written on their own after 50 ms (one lost to a crash only means that update is handled again).
 */
export class SqliteJournal implements Journal {
  /** Always true: what is appended survives the process. */
  readonly durable = true;
  /** The database file (`:memory:` for a journal that lives as long as the process). */
  readonly path: string;
  #db: DatabaseSync | undefined;
  #sql: Statements | undefined;
  #store = new LaneStore();
  // Ids of acked updates remembered (oldest first), so a repeated delivery is left out.
  #acked = new Set<number>();
  #ackedOrder = new Deque<number>();
  // Pending for the next transaction: attempts by id (how many, almost always 1), and acks.
  #attempts = new Map<number, number>();
  // Attempts whose handlers wait for the next #write, with the failure each left behind (see attempt).
  #awaited = new Map<number, { readonly error: unknown } | undefined>();
  // Of those, the ones another transaction committed before their own write was refused.
  #carried = new Set<number>();
  #acks: number[] = [];
  // First attempts written with their append, not counted in memory yet (see append).
  #attemptWritten = new Set<number>();
  #written: Deferred<void> | undefined;
  #lateAcks: ReturnType<typeof setTimeout> | undefined;
  // Done rows no longer remembered, deleted TRIM_EVERY at a time.
  #forget: number[] = [];
  // Writes committed with the acks of the updates they cover (see stage).
  #staging = new StagedWrites();
  #stagedTimer: ReturnType<typeof setTimeout> | undefined;
  // Set when this tick's transaction must also commit the staged writes that may commit.
  #flushSoon = false;
  // Told of the records held again when a write committed with their acks was refused.
  #returned: ((records: readonly TakenRecord[]) => void) | undefined;
  // When the file last recorded a transaction (to the minute).
  #activeWritten = Number.NEGATIVE_INFINITY;

  /**
   * Creates the journal; nothing is opened until `open()` (which the loop calls).
   *
   * @param path the database file; created when missing.
   * @throws {BadInput} when `path` is not a non-empty string.
   */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new BadInput("journal", "a database file path");
    this.path = path;
  }

  /**
   * Opens (or creates) the file and its tables, and reads what it holds. `node:sqlite` is loaded only
   * now, so that importing this module (or bundling it) never needs a runtime that has it.
   */
  async open(): Promise<void> {
    if (this.#db) return;
    const db = await openSqlite(this.path, SCHEMA);
    // Opened meanwhile by another call: that one is kept.
    if (this.#db) return db.close();
    const { sql, store, acked } = setUp(db, this.path, () => {
      // A file from before acks marked rows done: its acked rows were deleted, so none is done yet.
      const columns = db.prepare("SELECT name FROM pragma_table_info('updates')").all() as unknown as {
        name: string;
      }[];
      if (!columns.some((column) => column.name === "done")) {
        db.exec("ALTER TABLE updates ADD COLUMN done INTEGER NOT NULL DEFAULT 0");
      }
      const sql = Object.fromEntries(
        Object.entries(STATEMENTS).map(([name, text]) => [name, db.prepare(text)]),
      ) as unknown as Statements;
      // Left alone longer than Telegram keeps an update, the acked ids it remembers can come again only
      // as a new sequence's (Telegram starts one after a week without updates): they are forgotten.
      const active = (sql.lastActive.get() as { value: number } | undefined)?.value;
      if (active !== undefined && Date.now() - active > UPDATE_LIFETIME_MS) sql.forgetAll.run();
      this.#activeWritten = active ?? Number.NEGATIVE_INFINITY;
      const store = new LaneStore();
      for (const row of sql.held.all() as unknown as (Row & { attempts: number })[]) {
        store.add(recordOf(row), row.attempts);
      }
      const acked = sql.acked.all() as unknown as { id: number }[];
      return { sql, store, acked };
    });
    this.#db = db;
    this.#sql = sql;
    this.#store = store;
    this.#acked = new Set();
    this.#ackedOrder = new Deque();
    this.#forget = [];
    for (const row of acked) this.#remember(row.id);
  }

  /**
   * Inserts the batch in one transaction; returns the records that were neither held nor acked. The
   * first attempt at the head of each lane that `startsAtOnce` is written with it (see
   * {@link Journal.append}).
   */
  append(records: readonly JournalRecord[], startsAtOnce?: (key: string) => boolean): JournalRecord[] {
    const sql = this.#statements();
    const store = this.#store;
    const fresh: JournalRecord[] = [];
    const values: (number | string)[] = [];
    const heads: number[] = [];
    try {
      // Added to the store as they are looked at, so that the store tells whether one heads its lane;
      // taken out again if they cannot all be written.
      for (const record of records) {
        const { id, key } = record;
        if (store.has(id) || this.#acked.has(id) || this.#staging.waiting(id)) continue;
        const head = startsAtOnce !== undefined && !store.holds(key) && startsAtOnce(key);
        store.add(record);
        fresh.push(record);
        values.push(id, key, JSON.stringify(record.update), head ? 1 : 0);
        if (head) heads.push(id);
      }
      if (fresh.length === 0) return fresh;
      this.#transaction(() => {
        let row = 0;
        for (const rows of INSERT_ROWS) {
          const statement = sql[`insert${rows}`];
          for (; fresh.length - row >= rows; row += rows) {
            statement.run(...values.slice(row * 4, (row + rows) * 4));
          }
        }
      });
    } catch (error) {
      for (const record of fresh) store.remove(record.id);
      throw error;
    }
    for (const id of heads) this.#attemptWritten.add(id);
    return fresh;
  }

  /** The lane's oldest unacked records (from memory). */
  take(key: string, limit: number): readonly TakenRecord[] {
    this.#statements();
    return this.#store.take(key, limit);
  }

  /**
   * Adds one attempt; resolves with the count once it is committed, in one transaction with the other
   * attempts (and acks) of this tick. A first attempt the append wrote already is counted at once. When
   * the transaction is refused (the file locked past busy_timeout, a full disk) it rejects, and the
   * attempt does not count: no handler ran, so it is neither in the file nor in memory.
   */
  attempt(id: number): Promise<number> | number {
    this.#statements();
    // A new attempt: what a refusal spoiled was the attempt before.
    this.#staging.spoiled(id);
    const failure = this.#store.failure(id);
    const count = this.#store.attempt(id);
    // Written with the append, which the receiver was about to attempt at once.
    if (this.#attemptWritten.delete(id)) return count;
    if (count > 0) {
      this.#attempts.set(id, (this.#attempts.get(id) ?? 0) + 1);
      this.#awaited.set(id, failure);
    }
    return this.#write().then(() => count, (error) => {
      // Another transaction of its tick committed it: it counts, so its handler runs.
      if (this.#carried.delete(id)) return count;
      throw error;
    });
  }

  /**
   * Marks the update handled (committed with the attempts of this tick, or the next write). When writes
   * were staged with it (see {@link stage}), its ack is committed with them: within 50 ms while more of
   * its lane is held (one write then covers them all); else at once, resolving once committed, as for
   * an update that was tried before (a crash caught it). `false` when those writes were refused before
   * it finished: it stays held, and its lane takes it again.
   */
  ack(id: number): Promise<void> | false | undefined {
    if (this.#staging.spoiled(id)) return false;
    if (this.#staging.covers(id)) return this.#ackStaged(id);
    const record = this.#store.remove(id);
    if (!record) return undefined;
    this.#remember(id);
    this.#acks.push(id);
    // Acks ride along with the next transaction (the lane's next attempt, the next append); only when
    // none comes soon are they written on their own.
    this.#lateAcks ??= setTimeout(() => {
      this.#lateAcks = undefined;
      this.#write().catch(() => {
        // Kept pending: written by the next transaction that commits, or handled again after a crash.
      });
    }, ACK_DELAY);
    return undefined;
  }

  /**
   * Commits `write` with the ack of update `id`, so that both are committed or neither: what a SQLite
   * storage in the same file does with a delegate's state. One write may cover several updates (the
   * state after all of them): it is committed with all their acks, once they have all finished,
   * together with every other write that covers one of them. A write that is refused, and every write
   * that depends on it, is told through `failed`; the updates they covered are not recorded as
   * handled and are taken again. A dead-lettered update counts as finished for its writes.
   */
  stage(id: number, write: StagedWrite): void {
    this.#statements();
    this.#staging.add(id, write);
  }

  /** Commits now every staged write whose updates have finished, with their acks. */
  flush(): void {
    this.#statements();
    clearTimeout(this.#stagedTimer);
    this.#stagedTimer = undefined;
    this.#commitStaged();
  }

  /**
   * Forgets every acked update (their rows too): the ids of a new sequence may be those of old ones,
   * and Telegram sends nothing of the old sequence again.
   */
  restart(): void {
    const sql = this.#statements();
    this.#transaction(() => sql.forgetAll.run());
    this.#acked = new Set();
    this.#ackedOrder = new Deque();
    this.#forget = [];
  }

  /** Moves the update to the `dead` table. */
  deadLetter(id: number, attempts: number, reason: string): void {
    const sql = this.#statements();
    this.#staging.spoiled(id);
    const covered = this.#staging.covers(id);
    this.#staging.finish(id, undefined);
    this.#transaction(() => {
      sql.bury.run(attempts, reason, Date.now(), id);
      sql.removeOne.run(id);
      sql.trimDead.run(DEAD_KEPT);
    });
    this.#store.remove(id);
    if (covered) {
      // The writes that waited for it may commit now, with the acks of the updates they cover.
      this.#flushSoon = true;
      this.#write().catch(() => {
        // Kept staged: committed by the next flush, or handled again after a crash.
      });
    }
  }

  /**
   * Tells `deliver` of the records held again after their acks were undone: the writes to be committed
   * with those acks were refused after the updates had finished (see {@link stage}).
   */
  returned(deliver: (records: readonly TakenRecord[]) => void): void {
    this.#returned = deliver;
  }

  /** Every unacked record, lane by lane in order. */
  unacked(): JournalRecord[] {
    this.#statements();
    return this.#store.records();
  }

  /** The `dead` table (the latest 1000), oldest first. */
  deadLetters(): DeadLetter[] {
    const sql = this.#statements();
    const rows = sql.dead.all() as unknown as (Row & { attempts: number; reason: string })[];
    return rows.map((row) => ({ ...recordOf(row), attempts: row.attempts, reason: row.reason }));
  }

  /**
   * Writes pending attempts and acks, and the staged writes whose updates have finished, and closes
   * the file. Other staged writes are dropped (and told, as of a refusal): their updates are handled
   * again, by the next loop or after a restart.
   */
  close(): void {
    if (!this.#db) return;
    try {
      if (this.#pending()) this.#transaction(() => {});
      this.#commitStaged();
    } finally {
      clearTimeout(this.#lateAcks);
      this.#lateAcks = undefined;
      clearTimeout(this.#stagedTimer);
      this.#stagedTimer = undefined;
      this.#staging.clear(
        new TelepotException("the journal closed before the updates this state save waited for were handled"),
      );
      this.#attemptWritten.clear();
      this.#returned = undefined;
      this.#db.close();
      this.#db = undefined;
      this.#sql = undefined;
      this.#store = new LaneStore();
    }
  }

  #statements(): Statements {
    if (!this.#sql) throw new BadInput("journal", "an opened journal (it was closed or never opened)");
    return this.#sql;
  }

  #pending(): boolean {
    return this.#attempts.size > 0 || this.#acks.length > 0;
  }

  #remember(id: number): void {
    if (this.#acked.has(id)) return;
    this.#acked.add(id);
    this.#ackedOrder.push(id);
    if (this.#ackedOrder.size > ACKED_KEPT) {
      const old = this.#ackedOrder.shift()!;
      this.#acked.delete(old);
      this.#forget.push(old);
    }
  }

  // One transaction for whatever is pending, at the end of this turn of the event loop: every attempt
  // and ack of the handlers that ran in it (e.g. all the replies that arrived together), and the staged
  // writes when an ack asked for them.
  #write(): Promise<void> {
    if (this.#written) return this.#written.promise;
    const written = this.#written = deferred<void>();
    setImmediate(() => {
      this.#written = undefined;
      const staged = this.#flushSoon;
      this.#flushSoon = false;
      const awaited = this.#awaited;
      this.#awaited = new Map();
      try {
        // The staged writes' transaction carries what is pending; a second one only if none committed.
        if (this.#db && staged) this.flush();
        if (this.#db && this.#pending()) this.#transaction(() => {});
        written.resolve();
      } catch (error) {
        // What was not committed stays staged, for the next transaction to try again.
        if (staged) this.#flushSoon = true;
        this.#takeBack(awaited);
        written.reject(error);
      }
    });
    return written.promise;
  }

  // The attempts whose write was refused, and which no transaction carried since (a refused one puts
  // back what it carried), do not count: their handlers do not run, so a later transaction must not
  // record them, nor the lane read them as attempts the process ended during.
  #takeBack(awaited: ReadonlyMap<number, { readonly error: unknown } | undefined>): void {
    for (const [id, failure] of awaited) {
      const pending = this.#attempts.get(id);
      if (pending === undefined) {
        this.#carried.add(id);
        continue;
      }
      if (pending > 1) this.#attempts.set(id, pending - 1);
      else this.#attempts.delete(id);
      this.#store.unattempt(id, failure);
    }
  }

  // Pending attempts and acks are written first, in the same transaction as `work`; if it fails they
  // stay pending for the next one.
  #transaction(work: () => void): void {
    const db = this.#db!;
    const sql = this.#sql!;
    const attempts = this.#attempts;
    const acks = this.#acks;
    this.#attempts = new Map();
    this.#acks = [];
    const forget = this.#forget.length >= TRIM_EVERY ? this.#forget : undefined;
    try {
      db.exec("BEGIN IMMEDIATE");
      if (attempts.size > 0) {
        const once: number[] = [];
        for (const [id, n] of attempts) n === 1 ? once.push(id) : sql.attemptMore.run(n, id);
        this.#each(sql.attemptOne, sql.attempt, once);
      }
      this.#each(sql.ackOne, sql.ack, acks);
      if (forget) sql.forget.run(JSON.stringify(forget));
      const now = Date.now();
      const active = now - this.#activeWritten > ACTIVE_EVERY;
      if (active) sql.active.run(now);
      work();
      db.exec("COMMIT");
      if (active) this.#activeWritten = now;
    } catch (error) {
      // BEGIN may have failed (the file locked past busy_timeout), and after some errors (a full disk)
      // SQLite has rolled back by itself: then there is nothing to roll back.
      try {
        db.exec("ROLLBACK");
      } catch {
        // No transaction was open.
      }
      for (const [id, n] of this.#attempts) attempts.set(id, (attempts.get(id) ?? 0) + n);
      this.#attempts = attempts;
      this.#acks = acks.concat(this.#acks);
      throw error;
    }
    if (forget) this.#forget = this.#forget === forget ? [] : this.#forget.slice(forget.length);
    if (this.#acks.length === 0 && this.#lateAcks !== undefined) {
      clearTimeout(this.#lateAcks);
      this.#lateAcks = undefined;
    }
  }

  #ackStaged(id: number): Promise<void> | undefined {
    const record = this.#store.remove(id);
    if (!record) return undefined;
    this.#staging.finish(id, record);
    // Committed at once, and the lane waits for it: when nothing of its chat follows that one save could
    // cover too, and when it was tried before a crash (so that it is never blamed for another).
    if (record.attempts > 1 || !this.#store.holds(record.key)) {
      this.#flushSoon = true;
      return this.#write().catch(() => {
        // Kept staged: committed by the next flush, or handled again after a crash.
      });
    }
    this.#stagedTimer ??= setTimeout(() => {
      this.#stagedTimer = undefined;
      try {
        this.#commitStaged();
      } catch {
        // Kept staged: committed by the next flush, or handled again after a crash.
      }
    }, STAGED_DELAY);
    return undefined;
  }

  // One transaction for the staged writes that may commit and their acks; a refused write is dropped
  // with what depends on it, its finished updates held again, and the rest tried again.
  #commitStaged(): void {
    const sql = this.#sql!;
    for (;;) {
      const { writes, acks } = this.#staging.ready();
      if (writes.length === 0) return;
      let refused: { write: StagedWrite; error: unknown } | undefined;
      try {
        this.#transaction(() => {
          for (const write of writes) {
            try {
              write.write(this.#db!);
            } catch (error) {
              refused = { write, error };
              throw error;
            }
          }
          this.#each(sql.ackOne, sql.ack, acks);
        });
      } catch (error) {
        if (refused === undefined) throw error;
        const failure = { error: refused.error };
        const { held, unfinished } = this.#staging.refuse([refused.write], refused.error);
        for (const id of unfinished) this.#store.fail(id, failure);
        this.#store.restore(held, failure);
        if (held.length > 0) this.#returned?.(held);
        continue;
      }
      this.#staging.committed(writes);
      for (const id of acks) this.#remember(id);
    }
  }

  #each(one: StatementSync, many: StatementSync, ids: readonly number[]): void {
    if (ids.length === 1) one.run(ids[0]);
    else if (ids.length > 1) many.run(JSON.stringify(ids));
  }
}

export type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";
export type { StagedWrite } from "./staged_writes.ts";

/** A SQLite journal in the file at `path`, for `messageLoop`'s `journal` option. */
export function sqliteJournal(path: string): SqliteJournal {
  return new SqliteJournal(path);
}
