import type { Update } from "../api/types.gen.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { GettableQueue, UpdateSource } from "./loop_options.ts";
import { Orderer } from "./orderer.ts";
import { parseUpdate } from "./parse_update.ts";
import { type QueueEntry, UpdateQueue } from "./update_queue.ts";

/** Settings of {@link consumeQueue}. */
export interface QueueOptions {
  /** Deliver in update_id order. */
  readonly ordered: boolean;
  /** Seconds a gap is held. */
  readonly maxhold: number;
  /** Where unparsable items and late updates are reported. */
  readonly report: (error: unknown, update?: Update) => void;
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
    return foreignTaker(() => Promise.resolve(iterator.next()), late);
  }
  const queue = source as GettableQueue;
  return foreignTaker(async () => ({ value: await queue.get(), done: false }), late);
}

/**
 * Feeds the dispatcher from a queue source until `stop` aborts or the source ends, ordering updates by
 * `update_id` when asked (gaps held at most `maxhold` seconds; later arrivals of skipped ids are
 * reported and discarded, as the reference says).
 */
export async function consumeQueue(
  source: UpdateSource,
  dispatcher: Dispatcher,
  options: QueueOptions,
  stop: AbortSignal,
): Promise<void> {
  const take = (entry: QueueEntry): void => {
    let update: Update;
    try {
      update = parseUpdate(entry.item);
    } catch (error) {
      options.report(error);
      entry.done?.();
      return;
    }
    if (orderer) orderer.push({ update, done: entry.done });
    else dispatcher.dispatch(update, entry.done);
  };
  const orderer = options.ordered
    ? new Orderer({
      maxhold: options.maxhold,
      deliver: (p) => dispatcher.dispatch(p.update, p.done),
      late: (p) => {
        if (!dispatcher.hasSeen(p.update.update_id)) {
          options.report(
            new TelepotException(
              `update ${p.update.update_id} arrived after a larger update_id had been delivered `
                + `(gap held ${options.maxhold} s); discarded`,
            ),
            p.update,
          );
        }
        p.done?.();
      },
    })
    : undefined;
  // An item a foreign source yields after the stop is still handled: the dispatcher outlives the loop.
  const taker = takerFor(source, take);
  while (!stop.aborted) {
    const entry = await taker(stop);
    if (entry === ENDED || entry === undefined) break;
    take(entry);
  }
  orderer?.flush();
}
