import type { UpdateKind } from "../api/classification.gen.ts";
import type { Update } from "../api/types.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { chatKey } from "./chat_key.ts";
import { UpdateLedger } from "./ledger.ts";
import { rememberOrigin } from "./update_kind.ts";
import { updateKindOf } from "./update_shapes.ts";
import { within } from "./within.ts";

/** Receives each update's payload (a Message, CallbackQuery…) and returns when it is handled or accepted. */
export type PayloadHandler = (payload: unknown, update: Update) => unknown;

/** Called with an error a handler threw (or a rejection) and the update it was handling. */
export type ErrorReporter = (error: unknown, update: Update | undefined) => void;

/** Options of a {@link Dispatcher}. */
export interface DispatcherOptions {
  /** Handles one payload. */
  readonly handle: PayloadHandler;
  /** Where failures of `handle` go. */
  readonly onError: ErrorReporter;
  /** Updates held in flight (received, not yet handled) before {@link Dispatcher.belowCapacity} waits. */
  readonly capacity?: number;
  /** Ids taken and in flight, shared with other loops of the same bot. Default: a fresh ledger. */
  readonly ledger?: UpdateLedger;
}

interface Item {
  readonly update: Update;
  readonly payload: unknown;
  readonly done?: () => void;
}

/**
 * Runs handlers for updates: each `update_id` at most once, updates of one chat in order, different chats
 * concurrently (a handler that never settles holds up only its own chat), failures to `onError`.
 * It knows which updates are still in flight, which is what the offset may never pass.
 */
export class Dispatcher {
  #handle: PayloadHandler;
  #onError: ErrorReporter;
  #capacity: number;
  // One queue per chat key; its head is the update being handled.
  #lanes = new Map<string, Item[]>();
  #ledger: UpdateLedger;
  #handled = 0;

  /** @param options the handler and the error reporter. */
  constructor(options: DispatcherOptions) {
    this.#handle = options.handle;
    this.#onError = options.onError;
    this.#capacity = options.capacity ?? 1000;
    this.#ledger = options.ledger ?? new UpdateLedger();
  }

  /** Number of updates handled (settled) so far. */
  get handled(): number {
    return this.#handled;
  }

  /** The smallest `update_id` still in flight, or `undefined` when everything received has settled. */
  lowestInFlight(): number | undefined {
    return this.#ledger.lowestInFlight();
  }

  /** Whether this `update_id` was already taken (handled or in flight). */
  hasSeen(updateId: number): boolean {
    return this.#ledger.hasSeen(updateId);
  }

  /**
   * Starts handling an update unless its id was seen before. `done` is called once it has settled
   * (also at once for a duplicate). Returns whether the update was taken.
   */
  dispatch(update: Update, done?: () => void): boolean {
    const id = update.update_id;
    if (this.hasSeen(id)) {
      done?.();
      return false;
    }
    this.#ledger.begin(id);
    const record = update as unknown as Record<string, unknown>;
    const kind = updateKindOf(record);
    const payload = kind === undefined ? undefined : record[kind];
    if (typeof payload === "object" && payload !== null) {
      rememberOrigin(payload, { kind: kind as UpdateKind, updateId: id });
    }
    const item = { update, payload, done };
    const key = chatKey(payload);
    if (key === undefined) {
      this.#run(item);
      return true;
    }
    const lane = this.#lanes.get(key);
    if (lane) {
      lane.push(item);
    } else {
      const fresh = [item];
      this.#lanes.set(key, fresh);
      this.#pump(key, fresh);
    }
    return true;
  }

  /** Resolves as soon as any in-flight update settles (or is dispatched). */
  changed(): Promise<void> {
    return this.#ledger.changed();
  }

  /** Resolves when fewer updates than the capacity are in flight. */
  async belowCapacity(signal?: AbortSignal): Promise<void> {
    while (this.#ledger.inFlight >= this.#capacity && !signal?.aborted) {
      await abortable(this.changed(), signal);
    }
  }

  /** Resolves when nothing is in flight, or after `seconds`; returns whether everything settled. */
  async drain(seconds: number): Promise<boolean> {
    const deadline = Date.now() + seconds * 1000;
    while (this.#ledger.inFlight > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await within(this.changed(), left / 1000);
    }
    return true;
  }

  // Sync handlers settle inside dispatch(), so a batch of quick updates is finished (and its offset
  // free to move) before the next poll; only a returned promise makes a lane wait.
  async #pump(key: string, lane: Item[]): Promise<void> {
    while (lane.length > 0) {
      const pending = this.#run(lane[0]);
      if (pending) await pending;
      lane.shift();
    }
    this.#lanes.delete(key);
  }

  /** Runs one handler; returns a promise only when the handler did (or is still running). */
  #run(item: Item): Promise<void> | undefined {
    const { update, payload } = item;
    let result: unknown;
    try {
      // An update carrying nothing (no field besides update_id) has nothing to hand over: say so.
      if (payload === undefined || payload === null) throw new BadFlavor(update);
      result = this.#handle(payload, update);
    } catch (error) {
      this.#fail(error, item);
      return undefined;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== "function") {
      this.#settle(item);
      return undefined;
    }
    return Promise.resolve(result).then(() => this.#settle(item), (error) => this.#fail(error, item));
  }

  #fail(error: unknown, item: Item): void {
    try {
      this.#onError(error, item.update);
    } catch (reportError) {
      console.error("onError failed:", reportError);
    }
    this.#settle(item);
  }

  #settle({ update, done }: Item): void {
    this.#handled++;
    done?.();
    this.#ledger.finish(update.update_id);
  }
}

/** `promise`, or an earlier resolution when `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
