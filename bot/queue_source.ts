import type { Update } from "../api/types.gen.ts";
import { Backoff, type BackoffOptions, pause } from "./backoff.ts";
import type { GettableQueue, UpdateSource } from "./loop_options.ts";
import { Orderer, type Pending } from "./orderer.ts";
import { parseUpdate } from "./parse_update.ts";
import type { Receiver } from "./receiver.ts";
import { type QueueEntry, UpdateQueue } from "./update_queue.ts";
import { abortable } from "./within.ts";

/** Settings of {@link consumeQueue}. */
export interface QueueOptions {
  /** Deliver in update_id order. */
  readonly ordered: boolean;
  /** Seconds a gap is held. */
  readonly maxhold: number;
  /** Updates received and not yet handled before taking from the queue pauses. */
  readonly maxInFlight: number;
  /** Where unparsable items, failed takes and journal failures are reported. */
  readonly report: (error: unknown, update?: Update) => void;
  /** The waits between failed takes (a `get()` or an iterator's `next()` that threw). */
  readonly backoff?: BackoffOptions;
}

const ENDED = Symbol("ended");
type Taker = (signal: AbortSignal) => Promise<QueueEntry | undefined | typeof ENDED>;

/**
 * Pulls from a foreign queue or iterator. A pull still pending at stop cannot be taken back, so
 * whatever it brings later is handed to `late` rather than lost.
 */
function foreignTaker(
  pull: () => Promise<{ value?: unknown; done?: boolean }>,
  late: (entry: QueueEntry) => void,
): Taker {
  let pending: Promise<{ value?: unknown; done?: boolean }> | undefined;
  return (signal) => {
    pending ??= pull();
    const current = pending;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        current.then((r) => r.done ? undefined : late({ item: r.value as QueueEntry["item"] }), () => {});
        resolve(undefined);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      current.then((r) => {
        if (signal.aborted) return;
        signal.removeEventListener("abort", onAbort);
        pending = undefined;
        resolve(r.done ? ENDED : { item: r.value as QueueEntry["item"] });
      }, (error) => {
        signal.removeEventListener("abort", onAbort);
        pending = undefined;
        reject(error);
      });
    });
  };
}

function takerFor(source: UpdateSource, late: (entry: QueueEntry) => void): Taker {
  if (source instanceof UpdateQueue) return (signal) => source.take(signal);
  if (typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    return foreignTaker(() => iterator.next(), late);
  }
  if (typeof (source as Iterable<unknown>)[Symbol.iterator] === "function") {
    const iterator = (source as Iterable<unknown>)[Symbol.iterator]();
    return foreignTaker(async () => await iterator.next(), late);
  }
  const queue = source as GettableQueue;
  return foreignTaker(async () => ({ value: await queue.get(), done: false }), late);
}

/**
 * An orderer in front of a receiver, for sources without an order of their own (a queue, webhook
 * requests): gaps are held at most `maxhold` seconds; an id below one already delivered is handed on
 * at once unless it was seen (a far-ahead id, or Telegram starting a new sequence, must not make later
 * real updates look late). Each pending update's `done` runs once it is confirmable.
 */
export function orderedIntake(
  receiver: Receiver,
  maxhold: number,
  report: (error: unknown, update?: Update) => void,
  refused?: (update: Update, done?: () => void) => void,
): Orderer {
  const hand = (pending: Pending) => {
    receiver.deliver(pending.update).then(() => pending.done?.(), (error) => {
      report(error, pending.update);
      // A webhook request fails (its sender delivers it again); a queue's item is handed on again.
      if (pending.fail !== undefined) pending.fail(error);
      else refused?.(pending.update, pending.done);
    });
  };
  return new Orderer({
    maxhold,
    deliver: hand,
    late: (pending) => {
      if (receiver.ledger.hasSeen(pending.update.update_id)) {
        receiver.confirmable(pending.update.update_id).then(() => pending.done?.());
      } else {
        hand(pending);
      }
    },
  });
}

/**
 * Feeds the receiver from a queue source until `stop` aborts or the source ends, ordering updates by
 * `update_id` when asked. Taking pauses while `maxInFlight` updates are unfinished, so a long backlog
 * stays in the queue rather than in the receiver. A take that fails (a queue's `get()` or an
 * iterator's `next()` throwing: a queue server unreachable for a while) is reported and tried again
 * after a back-off, as a failed `getUpdates` is; an iterator the failure finished then ends the loop.
 */
export async function consumeQueue(
  source: UpdateSource,
  receiver: Receiver,
  options: QueueOptions,
  stop: AbortSignal,
): Promise<void> {
  // Items the journal refused (a SQLite file locked past its busy timeout, Redis away), in the order
  // they were taken: a queue's item, once taken, is the queue's no more, so they are handed on again,
  // together, after the back-off; what is taken meanwhile waits behind them, keeping each chat's order,
  // and counts against maxInFlight.
  const refused: { update: Update; done?: () => void }[] = [];
  const retries = new Backoff(options.backoff);
  let retrying: ReturnType<typeof setTimeout> | undefined;
  // While a retry's outcome is unknown, what is taken waits behind it as well.
  let inRetry = false;
  const deliver = (update: Update, done?: () => void): void => {
    receiver.deliver(update).then(() => done?.(), (error) => {
      options.report(error, update);
      refuse(update, done);
    });
  };
  const refuse = (update: Update, done?: () => void): void => {
    refused.push({ update, done });
    if (!inRetry) retrying ??= setTimeout(retry, retries.next() * 1000);
  };
  const retry = (): void => {
    retrying = undefined;
    inRetry = true;
    const again = refused.splice(0);
    const outcomes = again.map(({ update, done }) =>
      receiver.deliver(update).then(() => {
        done?.();
        return undefined;
      }, (error: unknown) => ({ error, update, done }))
    );
    Promise.all(outcomes).then((results) => {
      inRetry = false;
      const failed = results.filter((r) => r !== undefined);
      if (failed.length === 0) {
        retries.reset();
        // What was taken meanwhile goes on at once.
        if (refused.length > 0) retrying ??= setTimeout(retry, 0);
        return;
      }
      options.report(failed[0].error, failed[0].update);
      // Back at the front, before what was taken meanwhile.
      refused.unshift(...failed.map(({ update, done }) => ({ update, done })));
      retrying ??= setTimeout(retry, retries.next() * 1000);
    });
  };
  const orderer = options.ordered
    ? orderedIntake(receiver, options.maxhold, options.report, refuse)
    : undefined;
  const take = (entry: QueueEntry): void => {
    let update: Update;
    try {
      update = parseUpdate(entry.item);
    } catch (error) {
      options.report(error);
      entry.done?.();
      return;
    }
    if (refused.length > 0 || inRetry) return refuse(update, entry.done);
    if (orderer) {
      orderer.push({ update, done: entry.done });
      return;
    }
    deliver(update, entry.done);
  };
  // An item a foreign source yields after the stop is still handed on: the receiver outlives the loop.
  const taker = takerFor(source, take);
  const backoff = new Backoff(options.backoff);
  while (!stop.aborted) {
    // Updates held behind a gap count too: they wait in memory as much as those being handled.
    while (
      receiver.backlog + (orderer?.holding ?? 0) + refused.length >= options.maxInFlight && !stop.aborted
    ) {
      // Refused items wait too: their retry, once it is taken in, changes the receiver.
      const released = orderer !== undefined && orderer.holding > 0 ? [orderer.released()] : [];
      await abortable(Promise.race([receiver.changed(), ...released]), stop);
    }
    if (stop.aborted) break;
    let entry: Awaited<ReturnType<Taker>>;
    try {
      entry = await taker(stop);
    } catch (error) {
      options.report(error);
      await pause(backoff.next(), stop);
      continue;
    }
    backoff.reset();
    if (entry === ENDED || entry === undefined) break;
    take(entry);
  }
  orderer?.flush();
}
