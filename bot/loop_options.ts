import type { Update } from "../api/types.gen.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { Journal } from "./journal.ts";
import type { QueueItem, UpdateQueue } from "./update_queue.ts";

/** A queue object in telepot's style: `get()` resolves with the next item. */
export interface GettableQueue {
  /** The next item, waiting for one. */
  get(): Promise<QueueItem> | QueueItem;
}

/** Where a loop takes updates from, other than `getUpdates`. */
export type UpdateSource = UpdateQueue | AsyncIterable<QueueItem> | Iterable<QueueItem> | GettableQueue;

/** Options of `messageLoop`. Times are in seconds. */
export interface MessageLoopOptions {
  /** Seconds between two `getUpdates` calls that did not fill a batch. Default 0.1. */
  readonly relax?: number;
  /** Long-polling `timeout` of `getUpdates`. Default 20. */
  readonly timeout?: number;
  /**
   * Take updates from this queue or iterable (JSON text, UTF-8 bytes or objects) instead of polling.
   * Without it, a bot that has a `webhookHandler` when the loop starts handles what the webhook
   * receives; a loop whose journal hands out records itself (a Redis worker's, see `listen` of
   * {@link Journal}) only handles those; any other bot polls.
   */
  readonly source?: UpdateSource;
  /**
   * Queue only (getUpdates answers in order; `webhookHandler` has options of its own): deliver in
   * `update_id` order, holding gaps up to `maxhold`; a smaller id arriving after a gap was given up on
   * is still handled, unless it is a repeat. Default true.
   */
  readonly ordered?: boolean;
  /** Queue only: seconds an update waits for a missing smaller id. Default 3. */
  readonly maxhold?: number;
  /**
   * Keep the process running until stopped, and stop gracefully on SIGINT/SIGTERM; a string is also
   * printed (e.g. `"Listening ..."`). Default false.
   */
  readonly runForever?: boolean | string;
  /** `getUpdates`' `allowed_updates`. Default: every Update kind the handler can take. */
  readonly allowedUpdates?: readonly string[];
  /** Stops the loop gracefully when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Receives what a handler threw or rejected with, and anything else the loop has to report (an
   * unparsable queue item, a `DeadLetterError` for an update given up on, a `getUpdates` that keeps
   * failing: the first failure of a run and every tenth). It may be async; if it throws or rejects,
   * that is logged. Default: logged with the update id (the token redacted).
   */
  readonly onError?: (error: unknown, update?: Update) => unknown;
  /** Seconds a stop waits for in-flight handlers before confirming what has finished. Default 10. */
  readonly stopTimeout?: number;
  /**
   * Back-off between failed polls, between failed takes from a `source`, and before a chat whose
   * update the journal could not record (a file locked past its busy timeout, Redis away) is tried
   * again, or a `source` item the journal refused is handed on again. Default 0.5 s doubling up to
   * 30 s, with jitter.
   */
  readonly backoff?: BackoffOptions;
  /** Updates per `getUpdates` call, 1–100. Default 100. */
  readonly limit?: number;
  /**
   * Updates received and not yet handled before receiving pauses (polling, or taking from a queue).
   * Default 1000 with the memory journal, 100,000 with a durable one (the backlog waits on disk).
   */
  readonly maxInFlight?: number;
  /**
   * Memory journal only: seconds the oldest unfinished update may keep the `getUpdates` window from
   * moving before the loop confirms past it (reported through `onError`), so that other chats keep
   * receiving: Telegram returns nothing newer until the offset moves. Default 30. `Infinity` never
   * confirms an unfinished update, at the cost of stalling every chat behind a stuck handler. With a
   * durable journal nothing is ever stuck this way.
   */
  readonly stuckAfter?: number;
  /** Stop gracefully on SIGINT and SIGTERM. Default: when `runForever` is set. */
  readonly handleSignals?: boolean;
  /**
   * Where received updates wait until handled. Default: in memory (an update is confirmed to Telegram
   * only once handled). A path string (`"bot.db"`) opens a SQLite journal in that file, loaded on
   * demand from the `./sqlite` entry point (Deno, Node 22.13+, Bun); `sqliteJournal(path)` from there
   * names it directly; any {@link Journal} works. With a durable journal a batch is confirmed as soon
   * as it is journaled, and unfinished updates are handled again on restart, each chat in order.
   */
  readonly journal?: Journal | string;
  /**
   * Attempts at an update before it is dead-lettered: each handling is one, recorded before the handler
   * runs, so a handler that throws, or that ends the process, is tried this many times, then the update
   * is moved to the journal's dead letters and reported as a `DeadLetterError`. Default 3.
   */
  readonly maxAttempts?: number;
}

/** A running loop. */
export interface LoopController {
  /**
   * Stops gracefully: no more receiving; handlers get up to `stopTimeout` seconds (with the memory
   * journal to finish everything received, with a durable one to finish the update each is on), then
   * the final offset is confirmed. Resolves when all that is done (it never rejects; see `done`).
   */
  stop(): Promise<void>;
  /** Settles when the loop has stopped: rejects with the error that ended it (e.g. `UnauthorizedError`). */
  readonly done: Promise<void>;
  /** Number of updates handled so far. */
  readonly handled: number;
}
