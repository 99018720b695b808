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
import { TelepotException } from "../exception/telepot_exception.ts";
import type { DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";

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
  readonly wasAcked: StatementSync;
  readonly insert: StatementSync;
  readonly take: StatementSync;
  readonly attempt: StatementSync;
  readonly remove: StatementSync;
  readonly remember: StatementSync;
  readonly trim: StatementSync;
  readonly bury: StatementSync;
  readonly unacked: StatementSync;
  readonly dead: StatementSync;
  readonly savepoint: StatementSync;
  readonly release: StatementSync;
  readonly rollbackTo: StatementSync;
}

interface AckWrite {
  readonly write: (db: DatabaseSync) => void;
  readonly failed: (error: unknown) => void;
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
 */
export class SqliteJournal implements Journal {
  /** Always true: what is appended survives the process. */
  readonly durable = true;
  /** The database file (`:memory:` for a journal that lives as long as the process). */
  readonly path: string;
  #db: DatabaseSync | undefined;
  #sql: Statements | undefined;
  // Acks are written in one transaction before the next read or write, not one commit each.
  #acks: number[] = [];
  #sinceTrim = 0;
  // Writes to commit with an update's ack (see withAck), by update id.
  #withAck = new Map<number, AckWrite[]>();

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
   * Opens (or creates) the file and its tables. `node:sqlite` is loaded only now, so that importing
   * this module (or bundling it) never needs a runtime that has it.
   */
  async open(): Promise<void> {
    if (this.#db) return;
    const { DatabaseSync } = await import("node:sqlite");
    if (this.#db) return;
    const db = new DatabaseSync(this.path);
    db.exec(SCHEMA);
    this.#db = db;
    this.#sql = {
      wasAcked: db.prepare("SELECT 1 FROM acked WHERE id = ?"),
      insert: db.prepare("INSERT OR IGNORE INTO updates (id, key, body) VALUES (?, ?, ?)"),
      take: db.prepare("SELECT id, key, body, attempts FROM updates WHERE key = ? ORDER BY seq LIMIT ?"),
      attempt: db.prepare("UPDATE updates SET attempts = attempts + 1 WHERE id = ? RETURNING attempts"),
      remove: db.prepare("DELETE FROM updates WHERE id = ?"),
      remember: db.prepare("INSERT OR IGNORE INTO acked (id) VALUES (?)"),
      trim: db.prepare(`DELETE FROM acked WHERE n <= (SELECT max(n) FROM acked) - ${ACKED_KEPT}`),
      bury: db.prepare(
        "INSERT INTO dead (id, key, body, attempts, reason, at) "
          + "SELECT id, key, body, ?, ?, ? FROM updates WHERE id = ?",
      ),
      unacked: db.prepare("SELECT id, key, body FROM updates ORDER BY key, seq"),
      dead: db.prepare("SELECT id, key, body, attempts, reason FROM dead ORDER BY seq"),
      savepoint: db.prepare("SAVEPOINT with_ack"),
      release: db.prepare("RELEASE with_ack"),
      rollbackTo: db.prepare("ROLLBACK TO with_ack"),
    };
  }

  /** Inserts the batch in one transaction; returns the records that were neither held nor acked. */
  append(records: readonly JournalRecord[]): JournalRecord[] {
    const sql = this.#statements();
    const fresh: JournalRecord[] = [];
    this.#transaction(() => {
      this.#writeAcks();
      for (const record of records) {
        if (sql.wasAcked.get(record.id) !== undefined) continue;
        const { changes } = sql.insert.run(record.id, record.key, JSON.stringify(record.update));
        if (changes > 0) fresh.push(record);
      }
    });
    return fresh;
  }

  /** The lane's oldest unacked records. */
  take(key: string, limit: number): TakenRecord[] {
    const sql = this.#statements();
    this.#flush();
    const rows = sql.take.all(key, limit) as unknown as (Row & { attempts: number })[];
    return rows.map((row) => ({ ...recordOf(row), attempts: row.attempts }));
  }

  /** Adds one attempt, committed before the handler runs. */
  attempt(id: number): number {
    const sql = this.#statements();
    this.#flush();
    const row = sql.attempt.get(id) as { attempts: number } | undefined;
    return row?.attempts ?? 0;
  }

  /** Marks the update handled (written with the next read or write, or at close). */
  ack(id: number): void {
    this.#acks.push(id);
    if (this.#acks.length === 1) queueMicrotask(() => this.#flush());
  }

  /**
   * Runs `write` on this journal's connection inside the transaction that records update `id` as
   * handled, so that both are committed or neither: what a SQLite storage in the same file does with a
   * delegate's state. If a write for the update throws, every write for it is rolled back, the update
   * is not recorded as handled (so it is taken again) and each `failed` gets the error; a dead-lettered
   * update's writes are dropped the same way.
   */
  withAck(id: number, write: (db: DatabaseSync) => void, failed: (error: unknown) => void): void {
    const writes = this.#withAck.get(id);
    if (writes) writes.push({ write, failed });
    else this.#withAck.set(id, [{ write, failed }]);
  }

  /** Moves the update to the `dead` table. */
  deadLetter(id: number, attempts: number, reason: string): void {
    const sql = this.#statements();
    const staged = this.#withAck.get(id);
    this.#withAck.delete(id);
    for (const { failed } of staged ?? []) {
      failed(new TelepotException(`update ${id} was dead-lettered: ${reason}`));
    }
    this.#transaction(() => {
      this.#writeAcks();
      sql.bury.run(attempts, reason, Date.now(), id);
      sql.remove.run(id);
    });
  }

  /** Every unacked record, lane by lane in order. */
  unacked(): JournalRecord[] {
    const sql = this.#statements();
    this.#flush();
    return (sql.unacked.all() as unknown as Row[]).map(recordOf);
  }

  /** The `dead` table, oldest first. */
  deadLetters(): DeadLetter[] {
    const sql = this.#statements();
    const rows = sql.dead.all() as unknown as (Row & { attempts: number; reason: string })[];
    return rows.map((row) => ({ ...recordOf(row), attempts: row.attempts, reason: row.reason }));
  }

  /** Writes pending acks and closes the file. */
  close(): void {
    if (!this.#db) return;
    this.#flush();
    this.#db.close();
    this.#db = undefined;
    this.#sql = undefined;
  }

  #statements(): Statements {
    if (!this.#sql) throw new BadInput("journal", "an opened journal (it was closed or never opened)");
    return this.#sql;
  }

  #flush(): void {
    if (this.#acks.length === 0 || !this.#db) return;
    this.#transaction(() => this.#writeAcks());
  }

  #writeAcks(): void {
    const sql = this.#sql!;
    const acks = this.#acks;
    if (acks.length === 0) return;
    this.#acks = [];
    for (const id of acks) {
      if (this.#withAck.size > 0 && !this.#writeWithAck(id)) continue;
      sql.remove.run(id);
      sql.remember.run(id);
    }
    this.#sinceTrim += acks.length;
    if (this.#sinceTrim >= TRIM_EVERY) {
      this.#sinceTrim = 0;
      sql.trim.run();
    }
  }

  // The writes staged for update `id`, all in one savepoint: false (and each told) when one failed.
  #writeWithAck(id: number): boolean {
    const writes = this.#withAck.get(id);
    if (!writes) return true;
    this.#withAck.delete(id);
    const db = this.#db!;
    const sql = this.#sql!;
    sql.savepoint.run();
    try {
      for (const { write } of writes) write(db);
      sql.release.run();
      return true;
    } catch (error) {
      sql.rollbackTo.run();
      sql.release.run();
      for (const { failed } of writes) failed(error);
      return false;
    }
  }

  #transaction(work: () => void): void {
    const db = this.#db!;
    db.exec("BEGIN IMMEDIATE");
    try {
      work();
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}

export type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";

/** A SQLite journal in the file at `path`, for `messageLoop`'s `journal` option. */
export function sqliteJournal(path: string): SqliteJournal {
  return new SqliteJournal(path);
}
