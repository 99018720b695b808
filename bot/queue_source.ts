import { setImmediate } from "node:timers";
import type { Update } from "../api/types.gen.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { Backoff, type BackoffOptions, pause } from "./backoff.ts";
import { deferred } from "./deferred.ts";
import type { GettableQueue, UpdateSource } from "./loop_options.ts";
import { Orderer, type Pending } from "./orderer.ts";
import { parseUpdate } from "./parse_update.ts";
import { RESOLVED } from "./receipt.ts";
import type { Receiver } from "./receiver.ts";
import { type QueueEntry, UpdateQueue } from "./update_queue.ts";
import { abortable, within } from "./within.ts";

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
  /** Seconds the stop waits for what was taken to be journaled (the loop's `stopTimeout`). */
  readonly stopSeconds: number;
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
 * real updates look late). `hand` takes each update in order; a repeat's `done` runs once the first
 * copy is confirmable.
 */
export function orderedIntake(
  receiver: Receiver,
  maxhold: number,
  hand: (pending: Pending) => void,
): Orderer {
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
  // Taken items on their way into the journal, in the order taken, with one append at a time: what is
  // taken while an append runs waits here, so a batch the journal refuses (a SQLite file locked past
  // its busy timeout, Redis away) goes back in front of what came after it, is tried again after the
  // back-off, and each chat's order holds whatever the journal answers. A queue's item, once taken, is
  // the queue's no more: nothing taken is dropped unless the stop comes first (then it is reported).
  const waiting: Pending[] = [];
  const retries = new Backoff(options.backoff);
  // An append is running or due (gathering what is taken meanwhile, or after a back-off).
  let appending = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  // Once the loop has stopped and its drain is over, a refusal is final.
  let stopped = false;
  // Settles at the end of each append, with whether the journal took the batch.
  let settled = deferred<boolean>();
  const send = (pending: Pending): void => {
    waiting.push(pending);
    if (appending) return;
    appending = true;
    // A durable journal takes what this turn brings in one transaction; the memory journal takes each
    // item at once, so a quick handler finishes right here, in the order taken.
    if (receiver.durable) setImmediate(append);
    else append();
  };
  const append = (): void => {
    retryTimer = undefined;
    const batch = waiting.splice(0);
    // A durable journal takes the batch in one transaction; any other takes each update in turn (quick
    // handlers then run in the order taken, across chats too), waiting for one that answers later.
    appendFrom(receiver.durable ? [batch] : batch.map((pending) => [pending]), 0);
  };
  const appendFrom = (parts: readonly Pending[][], first: number): void => {
    for (let i = first; i < parts.length; i++) {
      const received = receiver.receive(parts[i].map((pending) => pending.update));
      if (received === RESOLVED) {
        confirm(parts[i]);
        continue;
      }
      received.then(() => {
        confirm(parts[i]);
        appendFrom(parts, i + 1);
      }, (error: unknown) => refuse(error, parts.slice(i).flat()));
      return;
    }
    retries.reset();
    if (waiting.length === 0) appending = false;
    // What was taken during an append goes in together, with whatever else this turn takes.
    else setImmediate(append);
    settle(true);
  };
  const confirm = (taken: readonly Pending[]): void => {
    for (const { update, done } of taken) if (done) receiver.confirmable(update.update_id).then(done);
  };
  let lastRefusal: unknown;
  const refuse = (error: unknown, items: readonly Pending[]): void => {
    lastRefusal = error;
    options.report(error, items[0].update);
    waiting.unshift(...items);
    if (stopped) abandon(error);
    else retryTimer = setTimeout(append, retries.next() * 1000);
    settle(false);
  };
  // Items the journal still refused when the stop's time ran out: reported one by one, their `done`
  // not called (a queue that redelivers unacknowledged items has them again).
  const abandon = (cause: unknown): void => {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    appending = false;
    for (const { update } of waiting.splice(0)) {
      const message = `update ${update.update_id} was taken from the queue, but the journal refused it `
        + "until the loop stopped: it is not handled";
      options.report(new TelepotException(message, { cause }), update);
    }
  };
  const settle = (took: boolean): void => {
    const current = settled;
    settled = deferred();
    current.resolve(took);
  };
  const orderer = options.ordered ? orderedIntake(receiver, options.maxhold, send) : undefined;
  const take = (entry: QueueEntry): void => {
    let update: Update;
    try {
      update = parseUpdate(entry.item);
    } catch (error) {
      options.report(error);
      entry.done?.();
      return;
    }
    const pending = { update, done: entry.done };
    if (orderer) orderer.push(pending);
    else send(pending);
  };
  // An item a foreign source yields after the stop is still handed on: the receiver outlives the loop.
  const taker = takerFor(source, take);
  const backoff = new Backoff(options.backoff);
  while (!stop.aborted) {
    // Updates held behind a gap count too: they wait in memory as much as those being handled.
    while (
      receiver.backlog + (orderer?.holding ?? 0) + waiting.length >= options.maxInFlight && !stop.aborted
    ) {
      const released = orderer !== undefined && orderer.holding > 0 ? [orderer.released()] : [];
      await abortable(Promise.race([receiver.changed(), settled.promise, ...released]), stop);
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
  // What was taken goes into the receiver before the loop detaches it: the journal is tried until
  // `stopSeconds` have passed, then what it still refuses is reported, and nothing is retried after.
  const deadline = Date.now() + options.stopSeconds * 1000;
  while (appending && Date.now() < deadline) await within(settled.promise, (deadline - Date.now()) / 1000);
  stopped = true;
  if (retryTimer !== undefined) abandon(lastRefusal);
}
