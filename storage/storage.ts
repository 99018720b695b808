import type { Awaitable, Journal } from "../bot/journal.ts";

/** A stored value and its version (1 after the first write, one more after each). */
export interface Versioned<T = unknown> {
  /** The value, as JSON would carry it. */
  readonly value: T;
  /** Its version: compare-and-set writes name the one they read. */
  readonly version: number;
}

/** A stored value with its key, as {@link Storage.scan} lists it. */
export interface StoredEntry<T = unknown> extends Versioned<T> {
  /** The key. */
  readonly key: string;
}

/** How {@link Storage.set} writes. */
export interface SetOptions {
  /**
   * The version the writer read: the write happens only if the value is still at it (0: only if the
   * key is absent), else it throws `StateConflict`. Without it the write is unconditional.
   */
  readonly version?: number;
  /** Seconds until the value expires (then it reads as absent). Without it, it never expires. */
  readonly ttl?: number;
}

/**
 * Where persistent state lives: delegate state, scheduled events, sessions. Small on purpose, so that
 * any database can carry it (a table, a Redis hash, a key-value store): keys are strings of
 * well-formed UTF-16 (no lone surrogate, which has no UTF-8 form), values are JSON-compatible,
 * every key has a version that each write increments, writes may name the version they read (a
 * compare-and-set, which is how two processes are kept from both owning one seed's state), keys can be
 * listed by prefix, and values may expire.
 *
 * Methods may answer at once or with a promise; an embedded store (memory, SQLite) answers at once,
 * which keeps a handled message free of extra turns of the event loop.
 */
export interface Storage {
  /** Prepares the store (opens files, connects); called once before anything else. */
  open(): Awaitable<void>;
  /** The value at `key` and its version, or `undefined` when absent or expired. */
  get(key: string): Awaitable<Versioned | undefined>;
  /**
   * Writes `value` at `key`; returns the new version.
   *
   * @throws {StateConflict} when `options.version` is given and the stored version differs.
   */
  set(key: string, value: unknown, options?: SetOptions): Awaitable<number>;
  /**
   * Removes `key`; returns whether it was there.
   *
   * @throws {StateConflict} when `version` is given and the stored version differs.
   */
  delete(key: string, version?: number): Awaitable<boolean>;
  /**
   * Optional: a compare-and-set like `set(key, value, { version })`, written in the transaction that
   * records update `updateId` as handled in `journal`, so that both are committed or neither. Only a
   * storage that shares a transaction with that journal can (the SQLite storage in the SQLite
   * journal's file); otherwise it returns `undefined` and the caller writes with `set` before the
   * acknowledgement. The version is checked when the transaction commits; `failed` hears of a
   * refusal (a `StateConflict`), and the update then stays unacknowledged and is taken again. Saves
   * of one key in a row (each naming the version the one before returned) may be written as one.
   *
   * @returns the new version, or `undefined` when this storage cannot write with `journal`'s ack.
   */
  setWithAck?(
    journal: Journal,
    updateId: number,
    key: string,
    value: unknown,
    version: number,
    failed: (error: unknown) => void,
  ): number | undefined;
  /**
   * Optional: writes `key` (unconditionally) with what was saved of `after`: with the write of `after`
   * that {@link setWithAck} staged, in its transaction, if one waits to be committed (when that write is
   * refused, `key` is not written and `dropped` is told), else at once, as `set` does. What a storage
   * without it does by `set`, since its saves are committed as they return.
   */
  setAfter?(key: string, value: unknown, after: string, dropped?: () => void): Awaitable<void>;
  /**
   * Optional: removes `key` once what was saved of `after` is committed: with the write of `after` that
   * {@link setWithAck} staged, in its transaction, if one waits to be committed (a refused write keeps
   * `key`), else at once. What a storage without it does by `delete`, since its saves are committed as
   * they return.
   */
  deleteAfter?(key: string, after: string): Awaitable<void>;
  /** Every live entry whose key starts with `prefix`, in key order. */
  scan(prefix: string): Awaitable<readonly StoredEntry[]>;
  /** Releases the store's resources. */
  close(): Awaitable<void>;
}

const METHODS = ["open", "get", "set", "delete", "scan", "close"] as const;

/** Whether `value` has every method of a {@link Storage}. */
export function isStorage(value: unknown): value is Storage {
  return typeof value === "object" && value !== null
    && METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === "function");
}

/** Whether `value` is a promise-like (a storage answered later). */
export function isThenable<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}

/** Runs `next` on `value` at once when it is there, else when its promise resolves. */
export function then<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return isThenable(value) ? value.then(next) : next(value);
}
