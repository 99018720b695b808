import { BadInput } from "../exception/bad_input.ts";
import { Deque } from "./deque.ts";
import { isUpdate } from "./parse_update.ts";

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

  /**
   * Adds an item; `done` (optional) is called once the loop has handled the update it carries. JSON
   * text and bytes are parsed by the loop, which reports to `onError` those that are no Update.
   *
   * @throws {BadInput} when `item` is neither JSON text or bytes nor an Update object (one with an
   *   integer `update_id`), or `done` is given and not a function.
   */
  put(item: QueueItem, done?: () => void): void {
    // An object is checked here, at no cost; text is left unparsed, as parsing is the loop's work.
    const text = typeof item === "string" || item instanceof Uint8Array || item instanceof ArrayBuffer;
    if (!text && !isUpdate(item)) {
      throw new BadInput("item", "a JSON-serialized Update (text or UTF-8 bytes) or an Update object");
    }
    if (done !== undefined && typeof done !== "function") throw new BadInput("done", "a function");
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
