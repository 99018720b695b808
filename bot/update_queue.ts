import { Deque } from "./deque.ts";

/** What a queue source may carry: a JSON-serialized Update (text or UTF-8 bytes) or an Update object. */
export type QueueItem = string | Uint8Array | ArrayBuffer | Record<string, unknown>;

/** One queued item and the callback to run once its update has been handled. */
export interface QueueEntry {
  /** The item as put. */
  readonly item: QueueItem;
  /** Called when the update it carries has settled (handled, failed, or dropped as a duplicate). */
  readonly done?: () => void;
}

/**
 * An unbounded first-in first-out queue (O(1) at both ends) of updates between a producer (a webhook, your own code) and
 * `messageLoop({ source: queue })`. Items put while no loop runs are kept until one does.
 *
 * @example
 * ```ts
 * import { UpdateQueue } from "@telepot/telepot-ts";
 * const queue = new UpdateQueue();
 * queue.put('{"update_id":1,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"hi"}}');
 * ```
 */
export class UpdateQueue implements AsyncIterable<QueueItem> {
  // Ring buffers: taking from the front is O(1) however long the backlog.
  #entries = new Deque<QueueEntry>();
  #waiters = new Deque<(entry: QueueEntry) => void>();

  /** Number of items waiting to be taken. */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds an item; `done` (optional) is called once the loop has handled the update it carries. */
  put(item: QueueItem, done?: () => void): void {
    const entry = { item, done };
    const waiter = this.#waiters.shift();
    if (waiter) waiter(entry);
    else this.#entries.push(entry);
  }

  /**
   * Takes the next entry, waiting for one. When `signal` aborts first, resolves with `undefined` and
   * takes nothing.
   */
  take(signal?: AbortSignal): Promise<QueueEntry | undefined> {
    const entry = this.#entries.shift();
    if (entry) return Promise.resolve(entry);
    if (signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (e: QueueEntry) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(e);
      };
      const onAbort = () => {
        this.#waiters.remove(waiter);
        resolve(undefined);
      };
      this.#waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** telepot's `queue.get()`: the next item, waiting for one. */
  async get(): Promise<QueueItem> {
    return (await this.take())!.item;
  }

  /** Iterates over items as they arrive, for ever. */
  async *[Symbol.asyncIterator](): AsyncIterator<QueueItem> {
    while (true) yield await this.get();
  }
}
