/**
 * The SQLite {@link Storage}: persistent state (delegate state, scheduled events, sessions) in a file,
 * through `node:sqlite` (embedded, no dependency). Its own entry point, like the SQLite journal,
 * because `node:sqlite` exists only on Deno 2.2+, Node 22.13+ and Bun; the module loads it only when
 * the storage opens. It may share its file with the SQLite journal (its own table; WAL mode lets both
 * connections write).
 *
 * @example
 * ```ts
 * import { sqliteStorage } from "@telepot/telepot-ts/storage/sqlite";
 * const storage = sqliteStorage(":memory:");
 * await storage.open();
 * const version = storage.set("count", 1, { version: 0 });
 * console.log(storage.get("count")); // { value: 1, version: 1 }
 * storage.set("count", 2, { version });
 * storage.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Journal } from "../bot/journal.ts";
import { SqliteJournal } from "../bot/sqlite_journal.ts";
import { openSqlite, setUp } from "../bot/sqlite_open.ts";
import type { StagedWrite } from "../bot/staged_writes.ts";
import { BadInput } from "../exception/bad_input.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import { checkKey, checkTtl, toJson } from "./memory_storage.ts";
import type { SetOptions, Storage, StoredEntry, Versioned } from "./storage.ts";

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
CREATE TABLE IF NOT EXISTS telepot_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at REAL
) WITHOUT ROWID;
`;

// Expired rows read as absent at once and are deleted every PURGE_EVERY writes.
const PURGE_EVERY = 1000;

interface Statements {
  readonly get: StatementSync;
  readonly version: StatementSync;
  readonly insert: StatementSync;
  readonly update: StatementSync;
  readonly upsert: StatementSync;
  readonly remove: StatementSync;
  readonly removeAt: StatementSync;
  readonly scan: StatementSync;
  readonly purge: StatementSync;
}

// Over an expired row, as over none: version 1, as the other storages give it (and as a save made with
// an acknowledgement, which returns its version beforehand, counts on).
const INSERT = "INSERT INTO telepot_state (key, value, version, expires_at) VALUES (?, ?, 1, ?) "
  + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = 1, "
  + "expires_at = excluded.expires_at WHERE expires_at IS NOT NULL AND expires_at <= ? "
  + "RETURNING version";
const LIVE = "(expires_at IS NULL OR expires_at > ?)";
const UPDATE =
  `UPDATE telepot_state SET value = ?, version = version + 1, expires_at = ? WHERE key = ? AND version = ? AND ${LIVE} RETURNING version`;

// The compare-and-set written with an ack: its new version is known beforehand, so it needs no
// RETURNING (which makes SQLite buffer the result), only the count of rows it changed.
const UPDATE_WITH_ACK =
  `UPDATE telepot_state SET value = ?, version = version + 1, expires_at = NULL WHERE key = ? AND version = ? AND ${LIVE}`;

interface AckStatements {
  readonly insert: StatementSync;
  readonly update: StatementSync;
  readonly version: StatementSync;
  readonly put: StatementSync;
  readonly remove: StatementSync;
}

// The compare-and-set statements prepared once per journal connection, for writes made with its acks.
const onJournal = new WeakMap<DatabaseSync, AckStatements>();

function ackStatements(db: DatabaseSync): AckStatements {
  let statements = onJournal.get(db);
  // The table exists: the storage created it when it opened the same file.
  if (!statements) {
    statements = {
      insert: db.prepare(INSERT),
      update: db.prepare(UPDATE_WITH_ACK),
      version: db.prepare(`SELECT version FROM telepot_state WHERE key = ? AND ${LIVE}`),
      put: db.prepare(
        "INSERT INTO telepot_state (key, value, version, expires_at) VALUES (?, ?, 1, NULL) "
          + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1, expires_at = NULL",
      ),
      remove: db.prepare("DELETE FROM telepot_state WHERE key = ?"),
    };
    onJournal.set(db, statements);
  }
  return statements;
}

// The state of one key staged with the acks of the updates it includes: later saves of the key replace
// its value until it is committed, written once, as one compare-and-set. Once the journal has sealed it,
// saves with another update go into a new write (so that it waits for no more updates); a save with
// none (an event) still replaces its value, which the journal reads only as it writes. Keys written
// and deleted after it (the events a handling scheduled, see setAfter; a handled event's, see
// deleteAfter) go in its transaction.
class StagedState implements StagedWrite {
  readonly key: string;
  readonly expected: number;
  json: string;
  sealed = false;
  readonly puts = new Map<string, { json: string; readonly dropped?: () => void }>();
  readonly deletes: string[] = [];
  readonly #told: ((error: unknown) => void)[] = [];
  readonly #staged: Map<string, StagedState>;
  readonly #putIn: Map<string, StagedState>;

  constructor(
    key: string,
    expected: number,
    json: string,
    staged: Map<string, StagedState>,
    putIn: Map<string, StagedState>,
  ) {
    this.key = key;
    this.expected = expected;
    this.json = json;
    this.#staged = staged;
    this.#putIn = putIn;
  }

  tell(failed: (error: unknown) => void): void {
    if (!this.#told.includes(failed)) this.#told.push(failed);
  }

  write(db: DatabaseSync): void {
    const now = Date.now();
    const statements = ackStatements(db);
    const written = this.expected === 0
      ? statements.insert.get(this.key, this.json, null, now) !== undefined
      : Number(statements.update.run(this.json, this.key, this.expected, now).changes) === 1;
    if (written) {
      for (const [key, put] of this.puts) statements.put.run(key, put.json);
      for (const key of this.deletes) statements.remove.run(key);
      return;
    }
    const found = statements.version.get(this.key, now) as { version: number } | undefined;
    throw new StateConflict(this.key, this.expected, found?.version ?? 0);
  }

  // A refusal drops every later write of the key too: each listener hears of it once.
  failed(error: unknown, heard: Set<unknown>): void {
    for (const failed of this.#told) {
      if (heard.has(failed)) continue;
      heard.add(failed);
      failed(error);
    }
    for (const put of this.puts.values()) put.dropped?.();
  }

  done(): void {
    if (this.#staged.get(this.key) === this) this.#staged.delete(this.key);
    for (const key of this.puts.keys()) if (this.#putIn.get(key) === this) this.#putIn.delete(key);
  }
}

interface Row {
  key: string;
  value: string;
  version: number;
}

// The keys under `prefix` sort (SQLite compares their UTF-8 bytes, which keeps code point order) between
// it and it followed by the last code point, which no key uses after a prefix.
function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/**
 * A {@link Storage} in a SQLite file: one row per key, versions checked and bumped in the same
 * statement (so a compare-and-set is atomic across processes sharing the file), WAL mode. Synchronous
 * (`DatabaseSync`): a write is committed when `set` returns, and survives the process being killed.
 */
export class SqliteStorage implements Storage {
  /** The database file (`:memory:` for a storage that lives as long as the process). */
  readonly path: string;
  #db: DatabaseSync | undefined;
  #sql: Statements | undefined;
  #writes = 0;
  // Saves staged with a journal's acks, not committed yet, by key; the keys written with them (see
  // setAfter), and the save each goes with; and that journal.
  readonly #staged = new Map<string, StagedState>();
  readonly #putIn = new Map<string, StagedState>();
  #journal: SqliteJournal | undefined;

  /**
   * Creates the storage; nothing is opened until `open()`.
   *
   * @param path the database file; created when missing.
   * @throws {BadInput} when `path` is not a non-empty string.
   */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new BadInput("path", "a database file path");
    this.path = path;
  }

  /** Opens (or creates) the file and its table; `node:sqlite` is loaded only now. */
  async open(): Promise<void> {
    if (this.#db) return;
    const db = await openSqlite(this.path, SCHEMA);
    // Opened meanwhile by another call: that one is kept.
    if (this.#db) return db.close();
    this.#sql = setUp(db, this.path, () => ({
      get: db.prepare(`SELECT value, version FROM telepot_state WHERE key = ? AND ${LIVE}`),
      version: db.prepare(`SELECT version FROM telepot_state WHERE key = ? AND ${LIVE}`),
      insert: db.prepare(INSERT),
      update: db.prepare(UPDATE),
      upsert: db.prepare(
        "INSERT INTO telepot_state (key, value, version, expires_at) VALUES (?, ?, 1, ?) "
          + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, "
          + "version = CASE WHEN expires_at IS NOT NULL AND expires_at <= ? THEN 1 ELSE version + 1 END "
          + "RETURNING version",
      ),
      remove: db.prepare("DELETE FROM telepot_state WHERE key = ?"),
      removeAt: db.prepare(`DELETE FROM telepot_state WHERE key = ? AND version = ? AND ${LIVE}`),
      scan: db.prepare(
        `SELECT key, value, version FROM telepot_state WHERE key >= ? AND key < ? AND ${LIVE} ORDER BY key`,
      ),
      purge: db.prepare("DELETE FROM telepot_state WHERE expires_at IS NOT NULL AND expires_at <= ?"),
    }));
    this.#db = db;
  }

  /** The value and version at `key`, if live. */
  get(key: string): Versioned | undefined {
    checkKey(key);
    this.#commitStaged(key);
    const row = this.#statements().get.get(key, Date.now()) as Row | undefined;
    return row && { value: JSON.parse(row.value), version: row.version };
  }

  /**
   * Writes the value (compare-and-set when `options.version` is given); returns the new version. A
   * save that follows a save staged with an update's acknowledgement (naming the version that one
   * returned, the update not finished yet: a delegate handling an event right after a message) joins
   * it: the value is committed with that acknowledgement. So does a plain write of a key that waits to
   * be written with such a save (see {@link setAfter}): its value replaces the one waiting.
   */
  set(key: string, value: unknown, options?: SetOptions): number {
    const sql = this.#statements();
    checkKey(key);
    const json = toJson(key, value);
    const staged = options?.ttl === undefined ? this.#stagedBefore(key, options?.version, true) : undefined;
    if (staged !== undefined) {
      staged.json = json;
      return staged.expected + 1;
    }
    const put = options?.version === undefined && options?.ttl === undefined
      ? this.#putIn.get(key)
      : undefined;
    if (put !== undefined) {
      put.puts.get(key)!.json = json;
      return 1;
    }
    this.#commitStaged(key);
    const expiresAt = checkTtl(options?.ttl);
    const expires = expiresAt === Infinity ? null : expiresAt;
    const now = Date.now();
    this.#purgeNow(now);
    const expected = options?.version;
    let row: { version: number } | undefined;
    if (expected === undefined) row = sql.upsert.get(key, json, expires, now) as typeof row;
    else if (expected === 0) row = sql.insert.get(key, json, expires, now) as typeof row;
    else row = sql.update.get(json, expires, key, expected, now) as typeof row;
    if (row === undefined) throw new StateConflict(key, expected!, this.#version(key, now));
    return row.version;
  }

  /**
   * When `journal` is the SQLite journal of this storage's file: writes the value in the transaction
   * that acknowledges `updateId` (one commit for both, instead of one each), if the stored version is
   * still `version` then; if not, `failed` gets a `StateConflict` and the update stays unacknowledged.
   * Saves of one key that follow each other (each naming the version the one before returned) before
   * the journal commits are written once, with all their updates' acks: the last value wins.
   * Otherwise `undefined`.
   */
  setWithAck(
    journal: Journal,
    updateId: number,
    key: string,
    value: unknown,
    version: number,
    failed: (error: unknown) => void,
  ): number | undefined {
    if (!(journal instanceof SqliteJournal) || journal.path !== this.path || this.path === ":memory:") {
      return undefined;
    }
    this.#statements();
    checkKey(key);
    const json = toJson(key, value);
    const previous = this.#stagedBefore(key, version, false);
    const staged = previous ?? new StagedState(key, version, json, this.#staged, this.#putIn);
    // First, since a closed journal refuses: then nothing here has changed.
    journal.stage(updateId, staged);
    if (previous !== undefined) staged.json = json;
    else this.#staged.set(key, staged);
    staged.tell(failed);
    this.#journal = journal;
    return staged.expected + 1;
  }

  /**
   * Removes the key (compare-and-delete when `version` is given). A key that waits to be written with a
   * staged save (see {@link setAfter}) is taken out of it instead.
   */
  delete(key: string, version?: number): boolean {
    const sql = this.#statements();
    checkKey(key);
    const put = version === undefined ? this.#putIn.get(key) : undefined;
    if (put !== undefined) {
      put.puts.delete(key);
      this.#putIn.delete(key);
      return true;
    }
    this.#commitStaged(key);
    const now = Date.now();
    if (version === undefined) {
      // An expired row goes too, but it was not there to remove.
      const live = this.#version(key, now) !== 0;
      sql.remove.run(key);
      return live;
    }
    if (version === 0) {
      const found = this.#version(key, now);
      if (found !== 0) throw new StateConflict(key, 0, found);
      return false;
    }
    if (Number(sql.removeAt.run(key, version, now).changes) > 0) return true;
    throw new StateConflict(key, version, this.#version(key, now));
  }

  /**
   * Writes `key` (unconditionally) with the save of `after` staged with an acknowledgement (see
   * {@link setWithAck}), in the transaction that commits it, while one waits; else at once. When that
   * save is refused, or dropped as the journal closes, `key` is not written and `dropped` is told.
   */
  setAfter(key: string, value: unknown, after: string, dropped?: () => void): void {
    this.#statements();
    checkKey(key);
    const json = toJson(key, value);
    const staged = this.#staged.get(after);
    if (staged === undefined) {
      this.set(key, value);
      return;
    }
    const waiting = this.#putIn.get(key);
    if (waiting !== undefined) {
      waiting.puts.get(key)!.json = json;
      return;
    }
    staged.puts.set(key, { json, dropped });
    this.#putIn.set(key, staged);
  }

  /**
   * Removes `key` with the save of `after` staged with an acknowledgement (see {@link setWithAck}), in
   * the transaction that commits it, while one waits; else at once. A refused save keeps `key`.
   */
  deleteAfter(key: string, after: string): void {
    checkKey(key);
    const staged = this.#staged.get(after);
    if (staged === undefined) this.delete(key);
    else staged.deletes.push(key);
  }

  /** The live entries under `prefix`, in key order. */
  scan(prefix: string): StoredEntry[] {
    checkKey(prefix, "prefix");
    const waiting = (keys: Iterable<string>) => [...keys].some((key) => key.startsWith(prefix));
    if (waiting(this.#staged.keys()) || waiting(this.#putIn.keys())) this.#journal?.flush();
    const rows = this.#statements().scan.all(prefix, prefixEnd(prefix), Date.now()) as unknown as Row[];
    return rows.map((row) => ({ key: row.key, value: JSON.parse(row.value), version: row.version }));
  }

  /** Closes the file (saves staged with a journal's acks are the journal's to commit). */
  close(): void {
    this.#staged.clear();
    this.#putIn.clear();
    this.#db?.close();
    this.#db = undefined;
    this.#sql = undefined;
  }

  // The save of `key` staged with an acknowledgement that a save naming `version` (the version it will
  // write) follows, if it may still take that save's value: any staged save is uncommitted (it leaves
  // `#staged` as it commits or fails), but a sealed one takes no more updates, only a save without one.
  #stagedBefore(key: string, version: number | undefined, withoutUpdate: boolean): StagedState | undefined {
    const staged = this.#staged.get(key);
    if (staged === undefined || staged.expected + 1 !== version) return undefined;
    return withoutUpdate || !staged.sealed ? staged : undefined;
  }

  // What this storage reads or writes of `key` comes after the saves of it staged before, if they may
  // commit.
  #commitStaged(key: string): void {
    if (this.#staged.has(key) || this.#putIn.has(key)) this.#journal?.flush();
  }

  #version(key: string, now: number): number {
    const row = this.#sql!.version.get(key, now) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  #purgeNow(now: number): void {
    if (++this.#writes % PURGE_EVERY === 0) this.#sql!.purge.run(now);
  }

  #statements(): Statements {
    if (!this.#sql) throw new BadInput("storage", "an opened storage (it was closed or never opened)");
    return this.#sql;
  }
}

export type { Awaitable } from "../bot/journal.ts";
export type { SetOptions, Storage, StoredEntry, Versioned } from "./storage.ts";

/** A SQLite storage in the file at `path` (created when missing), for `persist(bot, storage)` and sessions. */
export function sqliteStorage(path: string): SqliteStorage {
  return new SqliteStorage(path);
}
