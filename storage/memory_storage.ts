import { BadInput } from "../exception/bad_input.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import type { SetOptions, Storage, StoredEntry, Versioned } from "./storage.ts";

interface Cell {
  readonly json: string;
  readonly version: number;
  readonly expiresAt: number;
}

/** Checks a `ttl` option: absent, or a positive finite number of seconds. */
export function checkTtl(ttl: number | undefined): number {
  if (ttl === undefined) return Infinity;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0) {
    throw new BadInput("options.ttl", "a positive number of seconds");
  }
  return Date.now() + ttl * 1000;
}

/**
 * Checks a key (or a scan's prefix): a string of well-formed UTF-16. A lone surrogate has no UTF-8
 * form: a database turns it into U+FFFD, so that `"a\uD800"` and `"a\uDC00"` would be one key there
 * while two in memory; every storage refuses it alike.
 *
 * @throws {BadInput} naming the argument.
 */
export function checkKey(key: string, argument = "key"): void {
  if (typeof key !== "string" || !key.isWellFormed()) {
    throw new BadInput(argument, "a string of well-formed UTF-16 (no lone surrogate)");
  }
}

/**
 * Serializes a value to store, refusing what JSON cannot carry back as it was (a `Date` would come
 * back a string, a `Map` or `Set` an empty object, `NaN` null, a `new Number(5)` a plain 5) and what it
 * cannot carry at all (a BigInt, a cycle). Fields that are `undefined` are left out, as JSON does; an
 * array's `undefined` (a seed's None) comes back null and `-0` comes back 0, which compare as equal.
 *
 * @throws {BadInput} naming the key and what is wrong.
 */
export function toJson(key: string, value: unknown): string {
  let changed: string | undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, function(this: unknown, field: string, converted: unknown) {
      const original = (this as Record<string, unknown>)[field];
      if (typeof converted === "number" && !Number.isFinite(converted)) changed ??= String(converted);
      else if (Array.isArray(this) && leftOut(converted)) changed ??= `${typeof converted} in an array`;
      else if (typeof original === "object" && original !== null && lossy(original)) {
        changed ??= `a ${original.constructor.name}`;
      }
      return converted;
    });
  } catch (error) {
    throw new BadInput(`value of ${key}`, `a JSON-compatible value (${(error as Error).message})`);
  }
  if (changed !== undefined) {
    throw new BadInput(
      `value of ${key}`,
      `a JSON-compatible value, without ${changed} (JSON cannot bring it back)`,
    );
  }
  if (json === undefined) throw new BadInput(`value of ${key}`, "a JSON-compatible value");
  return json;
}

// Built-in objects JSON turns into something else (a string, an empty object, the primitive a boxed one
// holds) without a word.
const LOSSY = [
  Date,
  Map,
  Set,
  WeakMap,
  WeakSet,
  RegExp,
  ArrayBuffer,
  Promise,
  Number,
  String,
  Boolean,
  Symbol,
];

// What JSON leaves out of an object, but writes as null in an array, which cannot leave an item out. An
// undefined item is not among them: it is the port's spelling of telepot's None in a seed
// (`[chatId, undefined]`), which delegate records and stored events hold, and null reads back as one.
function leftOut(value: unknown): boolean {
  return typeof value === "function" || typeof value === "symbol";
}

function lossy(value: object): boolean {
  return ArrayBuffer.isView(value) || LOSSY.some((type) => value instanceof type);
}

/**
 * A {@link Storage} in this process's memory: for tests, and for state that may be lost with the
 * process. Values are kept as JSON, so what is read is a copy, exactly as a database would give it.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from "@telepot/telepot-ts";
 * const storage = new MemoryStorage();
 * const v1 = storage.set("greeting", { text: "hi" }, { version: 0 });
 * storage.set("greeting", { text: "hello" }, { version: v1 });
 * console.log(storage.get("greeting")); // { value: { text: "hello" }, version: 2 }
 * ```
 */
export class MemoryStorage implements Storage {
  readonly #cells = new Map<string, Cell>();

  /** Nothing to open. */
  open(): void {}

  /** The value and version at `key`, if live. */
  get(key: string): Versioned | undefined {
    checkKey(key);
    const cell = this.#live(key);
    return cell && { value: JSON.parse(cell.json), version: cell.version };
  }

  /** Writes the value (compare-and-set when `options.version` is given); returns the new version. */
  set(key: string, value: unknown, options?: SetOptions): number {
    checkKey(key);
    const found = this.#live(key)?.version ?? 0;
    if (options?.version !== undefined && options.version !== found) {
      throw new StateConflict(key, options.version, found);
    }
    const cell = { json: toJson(key, value), version: found + 1, expiresAt: checkTtl(options?.ttl) };
    this.#cells.set(key, cell);
    return cell.version;
  }

  /** Removes the key (compare-and-delete when `version` is given). */
  delete(key: string, version?: number): boolean {
    checkKey(key);
    const found = this.#live(key)?.version ?? 0;
    if (version !== undefined && version !== found) throw new StateConflict(key, version, found);
    return this.#cells.delete(key);
  }

  /** The live entries under `prefix`, in key order. */
  scan(prefix: string): StoredEntry[] {
    checkKey(prefix, "prefix");
    const out: StoredEntry[] = [];
    for (const key of [...this.#cells.keys()].sort()) {
      if (!key.startsWith(prefix)) continue;
      const cell = this.#live(key);
      if (cell) out.push({ key, value: JSON.parse(cell.json), version: cell.version });
    }
    return out;
  }

  /** Nothing to release; the values stay for the next `open`. */
  close(): void {}

  #live(key: string): Cell | undefined {
    const cell = this.#cells.get(key);
    if (cell && cell.expiresAt <= Date.now()) {
      this.#cells.delete(key);
      return undefined;
    }
    return cell;
  }
}

/** A new, empty {@link MemoryStorage}. */
export function memoryStorage(): MemoryStorage {
  return new MemoryStorage();
}
