import { BadInput } from "../exception/bad_input.ts";

/** Where a Redis journal lives and how it shares the work. Times are in seconds. */
export interface RedisJournalOptions {
  /** The server, as `redis://host:port` (a database number may follow: `redis://host:port/2`). */
  readonly url: string;
  /** Prefix of every key the journal writes: one per bot. Default `"telepot"`. */
  readonly name?: string;
  /**
   * Streams the updates are spread over, by chat. Each is handled by one worker at a time, so this
   * bounds how many workers can share the work. Fixed for the life of a deployment: a chat must always
   * land in the same stream. Default 16.
   */
  readonly partitions?: number;
  /**
   * How long a worker's hold on a partition (and the polling leader's on polling) lasts unless renewed
   * (renewed three times as often). A worker that dies is replaced after at most this long. Default 10.
   */
  readonly leaseSeconds?: number;
  /**
   * Entries each stream keeps at most (`XADD … MAXLEN ~`): a bound on memory, and on the backlog of
   * unhandled updates, since trimming does not look at what was acked. Default 100,000.
   */
  readonly maxLength?: number;
  /** How long a partition handed to another worker waits for the handlers running on it. Default 30. */
  readonly drainSeconds?: number;
  /** How long an appended update id is remembered, so a repeat of it is not handled twice. Default 86,400. */
  readonly seenSeconds?: number;
}

/** The options with every default filled in and checked. */
export interface RedisSettings {
  /** The server's URL. */
  readonly url: string;
  /** The key prefix. */
  readonly name: string;
  /** Number of partition streams. */
  readonly partitions: number;
  /** Lease duration, ms. */
  readonly leaseMs: number;
  /** Entries kept per stream. */
  readonly maxLength: number;
  /** Longest wait for running handlers when a partition is handed over, ms. */
  readonly drainMs: number;
  /** How long an appended id is remembered, s. */
  readonly seenSeconds: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new BadInput(`options.${name}`, "a positive integer");
  return value;
}

function positiveSeconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new BadInput(`options.${name}`, "a positive, finite number of seconds");
  }
  return value;
}

/**
 * Checks the options and fills in the defaults.
 *
 * @throws {BadInput} on a missing URL or a malformed number.
 */
export function redisSettings(options: RedisJournalOptions): RedisSettings {
  if (typeof options !== "object" || options === null) throw new BadInput("options", "an object with a url");
  const { url } = options;
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) {
    throw new BadInput("options.url", "a redis:// or rediss:// URL");
  }
  const name = options.name ?? "telepot";
  if (typeof name !== "string" || name === "") throw new BadInput("options.name", "a non-empty string");
  return {
    url,
    name,
    partitions: positiveInteger(options.partitions, 16, "partitions"),
    leaseMs: positiveSeconds(options.leaseSeconds, 10, "leaseSeconds") * 1000,
    maxLength: positiveInteger(options.maxLength, 100_000, "maxLength"),
    drainMs: positiveSeconds(options.drainSeconds, 30, "drainSeconds") * 1000,
    seenSeconds: Math.ceil(positiveSeconds(options.seenSeconds, 86_400, "seenSeconds")),
  };
}
