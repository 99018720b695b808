import { BadInput } from "../exception/bad_input.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import { checkKey, checkTtl, toJson } from "../storage/memory_storage.ts";
import type { SetOptions, Storage, StoredEntry, Versioned } from "../storage/storage.ts";
import { connect, type Connection } from "./connection.ts";
import { redisSettings } from "./options.ts";

/** Where a {@link RedisStorage} keeps its values. */
export interface RedisStorageOptions {
  /** The server, as `redis://host:port` (a database number may follow: `redis://host:port/2`). */
  readonly url: string;
  /** Prefix of every key the storage writes: one per bot (it may be the journal's). Default `"telepot"`. */
  readonly name?: string;
}

/**
 * A {@link Storage} in Redis, for bots whose workers share one Redis (`redisJournal`): each value is
 * a hash (JSON and version) under `<name>:{state}:<key>`, expiring with `PEXPIRE`; a sorted set indexes
 * the keys for scans by prefix. Every write runs as one Lua script, so its compare-and-set is atomic
 * however many processes write: a stale version is refused with `StateConflict`, and two processes
 * never both save a seed's state as theirs. Writes are acknowledged by Redis (its persistence settings,
 * `appendonly` and `appendfsync`, decide what survives a crash of Redis itself).
 *
 * @example
 * ```ts ignore
 * import { DelegatorBot, persist } from "@telepot/telepot-ts";
 * import { redisJournal, redisStorage } from "@telepot/telepot-ts/redis";
 *
 * const url = "redis://127.0.0.1:6379";
 * const bot = new DelegatorBot(Deno.env.get("BOT_TOKEN")!, []);
 * await persist(bot, redisStorage({ url, name: "mybot" }));
 * bot.messageLoop(undefined, { journal: redisJournal({ url, name: "mybot" }), runForever: true });
 * ```
 */
export class RedisStorage implements Storage {
  /** The server's URL. */
  readonly url: string;
  /** The prefix of every key. */
  readonly name: string;
  readonly #index: string;
  readonly #cellPrefix: string;
  #redis: Connection | undefined;

  /**
   * Creates the storage; nothing is connected until `open()`.
   *
   * @throws {BadInput} on a malformed URL or name.
   */
  constructor(options: RedisStorageOptions) {
    const { url, name } = redisSettings({ url: options?.url, name: options?.name });
    this.url = url;
    this.name = name;
    // One hash tag for the index and every value: the scan script reads them together.
    this.#index = `${name}:{state}`;
    this.#cellPrefix = `${name}:{state}:`;
  }

  /** Connects to the server. */
  async open(): Promise<void> {
    if (!this.#redis) this.#redis = await connect(this.url);
  }

  /** The value and version at `key`, if live. */
  async get(key: string): Promise<Versioned | undefined> {
    checkKey(key);
    const [json, version] = await this.#connection().call("HMGET", this.#cellPrefix + key, "v", "n") as [
      string | null,
      string | null,
    ];
    if (json === null || version === null) return undefined;
    return { value: JSON.parse(json), version: Number(version) };
  }

  /**
   * Writes the value (compare-and-set when `options.version` is given); returns the new version.
   * Bad input throws at once, a conflict rejects.
   */
  set(key: string, value: unknown, options?: SetOptions): Promise<number> {
    const redis = this.#connection();
    checkKey(key);
    const json = toJson(key, value);
    checkTtl(options?.ttl);
    const ttl = options?.ttl === undefined ? "" : Math.max(1, Math.ceil(options.ttl * 1000));
    const expected = options?.version;
    return redis.telepotStateSet(this.#cellPrefix + key, this.#index, key, json, expected ?? "", ttl)
      .then(([ok, version]) => {
        if (!ok) throw new StateConflict(key, expected!, Number(version));
        return Number(version);
      });
  }

  /** Removes the key (compare-and-delete when `version` is given). */
  async delete(key: string, version?: number): Promise<boolean> {
    checkKey(key);
    const [ok, result] = await this.#connection().telepotStateDelete(
      this.#cellPrefix + key,
      this.#index,
      key,
      version ?? "",
    );
    if (!ok) throw new StateConflict(key, version!, Number(result));
    return Number(result) > 0;
  }

  /** The live entries under `prefix`, in key order (byte order of their UTF-8). */
  async scan(prefix: string): Promise<StoredEntry[]> {
    checkKey(prefix, "prefix");
    const flat = await this.#connection().telepotStateScan(this.#index, this.#cellPrefix, prefix);
    const out: StoredEntry[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      out.push({ key: flat[i], value: JSON.parse(flat[i + 1]), version: Number(flat[i + 2]) });
    }
    return out;
  }

  /** Closes the connection once pending replies arrived. */
  async close(): Promise<void> {
    const redis = this.#redis;
    this.#redis = undefined;
    await redis?.quit();
  }

  #connection(): Connection {
    if (!this.#redis) throw new BadInput("storage", "an opened storage (it was closed or never opened)");
    return this.#redis;
  }
}

/** A Redis storage at `options.url`, for `persist(bot, storage)` and sessions. */
export function redisStorage(options: RedisStorageOptions): RedisStorage {
  return new RedisStorage(options);
}
