/** The Redis keys of one journal (one bot), all under its name. */
export interface Keys {
  /** The stream of partition `i`. */
  stream(i: number): string;
  /** The lease on partition `i`: the owning worker's id. */
  lease(i: number): string;
  /** Marks update `id` as appended (with an expiry): a repeat is not appended again. */
  readonly seenPrefix: string;
  /** Hash: update id → attempts recorded. */
  readonly attempts: string;
  /** Stream of dead letters. */
  readonly dead: string;
  /** Sorted set: live workers, scored by when their heartbeat expires. */
  readonly workers: string;
  /** The polling leader's lease. */
  readonly leader: string;
  /** The number of partitions the streams were created with. */
  readonly partitions: string;
}

/** The consumer group every worker reads the partition streams through. */
export const GROUP = "workers";

/** The keys of the journal named `name`. */
export function keysOf(name: string): Keys {
  return {
    stream: (i) => `${name}:p:${i}`,
    lease: (i) => `${name}:lease:${i}`,
    seenPrefix: `${name}:seen:`,
    attempts: `${name}:attempts`,
    dead: `${name}:dead`,
    workers: `${name}:workers`,
    leader: `${name}:leader`,
    partitions: `${name}:partitions`,
  };
}

/** The partition of a lane key: FNV-1a over its UTF-16 code units, so every process agrees. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
