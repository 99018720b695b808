import type { Obj } from "./types.ts";
import { updateExpiry } from "./update_lifetime.ts";

/** Update kinds Telegram leaves out unless a bot asks for them in `allowed_updates`. */
const OPT_IN_KINDS: ReadonlySet<string> = new Set([
  "chat_member",
  "message_reaction",
  "message_reaction_count",
]);

/** How a long poll ended. */
export type PollOutcome = "ready" | "timeout" | "conflict" | "webhook" | "aborted";

interface Waiter {
  resolve(outcome: PollOutcome): void;
}

/** A pending update and its JSON text. */
export interface PendingUpdate {
  /** The update. */
  readonly update: Obj;
  /** Its text, as getUpdates and webhook delivery send it. */
  readonly json: string;
}

/**
 * One bot's pending updates. Update ids are consecutive, so an update's position follows from its id and
 * the queue is a plain array with a moving head (no per-update bookkeeping). Each update is serialized
 * once, when it is created, as the bot is shown it: getUpdates and webhook delivery reuse that text.
 * getUpdates confirms a prefix; webhook delivery, several chats at a time, forgets updates one by one.
 * An update still pending when it expires (see `update_lifetime.ts`) is dropped, as the server drops
 * it: the bot never sees it, and sees its id skipped.
 */
export class UpdateQueue {
  #json: string[] = [];
  #objects: Obj[] = [];
  // When each update expires (the second the server stores), and the earliest of the pending ones: a
  // read looks for expired updates only once the clock has passed it.
  #expiries: number[] = [];
  #nextExpiry = Infinity;
  #head = 0;
  // Ids above the head that were delivered already: skipped, and passed when the head reaches them.
  #forgotten = new Set<number>();
  #firstId: number;
  #nextId: number;
  #allowed: ReadonlySet<string> | null = null;
  #waiter: Waiter | null = null;
  #show: (json: string) => string;
  #lifetimes: Readonly<Record<string, number>>;
  /** Called after every enqueue (webhook delivery hooks in here). */
  onEnqueue: (() => void) | null = null;
  /**
   * Whether update `id` is kept past its expiry: one a webhook is delivering now (the server drops a
   * loaded update only when a failed delivery's next try would come after it expires).
   */
  holds: ((id: number) => boolean) | null = null;

  /**
   * Creates an empty queue.
   * @param firstId id of the first update.
   * @param show turns an update's JSON text into what the bot is shown (its own file ids); as it is by default.
   * @param lifetimes seconds an update of a kind is kept, where not as the server keeps it (see
   *   `UPDATE_LIFETIMES`).
   */
  constructor(
    firstId: number,
    show: (json: string) => string = (json) => json,
    lifetimes: Readonly<Record<string, number>> = {},
  ) {
    this.#firstId = firstId;
    this.#nextId = firstId;
    this.#show = show;
    this.#lifetimes = lifetimes;
  }

  /** Number of updates waiting to be confirmed (expired ones dropped). */
  get pending(): number {
    this.#dropExpired();
    return this.#json.length - this.#head - this.#forgotten.size;
  }

  /** The second pending update `id` expires at (see `updateExpiry`), or undefined when it is not pending. */
  expiryOf(id: number): number | undefined {
    const at = this.#head + id - this.#firstId;
    if (id < this.#firstId || at >= this.#json.length || this.#forgotten.has(id)) return undefined;
    return this.#expiries[at];
  }

  // Forgets the pending updates whose second has passed, once the earliest one's has (TQueue's test:
  // expires_at < now, both whole seconds).
  #dropExpired(): void {
    const now = Math.floor(Date.now() / 1000);
    if (now <= this.#nextExpiry) return;
    let next = Infinity;
    const expired: number[] = [];
    for (let i = this.#head; i < this.#json.length; i++) {
      const id = this.#firstId + i - this.#head;
      if (this.#forgotten.has(id)) continue;
      if (this.#expiries[i] >= now) next = Math.min(next, this.#expiries[i]);
      // One past its time but still being delivered is looked at again next second, not at every call.
      else if (this.holds?.(id) === true) next = Math.min(next, now);
      else expired.push(id);
    }
    this.#nextExpiry = next;
    for (const id of expired) this.forget(id);
  }

  /** Sets the update kinds to keep from now on; an empty list restores the default set. */
  setAllowed(kinds: readonly string[] | undefined): void {
    if (kinds === undefined) return;
    this.#allowed = kinds.length === 0 ? null : new Set(kinds);
  }

  /** The kinds set by `allowed_updates`, or null for the default set. */
  allowedList(): string[] | null {
    return this.#allowed === null ? null : [...this.#allowed];
  }

  /** Whether an update of this kind would be queued. */
  accepts(kind: string): boolean {
    return this.#allowed === null ? !OPT_IN_KINDS.has(kind) : this.#allowed.has(kind);
  }

  /**
   * Queues `{update_id, [kind]: payload}` unless the bot filtered that kind out; returns it (as the bot is
   * shown it) or null.
   */
  push(kind: string, payload: unknown): Obj | null {
    if (!this.accepts(kind)) return null;
    const plain: Obj = { update_id: this.#nextId++, [kind]: payload };
    const text = JSON.stringify(plain);
    const shown = this.#show(text);
    // Parsed back only when the bot's view differs (its file ids), so most updates cost one serialization.
    const update = shown === text ? plain : JSON.parse(shown) as Obj;
    this.#objects.push(update);
    this.#json.push(shown);
    const expiry = updateExpiry(kind, payload, Date.now() / 1000, this.#lifetimes);
    this.#expiries.push(expiry);
    this.#nextExpiry = Math.min(this.#nextExpiry, expiry);
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve("ready");
    }
    this.onEnqueue?.();
    return update;
  }

  /**
   * Forgets updates below `offset`; a negative offset keeps only the last `-offset` pending updates
   * (those a webhook delivered meanwhile do not count).
   */
  confirm(offset: number): void {
    if (offset < 0) {
      let keep = -offset;
      for (let i = this.#json.length - 1; i >= this.#head; i--) {
        const id = this.#firstId + i - this.#head;
        if (this.#forgotten.has(id)) continue;
        if (--keep === 0) return this.confirm(id);
      }
      return;
    }
    const count = this.#json.length - this.#head;
    const drop = Math.min(Math.max(0, offset - this.#firstId), count);
    if (drop === 0) return;
    this.#head += drop;
    this.#firstId += drop;
    for (const id of this.#forgotten) if (id < this.#firstId) this.#forgotten.delete(id);
    if (this.#head > 1024 && this.#head * 2 > this.#json.length) {
      this.#json.splice(0, this.#head);
      this.#objects.splice(0, this.#head);
      this.#expiries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Forgets update `id` alone (delivered to the webhook while older ones of other chats wait). */
  forget(id: number): void {
    if (id < this.#firstId || id >= this.#nextId) return;
    this.#forgotten.add(id);
    let next = this.#firstId;
    while (this.#forgotten.has(next)) next++;
    this.confirm(next);
  }

  /** Forgets every pending update. */
  clear(): void {
    this.confirm(this.#nextId);
  }

  /** JSON texts of up to `limit` pending updates, oldest first. */
  peekJson(limit: number): string[] {
    this.#dropExpired();
    if (this.#forgotten.size === 0) return this.#json.slice(this.#head, this.#head + limit);
    return this.entries(limit).map((entry) => entry.json);
  }

  /** Up to `limit` pending updates, oldest first. */
  peek(limit: number): Obj[] {
    this.#dropExpired();
    if (this.#forgotten.size === 0) return this.#objects.slice(this.#head, this.#head + limit);
    return this.entries(limit).map((entry) => entry.update);
  }

  /** Up to `limit` pending updates with their texts, oldest first. */
  entries(limit: number): PendingUpdate[] {
    this.#dropExpired();
    const entries: PendingUpdate[] = [];
    for (let i = this.#head; i < this.#json.length && entries.length < limit; i++) {
      if (this.#forgotten.has(this.#firstId + i - this.#head)) continue;
      entries.push({ update: this.#objects[i], json: this.#json[i] });
    }
    return entries;
  }

  /** Whether a long poll is waiting for an update. */
  get polling(): boolean {
    return this.#waiter !== null;
  }

  /** Id of the oldest pending update (the next one to be created if none is pending). */
  get firstId(): number {
    return this.#firstId;
  }

  /**
   * Waits up to `seconds` for an update. A second poll while one waits ends the first one with
   * "conflict", as Telegram terminates the older of two concurrent getUpdates requests.
   */
  wait(seconds: number, signal?: AbortSignal): Promise<PollOutcome> {
    this.#waiter?.resolve("conflict");
    return new Promise<PollOutcome>((resolve) => {
      const finish = (outcome: PollOutcome) => {
        if (this.#waiter === waiter) this.#waiter = null;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const onAbort = () => finish("aborted");
      const waiter: Waiter = { resolve: finish };
      this.#waiter = waiter;
      const timer = setTimeout(() => finish("timeout"), seconds * 1000);
      signal?.addEventListener("abort", onAbort);
    });
  }

  /** Ends a waiting long poll, if any, with the given outcome. */
  interrupt(outcome: PollOutcome): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve(outcome);
  }
}
