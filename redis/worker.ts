import type { Update } from "../api/types.gen.ts";
import { Deque } from "../bot/deque.ts";
import type { JournalRecord, TakenRecord } from "../bot/journal.ts";
import { fieldsOf, RedisReceiverJournal } from "./appender.ts";
import { connect, type Connection } from "./connection.ts";
import { GROUP } from "./keys.ts";
import type { RedisJournalOptions } from "./options.ts";

// Entries read from the streams at a time, and how long a read waits for new ones (ms): ownership
// changes happen between reads, so this is also how long a hand-over may wait for the reader.
const READ_COUNT = 500;
const READ_BLOCK_MS = 200;
// Records read and not yet handled, at most: beyond that the backlog waits in Redis.
const HELD_MAX = 10_000;
// Pending entries of a held partition checked per turn for ones no process is handling.
const SWEEP_COUNT = 100;

interface Entry {
  readonly record: JournalRecord;
  readonly partition: number;
  readonly entryId: string;
  attempts: number;
}

interface Owned {
  readonly index: number;
  // Being handed over: nothing more is taken from it; released once what was taken is done.
  drainUntil: number | undefined;
  // Where the next sweep for abandoned entries starts.
  sweep: string;
  // Taken over and not yet read through: where claiming what earlier owners left goes on. New
  // entries are read only after that, so each chat stays in order.
  claim: string | undefined;
  readonly taken: Set<number>;
  // Until when the lease surely holds (ms since epoch): its last renewal's sending time plus the lease.
  // Past it (this process stalled), another worker may own the partition already.
  validUntil: number;
  // A lane was refused its next record because the lease might have lapsed: that lane has ended and
  // nothing wakes it but this journal handing its records on again once a renewal shows the lease held.
  refused: boolean;
}

type StreamEntry = [string, string[] | null];

/**
 * The Redis journal as a worker process sees it: `messageLoop(handler, { journal: redisJournal(…) })`.
 * The worker holds a lease on some of the partition streams (its share of the partitions among the
 * live workers, renewed, taken over by others when it expires), reads them through the consumer group
 * and hands the records to its receiver, each chat in order; an update is acked (`XACK`) once its
 * handler has finished. A partition taken over starts with what its previous owner left unacked
 * (`XAUTOCLAIM`), so a dead worker's updates are handled again, in order, before newer ones. When
 * workers join, the ones holding more than their share hand partitions over: they stop taking from
 * them, wait for what is running, then release the lease; a worker that stops does the same.
 */
export class RedisWorkerJournal extends RedisReceiverJournal {
  /** This worker's consumer name in the group and its lease value: unique per process. */
  readonly consumer: string = `w-${crypto.randomUUID()}`;
  #reader: Connection | undefined;
  #deliver: ((records: readonly JournalRecord[]) => void) | undefined;
  #owned = new Map<number, Owned>();
  #lanes = new Map<string, Deque<Entry>>();
  #entries = new Map<number, Entry>();
  #running: Promise<void> | undefined;
  #stopped = false;
  #nextTurn = 0;
  #renewing: ReturnType<typeof setInterval> | undefined;

  /**
   * Checks the options; connects only at `open`.
   *
   * @throws {BadInput} on malformed options.
   */
  constructor(options: RedisJournalOptions) {
    super(options);
  }

  /** Partitions this worker holds now. */
  get partitions(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Starts taking a share of the partitions; their records go to `deliver`. */
  listen(deliver: (records: readonly JournalRecord[]) => void): void {
    this.#deliver = deliver;
    this.#running ??= this.#run();
  }

  /** The lane's next record, if its partition is held and not being handed over (one at a time). */
  override take(key: string, _limit: number): readonly TakenRecord[] {
    const entry = this.#lanes.get(key)?.peek();
    if (!entry) return [];
    const owned = this.#owned.get(entry.partition);
    if (!owned || owned.drainUntil !== undefined) return [];
    // Nothing more while the lease may have lapsed (this process stalled): the next renewal tells, and
    // hands the lane its records again (see #renew).
    if (Date.now() >= owned.validUntil) {
      owned.refused = true;
      return [];
    }
    owned.taken.add(entry.record.id);
    return [{ ...entry.record, attempts: entry.attempts }];
  }

  /** Counts an attempt (kept in Redis, so a worker taking over knows it). */
  override async attempt(id: number): Promise<number> {
    const attempts = await super.attempt(id);
    const entry = this.#entries.get(id);
    if (entry) entry.attempts = attempts;
    return attempts;
  }

  /**
   * Acks the entry in its stream's group and forgets its attempts. Forgotten here only once Redis has
   * it: an ack that fails leaves the entry at the head of its lane, which then stops (a journal
   * failure) rather than go on to the chat's next updates with this one still pending in Redis.
   */
  override async ack(id: number): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    await this.redis.multi([
      ["xack", this.keys.stream(entry.partition), GROUP, entry.entryId],
      ["hdel", this.keys.attempts, id],
    ]).exec();
    this.#forget(id);
  }

  /** Moves the update to the dead-letter stream and acks it. */
  override async deadLetter(id: number, attempts: number, reason: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const { record } = entry;
    await this.redis.multi([
      [
        "xadd",
        this.keys.dead,
        "MAXLEN",
        "~",
        this.settings.maxLength,
        "*",
        "id",
        id,
        "key",
        record.key,
        "u",
        JSON.stringify(record.update),
        "attempts",
        attempts,
        "reason",
        reason,
      ],
      ["xack", this.keys.stream(entry.partition), GROUP, entry.entryId],
      ["hdel", this.keys.attempts, id],
    ]).exec();
    this.#forget(id);
  }

  /** The records read by this worker and not acked yet, each lane in order. */
  override unacked(): readonly JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const lane of this.#lanes.values()) for (const entry of lane) out.push(entry.record);
    return out;
  }

  /**
   * Hands every partition back: stops reading, releases the leases (what was read and not handled
   * stays pending in Redis for the next owner) and leaves the worker set. The receiver calls it once
   * the handlers running have finished.
   */
  override async close(): Promise<void> {
    this.#stopped = true;
    await this.#running?.catch(() => {});
    clearInterval(this.#renewing);
    this.#running = undefined;
    const held = [...this.#owned.keys()];
    if (held.length > 0 && this.#isOpen()) {
      await this.redis.telepotRelease(held.length, ...held.map((i) => this.keys.lease(i)), this.consumer);
    }
    if (this.#isOpen()) await this.redis.call("ZREM", this.keys.workers, this.consumer);
    for (const index of held) this.#drop(index);
    await this.#reader?.quit();
    this.#reader = undefined;
    await super.close();
  }

  #isOpen(): boolean {
    try {
      return this.redis !== undefined;
    } catch {
      return false;
    }
  }

  async #run(): Promise<void> {
    this.#reader = await connect(this.settings.url);
    this.#renewing = setInterval(() => this.#renew().catch(() => {}), this.settings.leaseMs / 3);
    // Registered first, partitions taken a turn later: workers started together then count each other
    // before taking their shares, instead of the first one taking everything and handing most back.
    await this.#renew();
    this.#nextTurn = Date.now() + this.settings.leaseMs / 3;
    while (!this.#stopped) {
      try {
        if (Date.now() >= this.#nextTurn) {
          this.#nextTurn = Date.now() + this.settings.leaseMs / 3;
          await this.#balance();
        }
        await this.#read();
      } catch (error) {
        // Redis unreachable for a moment: the client reconnects; leases lapse if it lasts.
        const message = error instanceof Error ? error.message : String(error);
        console.error("telepot: redis worker:", message);
        // Redis came back empty (no persistence, a fresh replica): the groups go, the streams come back
        // with the receivers' next appends, and the groups must come back too.
        if (message.includes("NOGROUP")) await this.createGroups(this.redis).catch(() => {});
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async #read(): Promise<void> {
    // Not from a partition whose lease may have lapsed (this process stalled): another worker may own
    // it already, and what this one read would sit pending under its name until swept, two leases on.
    // The next renewal tells; the read after it goes on.
    const now = Date.now();
    const active = [...this.#owned.values()].filter((o) => o.drainUntil === undefined && now < o.validUntil);
    if (this.#entries.size >= HELD_MAX) {
      await new Promise((r) => setTimeout(r, READ_BLOCK_MS));
      return;
    }
    const claiming = active.find((o) => o.claim !== undefined);
    if (claiming) return await this.#claim(claiming);
    const reading = active.map((o) => o.index);
    if (reading.length === 0) {
      await new Promise((r) => setTimeout(r, READ_BLOCK_MS));
      return;
    }
    // Nor waits for new entries past the time the leases surely hold (renewals come long before it,
    // unless Redis is slow to answer them).
    const left = Math.min(...active.map((o) => o.validUntil)) - now;
    const reply = await this.#reader!.call(
      "XREADGROUP",
      "GROUP",
      GROUP,
      this.consumer,
      "COUNT",
      READ_COUNT,
      "BLOCK",
      Math.max(1, Math.floor(Math.min(READ_BLOCK_MS, this.settings.leaseMs / 6, left))),
      "STREAMS",
      ...reading.map((i) => this.keys.stream(i)),
      ...reading.map(() => ">"),
    ) as [string, StreamEntry[]][] | null;
    if (!reply) return;
    for (const [stream, entries] of reply) {
      const index = Number(stream.slice(stream.lastIndexOf(":") + 1));
      this.#hold(index, entries, new Map());
    }
  }

  // Heartbeat and leases, on a timer of their own, so that a slow turn of the reader loop can neither
  // let a lease lapse nor make the others count this worker out.
  async #renew(): Promise<void> {
    await this.redis.call("ZADD", this.keys.workers, Date.now() + this.settings.leaseMs, this.consumer);
    const held = [...this.#owned.keys()];
    if (held.length === 0) return;
    const leases = held.map((i) => this.keys.lease(i));
    const asked = Date.now();
    const kept = await this.redis.telepotRenew(held.length, ...leases, this.consumer, this.settings.leaseMs);
    held.forEach((index, i) => {
      // Lost (this process stalled longer than the lease): another worker owns it now.
      if (kept[i] !== 1) return this.#drop(index);
      const owned = this.#owned.get(index);
      if (owned === undefined) return;
      owned.validUntil = asked + this.settings.leaseMs;
      // Lanes refused while the lease might have lapsed go on now. Whether one was refused is what
      // counts, not whether the lease had lapsed when this renewal was sent: a renewal sent just before
      // and answered after a long turn (handlers burning CPU) finds lanes refused in between, and they
      // were never woken again, their updates pending in Redis under this live worker for good. Not
      // while this renewal is already too old to vouch for the lease: they would only be refused again.
      if (owned.refused && Date.now() < owned.validUntil) {
        owned.refused = false;
        this.#deliver?.(
          [...this.#entries.values()].filter((e) => e.partition === index).map((e) => e.record),
        );
      }
    });
  }

  // Count of live workers, hand-over of surplus partitions and taking of free ones.
  async #balance(): Promise<void> {
    const { leaseMs, partitions, drainMs } = this.settings;
    const now = Date.now();
    const [, , live] = await this.redis.multi([
      ["zadd", this.keys.workers, now + leaseMs, this.consumer],
      ["zremrangebyscore", this.keys.workers, "-inf", now],
      ["zcard", this.keys.workers],
    ]).exec() as [unknown, unknown, [unknown, number]];
    const share = Math.ceil(partitions / Math.max(1, live[1]));

    const done = [...this.#owned.values()].filter((o) =>
      o.drainUntil !== undefined && (o.taken.size === 0 || now >= o.drainUntil)
    ).map((o) => o.index);
    if (done.length > 0) {
      await this.redis.telepotRelease(done.length, ...done.map((i) => this.keys.lease(i)), this.consumer);
      for (const index of done) this.#drop(index);
    }

    const active = [...this.#owned.values()].filter((o) => o.drainUntil === undefined);
    const draining = this.#owned.size - active.length;
    if (active.length > share && draining === 0) {
      for (const owned of active.slice(share)) owned.drainUntil = now + drainMs;
    }

    await this.#sweep();
    if (this.#owned.size >= share) return;
    const start = Math.floor(Math.random() * partitions);
    for (let k = 0; k < partitions && this.#owned.size < share; k++) {
      const index = (start + k) % partitions;
      if (this.#owned.has(index)) continue;
      const asked = Date.now();
      const got = await this.redis.call("SET", this.keys.lease(index), this.consumer, "NX", "PX", leaseMs);
      if (got === "OK") this.#takeOver(index, asked + leaseMs);
    }
  }

  // A partition just leased: everything its earlier owners read and did not ack comes first, in order,
  // claimed a batch at a time between reads (so a long backlog neither fills memory nor delays renewal).
  #takeOver(index: number, validUntil: number): void {
    this.#owned.set(index, {
      index,
      drainUntil: undefined,
      taken: new Set(),
      sweep: "0-0",
      claim: "0-0",
      validUntil,
      refused: false,
    });
  }

  async #claim(owned: Owned): Promise<void> {
    const [next, entries] = await this.redis.call(
      "XAUTOCLAIM",
      this.keys.stream(owned.index),
      GROUP,
      this.consumer,
      0,
      owned.claim!,
      "COUNT",
      READ_COUNT,
    ) as [string, StreamEntry[]];
    owned.claim = next === "0-0" ? undefined : next;
    await this.#holdClaimed(owned.index, entries);
    if (owned.claim === undefined) await this.#forgetConsumers(owned.index);
  }

  // Every process that ever read a stream stays in its group as a consumer: once a partition's
  // leftovers are claimed, the consumers with nothing pending there are removed (a process that is
  // still alive is added again by its next read).
  async #forgetConsumers(index: number): Promise<void> {
    const stream = this.keys.stream(index);
    const consumers = await this.redis.call("XINFO", "CONSUMERS", stream, GROUP) as string[][];
    const idle = consumers.map(fieldsOf).filter((c) => c.name !== this.consumer && Number(c.pending) === 0);
    if (idle.length === 0) return;
    await Promise.all(idle.map((c) => this.redis.call("XGROUP", "DELCONSUMER", stream, GROUP, c.name)));
  }

  async #holdClaimed(index: number, entries: StreamEntry[]): Promise<void> {
    const live = entries.filter((e) => e[1] !== null && !this.#entries.has(Number(fieldsOf(e[1]).id)));
    if (live.length === 0) return;
    const ids = live.map(([, list]) => fieldsOf(list!).id);
    const counts = await this.redis.call("HMGET", this.keys.attempts, ...ids) as (string | null)[];
    this.#hold(index, live, new Map(ids.map((id, i) => [Number(id), Number(counts[i] ?? 0)])));
  }

  // A process that stalled past its lease may still have read from a partition after this worker took
  // it over (its read sent just before the stall): such entries sit pending under that process, which
  // then drops them. Entries of a held partition idle for two leases are claimed (this worker's own are
  // known and left alone). Not on a lease that may have lapsed: that partition may be another's now.
  async #sweep(): Promise<void> {
    for (const owned of this.#owned.values()) {
      if (owned.drainUntil !== undefined || owned.claim !== undefined) continue;
      if (Date.now() >= owned.validUntil) continue;
      const [next, entries] = await this.redis.call(
        "XAUTOCLAIM",
        this.keys.stream(owned.index),
        GROUP,
        this.consumer,
        2 * this.settings.leaseMs,
        owned.sweep,
        "COUNT",
        SWEEP_COUNT,
      ) as [string, StreamEntry[]];
      owned.sweep = next;
      await this.#holdClaimed(owned.index, entries);
    }
  }

  #hold(index: number, entries: StreamEntry[], attempts: Map<number, number>): void {
    const owned = this.#owned.get(index);
    // Read just before the partition was lost: its new owner claims these.
    if (!owned) return;
    const fresh: JournalRecord[] = [];
    for (const [entryId, list] of entries) {
      if (list === null) continue;
      const f = fieldsOf(list);
      const id = Number(f.id);
      if (this.#entries.has(id)) continue;
      const record: JournalRecord = { id, key: f.key, update: JSON.parse(f.u) as Update };
      const entry: Entry = { record, partition: index, entryId, attempts: attempts.get(id) ?? 0 };
      this.#entries.set(id, entry);
      let lane = this.#lanes.get(record.key);
      if (!lane) this.#lanes.set(record.key, lane = new Deque());
      lane.push(entry);
      fresh.push(record);
    }
    if (fresh.length > 0) this.#deliver?.(fresh);
  }

  #forget(id: number): Entry | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    const lane = this.#lanes.get(entry.record.key);
    if (lane) {
      if (lane.peek() === entry) lane.shift();
      else lane.remove(entry);
      if (lane.size === 0) this.#lanes.delete(entry.record.key);
    }
    this.#owned.get(entry.partition)?.taken.delete(id);
    return entry;
  }

  // Forgets a partition handed over or lost: what was read from it stays pending for its next owner.
  #drop(index: number): void {
    const owned = this.#owned.get(index);
    if (!owned) return;
    this.#owned.delete(index);
    // A chat's lane holds entries of its one partition only.
    for (const [key, lane] of this.#lanes) {
      if (lane.peek()?.partition !== index) continue;
      this.#lanes.delete(key);
      for (const entry of lane) this.#entries.delete(entry.record.id);
    }
  }
}
