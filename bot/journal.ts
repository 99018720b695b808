import type { Update } from "../api/types.gen.ts";

/** A value, or a promise of it: a journal on a local file answers at once, one over a network later. */
export type Awaitable<T> = T | Promise<T>;

/** One received update as a journal keeps it. */
export interface JournalRecord {
  /** The update's `update_id`. */
  readonly id: number;
  /**
   * The lane it belongs to: updates of one key are handled one after another in the order they were
   * appended (the chat, or a key of its own for an update without one). A journal that partitions
   * (Redis Streams) partitions by it.
   */
  readonly key: string;
  /** The update itself. */
  readonly update: Update;
}

/** A record as `take` returns it: with the attempts made at it so far. */
export interface TakenRecord extends JournalRecord {
  /**
   * Attempts recorded (0 for an update never tried): at least those made before the take; a journal
   * may hand out a live record whose count grows with each attempt.
   */
  readonly attempts: number;
  /**
   * Why the last attempt did not count, when the journal knows: a write to be committed with its ack
   * was refused (see `SqliteJournal.stage`). The next attempt is a retry after that failure.
   */
  readonly failure?: { readonly error: unknown };
}

/** An update that was given up on, kept for inspection. */
export interface DeadLetter extends JournalRecord {
  /** Attempts made (each one recorded before the handler ran). */
  readonly attempts: number;
  /** Why: the last failure, or that the process ended during every attempt. */
  readonly reason: string;
}

/**
 * Where received updates wait between "received" and "handled". The receiver appends each received
 * batch, takes each lane's updates in order, records an attempt before a handler runs, and acks when
 * the handler has finished; an update that used up its attempts is moved to the dead letters.
 *
 * The shape fits a store shared by many processes: `append` is one write per batch, `take` reads one
 * partition (a key) in order and may lease what it returns, `attempt` is a delivery counter, `ack`
 * removes, and `unacked` is what a restarted (or another) consumer has to take over.
 */
export interface Journal {
  /**
   * Whether appended updates survive the process. With a durable journal the receiver confirms a
   * batch to Telegram (offset, webhook answer) once `append` has returned; otherwise only once handled.
   */
  readonly durable: boolean;
  /**
   * Prepares the journal (opens files, creates tables). Called once by the receiver before anything
   * else.
   */
  open(): Awaitable<void>;
  /**
   * Appends a batch of received updates, all or none. Returns the records that were new: an id the
   * journal still holds, or acked recently, is left out (Telegram delivers again what it was not told
   * about, and a restarted process must not handle such a repeat twice).
   *
   * `startsAtOnce` tells the lanes the receiver runs as soon as an `append` that answers at once (not
   * with a promise) returns, in the same turn of the event loop: the first new record of such a lane,
   * when the journal held nothing of it before, is attempted then. A durable journal may record that
   * first attempt in the append's own write, and then count it without another write when `attempt`
   * comes.
   */
  append(
    records: readonly JournalRecord[],
    startsAtOnce?: (key: string) => boolean,
  ): Awaitable<readonly JournalRecord[]>;
  /** Up to `limit` unacked records of lane `key`, in append order, starting with the oldest. */
  take(key: string, limit: number): Awaitable<readonly TakenRecord[]>;
  /**
   * Records one more attempt at handling update `id`; returns the count once the attempt is recorded
   * (durably, for a durable journal), which the receiver waits for before running the handler. A
   * journal may group the attempts (and acks) of one tick into one write.
   */
  attempt(id: number): Awaitable<number>;
  /**
   * Update `id` was handled: forget it (but remember its id for a while, see `append`). Returns
   * `false` when it was not acked after all and is held again, its record telling why (`failure`): a
   * write to be committed with the ack was refused before the update finished. Its lane takes it again.
   */
  ack(id: number): Awaitable<void | false>;
  /** Moves update `id` to the dead letters with the reason. */
  deadLetter(id: number, attempts: number, reason: string): Awaitable<void>;
  /** Every unacked record, each lane in order: what a restart resumes. */
  unacked(): Awaitable<readonly JournalRecord[]>;
  /** The dead letters, oldest first. */
  deadLetters(): Awaitable<readonly DeadLetter[]>;
  /** Releases the journal's resources. */
  close(): Awaitable<void>;
  /**
   * A new sequence of update ids began (Telegram numbers from a new, random start after a week without
   * updates): ids the journal remembers as handled no longer mean repeats. Only a journal that
   * remembers handled ids has it.
   */
  restart?(): Awaitable<void>;
  /**
   * Only a journal shared by many processes (a worker's view of Redis Streams) has it: the receiver
   * calls it once, after `open`, and the journal then hands it the records this process is to handle
   * that were appended elsewhere or taken over from a process that ended. Such a journal's `append`
   * returns no records (what it appends reaches its owner through `listen`), and a loop on it receives
   * nothing itself (it neither polls nor waits for a queue): it only handles what is handed to it.
   */
  listen?(deliver: (records: readonly JournalRecord[]) => void): void;
  /**
   * Only a journal whose acks can be undone after they were given has it (SQLite, when a write
   * committed with acks is refused): the receiver calls it once, after `open`, and the journal hands
   * it the records it holds again, which their lanes then take again, in order.
   */
  returned?(deliver: (records: readonly TakenRecord[]) => void): void;
}
