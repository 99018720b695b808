import type { Update } from "../api/types.gen.ts";
import type { BackoffOptions } from "./backoff.ts";
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
   * Without it, a bot that has a `webhookHandler` reads what the webhook receives; any other bot polls,
   * until a `webhookHandler` is made for it: then the loop reads the webhook instead.
   */
  readonly source?: UpdateSource;
  /**
   * Queue and webhook only (getUpdates answers in order): deliver in `update_id` order, holding gaps
   * up to `maxhold`. Default true.
   */
  readonly ordered?: boolean;
  /** Queue and webhook only: seconds an update waits for a missing smaller id. Default 3. */
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
   * unparsable queue item, an update dropped as late). It may be async; if it throws or rejects, that
   * is logged. Default: logged with the update id (the token redacted).
   */
  readonly onError?: (error: unknown, update?: Update) => unknown;
  /** Seconds a stop waits for in-flight handlers before confirming what has finished. Default 10. */
  readonly stopTimeout?: number;
  /** Back-off between failed polls. Default 0.5 s doubling up to 30 s, with jitter. */
  readonly backoff?: BackoffOptions;
  /** Updates per `getUpdates` call, 1–100. Default 100. */
  readonly limit?: number;
  /** Updates in flight (received, not finished) before polling pauses. Default 1000. */
  readonly maxInFlight?: number;
  /**
   * Seconds a full batch of updates still being handled may hold the offset before the loop confirms
   * past them (reported through `onError`), so that other chats keep receiving: Telegram returns
   * nothing newer until the offset moves. Default 30. `Infinity` never confirms an unfinished update,
   * at the cost of stalling every chat behind a full batch of stuck handlers.
   */
  readonly stuckAfter?: number;
  /** Stop gracefully on SIGINT and SIGTERM. Default: when `runForever` is set. */
  readonly handleSignals?: boolean;
}

/** A running loop. */
export interface LoopController {
  /**
   * Stops gracefully: no more polling, in-flight handlers get up to `stopTimeout` seconds, then the
   * final offset is confirmed. Resolves when all that is done (it never rejects; see `done`).
   */
  stop(): Promise<void>;
  /** Settles when the loop has stopped: rejects with the error that ended it (e.g. `UnauthorizedError`). */
  readonly done: Promise<void>;
  /** Number of updates handled so far. */
  readonly handled: number;
}
