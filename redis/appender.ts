import type { Update } from "../api/types.gen.ts";
import type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "../bot/journal.ts";
import { BadInput } from "../exception/bad_input.ts";
import { connect, type Connection } from "./connection.ts";
import { GROUP, type Keys, keysOf, partitionOf } from "./keys.ts";
import { type RedisJournalOptions, type RedisSettings, redisSettings } from "./options.ts";

/** Field list of a stream entry (`[name, value, …]`) as an object. */
export function fieldsOf(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

/**
 * The Redis journal as a receiving process sees it (webhook servers, the polling leader): it appends
 * each received batch to the partition streams, in one atomic script that leaves out ids appended
 * before, and holds nothing itself. Workers ({@link RedisWorkerJournal}) handle what it appends.
 */
export class RedisReceiverJournal implements Journal {
  /** Always true: an update is confirmed to Telegram once Redis has it. */
  readonly durable = true;
  /** The checked options. */
  readonly settings: RedisSettings;
  /** The journal's keys. */
  readonly keys: Keys;
  #redis: Connection | undefined;

  /**
   * Checks the options; connects only at `open`.
   *
   * @throws {BadInput} on malformed options.
   */
  constructor(options: RedisJournalOptions) {
    this.settings = redisSettings(options);
    this.keys = keysOf(this.settings.name);
  }

  /**
   * Connects, and creates each partition's stream and consumer group if missing.
   *
   * @throws {BadInput} when the journal's streams were created with another number of partitions
   * (each chat must stay in its partition).
   */
  async open(): Promise<void> {
    if (this.#redis) return;
    const redis = await connect(this.settings.url);
    const { partitions } = this.settings;
    let created: number;
    try {
      await redis.call("SET", this.keys.partitions, partitions, "NX");
      created = Number(await redis.call("GET", this.keys.partitions));
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    if (created !== partitions) {
      redis.disconnect();
      throw new BadInput("options.partitions", `${created}, the number this journal was created with`);
    }
    try {
      await this.createGroups(redis);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    this.#redis = redis;
  }

  /**
   * Creates each partition's stream and consumer group where missing: at open, and again when Redis
   * lost them (restarted empty).
   */
  protected async createGroups(redis: Connection): Promise<void> {
    const groups = [];
    for (let i = 0; i < this.settings.partitions; i++) {
      // From the stream's start: what receivers appended before any worker ran is read too.
      groups.push(
        redis.call("XGROUP", "CREATE", this.keys.stream(i), GROUP, "0", "MKSTREAM").catch((error) => {
          if (!String(error?.message).includes("BUSYGROUP")) throw error;
        }),
      );
    }
    await Promise.all(groups);
  }

  /**
   * Appends the batch to the partition streams (ids appended before are left out). Returns no records:
   * the worker owning a partition receives them from Redis.
   */
  async append(records: readonly JournalRecord[]): Promise<readonly JournalRecord[]> {
    const redis = this.redis;
    if (records.length === 0) return [];
    const { name, seenSeconds, maxLength, partitions } = this.settings;
    const args: (string | number)[] = [name, seenSeconds, maxLength];
    for (const record of records) {
      args.push(partitionOf(record.key, partitions), record.id, record.key, JSON.stringify(record.update));
    }
    await redis.telepotAppend(...args);
    return [];
  }

  /** Nothing is handled here. */
  take(_key: string, _limit: number): Awaitable<readonly TakenRecord[]> {
    return [];
  }

  /** Counts an attempt at update `id`. */
  async attempt(id: number): Promise<number> {
    return Number(await this.redis.call("HINCRBY", this.keys.attempts, id, 1));
  }

  /** Nothing is handled here, so nothing is acked. */
  ack(_id: number): Awaitable<void> {}

  /** Nothing is handled here, so nothing dies here. */
  deadLetter(_id: number, _attempts: number, _reason: string): Awaitable<void> {}

  /** Nothing is held here. */
  unacked(): Awaitable<readonly JournalRecord[]> {
    return [];
  }

  /** Every worker's dead letters (the `<name>:dead` stream), oldest first. */
  async deadLetters(): Promise<readonly DeadLetter[]> {
    const entries = await this.redis.call("XRANGE", this.keys.dead, "-", "+") as [string, string[]][];
    return entries.map(([, list]) => {
      const f = fieldsOf(list);
      return {
        id: Number(f.id),
        key: f.key,
        update: JSON.parse(f.u) as Update,
        attempts: Number(f.attempts),
        reason: f.reason,
      };
    });
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    const redis = this.#redis;
    this.#redis = undefined;
    await redis?.quit();
  }

  /** The open connection. @throws {BadInput} when the journal is not open. */
  get redis(): Connection {
    if (!this.#redis) throw new BadInput("journal", "an opened journal (it was closed or never opened)");
    return this.#redis;
  }
}
