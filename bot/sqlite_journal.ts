/**
 * The SQLite update journal: received updates are kept in a file (through `node:sqlite`, embedded,
 * no dependency) until handled, so a bot that crashes or is stopped resumes them on restart, and
 * Telegram is told about a batch as soon as it is on disk. Its own entry point, because `node:sqlite`
 * exists only on Deno 2.2+, Node 22.5+ and Bun: `messageLoop(handler, { journal: "bot.db" })` loads
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
import type { Update } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { type Deferred, deferred } from "./deferred.ts";
import { Deque } from "./deque.ts";
import type { DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";
import { LaneStore } from "./lane_store.ts";

// Ids of acked updates remembered, so a batch Telegram sends again (its offset not confirmed before a
// crash) is not handled twice; trimmed every TRIM_EVERY acks.
const ACKED_KEPT = 10_000;
const TRIM_EVERY = 1000;

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id INTEGER NOT NULL UNIQUE,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS updates_by_key ON updates (key, seq);
CREATE TABLE IF NOT EXISTS acked (n INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL UNIQUE);
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

interface Statements {
  readonly insert: StatementSync;
  readonly attempt: StatementSync;
  readonly remove: StatementSync;
  readonly remember: StatementSync;
  readonly trim: StatementSync;
  readonly bury: StatementSync;
  readonly held: StatementSync;
  readonly acked: StatementSync;
  readonly dead: StatementSync;
}

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
 * deleted (their ids remembered for a while), dead letters in a table of their own. Everything is
 * synchronous (`DatabaseSync`): a commit in WAL mode is a write to the log, not a wait for the disk,
 * and it survives the process being killed (not a power cut: `synchronous = NORMAL`).
 *
 * One process owns the file: what it holds is also kept in memory (loaded on `open`), so taking a
 * lane's updates reads no row back. Attempts and acks are group-committed: those of one tick go into
 * one transaction, written in a microtask before any handler they concern runs (attempts) or with the
 * next write (acks; an ack lost to a crash only means the update is handled again).
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
  // Written with the next transaction: attempts before their handlers run, acks whenever.
  #attempts: number[] = [];
  #acks: number[] = [];
  #written: Deferred<void> | undefined;
  #sinceTrim = 0;

  /**
   * Creates the journal; nothing is opened until `open()` (which the loop calls).
   *
   * @param path the database file; created when missing.
   * @throws {BadInput} when `path` is not a non-empty string.
   */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") {
      throw new BadInput("journal", "a database file path");
    }
    this.path = path;
  }

  /**
   * Opens (or creates) the file and its tables, and reads what it holds. `node:sqlite` is loaded only
   * now, so that importing this module (or bundling it) never needs a runtime that has it.
   */
  async open(): Promise<void> {
    if (this.#db) return;
    const { DatabaseSync } = await import("node:sqlite");
    if (this.#db) return;
    const db = new DatabaseSync(this.path);
    db.exec(SCHEMA);
    const sql: Statements = {
      insert: db.prepare(
        "INSERT OR IGNORE INTO updates (id, key, body) VALUES (?, ?, ?)",
      ),
      attempt: db.prepare(
        "UPDATE updates SET attempts = attempts + 1 WHERE id = ?",
      ),
      remove: db.prepare("DELETE FROM updates WHERE id = ?"),
      remember: db.prepare("INSERT OR IGNORE INTO acked (id) VALUES (?)"),
      trim: db.prepare(
        `DELETE FROM acked WHERE n <= (SELECT max(n) FROM acked) - ${ACKED_KEPT}`,
      ),
      bury: db.prepare(
        "INSERT INTO dead (id, key, body, attempts, reason, at) "
          + "SELECT id, key, body, ?, ?, ? FROM updates WHERE id = ?",
      ),
      held: db.prepare(
        "SELECT id, key, body, attempts FROM updates ORDER BY seq",
      ),
      acked: db.prepare(
        `SELECT id FROM acked ORDER BY n DESC LIMIT ${ACKED_KEPT}`,
      ),
      dead: db.prepare(
        "SELECT id, key, body, attempts, reason FROM dead ORDER BY seq",
      ),
    };
    const store = new LaneStore();
    for (
      const row of sql.held.all() as unknown as (Row & { attempts: number })[]
    ) {
      store.add(recordOf(row), row.attempts);
    }
    const acked = (sql.acked.all() as unknown as { id: number }[]).map((row) => row.id).reverse();
    this.#db = db;
    this.#sql = sql;
    this.#store = store;
    this.#acked = new Set(acked);
    this.#ackedOrder = new Deque();
    for (const id of acked) this.#ackedOrder.push(id);
  }

  /** Inserts the batch in one transaction; returns the records that were neither held nor acked. */
  append(records: readonly JournalRecord[]): JournalRecord[] {
    const sql = this.#statements();
    const fresh: JournalRecord[] = [];
    const ids = new Set<number>();
    for (const record of records) {
      if (
        this.#store.has(record.id) || this.#acked.has(record.id)
        || ids.has(record.id)
      ) continue;
      ids.add(record.id);
      fresh.push(record);
    }
    if (fresh.length === 0) return fresh;
    this.#transaction(() => {
      for (const record of fresh) {
        sql.insert.run(record.id, record.key, JSON.stringify(record.update));
      }
    });
    for (const record of fresh) this.#store.add(record);
    return fresh;
  }

  /** The lane's oldest unacked records (from memory). */
  take(key: string, limit: number): TakenRecord[] {
    this.#statements();
    return this.#store.take(key, limit);
  }

  /**
   * Adds one attempt; resolves with the count once it is committed, together with the other attempts
   * (and acks) of this tick.
   */
  attempt(id: number): Promise<number> {
    this.#statements();
    const count = this.#store.attempt(id);
    if (count > 0) this.#attempts.push(id);
    return this.#write().then(() => count);
  }

  /** Marks the update handled (committed with the attempts of this tick, or the next write). */
  ack(id: number): void {
    if (!this.#store.remove(id)) return;
    this.#remember(id);
    this.#acks.push(id);
    void this.#write().catch(() => {
      // Kept pending: written with the next transaction that succeeds, or handled again after a crash.
    });
  }

  /** Moves the update to the `dead` table. */
  deadLetter(id: number, attempts: number, reason: string): void {
    const sql = this.#statements();
    this.#transaction(() => {
      sql.bury.run(attempts, reason, Date.now(), id);
      sql.remove.run(id);
    });
    this.#store.remove(id);
  }

  /** Every unacked record, lane by lane in order. */
  unacked(): JournalRecord[] {
    this.#statements();
    return this.#store.records();
  }

  /** The `dead` table, oldest first. */
  deadLetters(): DeadLetter[] {
    const sql = this.#statements();
    const rows = sql.dead
      .all() as unknown as (Row & { attempts: number; reason: string })[];
    return rows.map((row) => ({
      ...recordOf(row),
      attempts: row.attempts,
      reason: row.reason,
    }));
  }

  /** Writes pending attempts and acks and closes the file. */
  close(): void {
    if (!this.#db) return;
    try {
      if (this.#attempts.length > 0 || this.#acks.length > 0) {
        this.#transaction(() => {});
      }
    } finally {
      this.#db.close();
      this.#db = undefined;
      this.#sql = undefined;
      this.#store = new LaneStore();
    }
  }

  #statements(): Statements {
    if (!this.#sql) {
      throw new BadInput(
        "journal",
        "an opened journal (it was closed or never opened)",
      );
    }
    return this.#sql;
  }

  #remember(id: number): void {
    if (this.#acked.has(id)) return;
    this.#acked.add(id);
    this.#ackedOrder.push(id);
    if (this.#ackedOrder.size > ACKED_KEPT) {
      this.#acked.delete(this.#ackedOrder.shift()!);
    }
  }

  // One transaction for whatever is pending, in a microtask: every attempt and ack of this tick.
  #write(): Promise<void> {
    if (this.#written) return this.#written.promise;
    const written = this.#written = deferred<void>();
    queueMicrotask(() => {
      this.#written = undefined;
      try {
        if (this.#db && (this.#attempts.length > 0 || this.#acks.length > 0)) {
          this.#transaction(() => {});
        }
        written.resolve();
      } catch (error) {
        written.reject(error);
      }
    });
    return written.promise;
  }

  // Pending attempts and acks are written first, in the same transaction, and forgotten once it
  // commits (kept for the next one if it fails).
  #transaction(work: () => void): void {
    const db = this.#db!;
    const sql = this.#sql!;
    const attempts = this.#attempts;
    const acks = this.#acks;
    db.exec("BEGIN IMMEDIATE");
    try {
      for (const id of attempts) sql.attempt.run(id);
      for (const id of acks) {
        sql.remove.run(id);
        sql.remember.run(id);
      }
      const trim = this.#sinceTrim + acks.length >= TRIM_EVERY;
      if (trim) sql.trim.run();
      work();
      db.exec("COMMIT");
      this.#sinceTrim = trim ? 0 : this.#sinceTrim + acks.length;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    // Anything pushed while the transaction ran belongs to the next one.
    this.#attempts = this.#attempts === attempts
      ? []
      : this.#attempts.slice(attempts.length);
    this.#acks = this.#acks === acks ? [] : this.#acks.slice(acks.length);
  }
}

export type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";

/** A SQLite journal in the file at `path`, for `messageLoop`'s `journal` option. */
export function sqliteJournal(path: string): SqliteJournal {
  return new SqliteJournal(path);
}
