import { BadInput } from "../exception/bad_input.ts";
import { EventNotFound } from "../exception/event_not_found.ts";
import { refTimer, unrefTimer } from "../platform/timers.ts";

/** A scheduled event as handed back by {@link EventScheduler}: keep it to cancel the event. */
export interface ScheduledEvent<T = unknown> {
  /** Absolute due time, Unix seconds. */
  readonly when: number;
  /** What is emitted when the event is due. */
  readonly data: T;
}

// A heap entry; `index` is its slot in the heap, -1 once it left the heap (emitted or cancelled).
// `key` orders the heap and may lag behind `when` after a postponement: the entry is only moved when it
// reaches the top, so pushing a deadline back (every message refreshes an idle timeout) is O(1).
class Entry<T> implements ScheduledEvent<T> {
  key: number;
  when: number;
  readonly seq: number;
  readonly data: T;
  index: number;
  constructor(when: number, seq: number, data: T, index: number) {
    this.when = when;
    this.seq = seq;
    this.data = data;
    this.index = index;
    this.key = when;
  }
}

/**
 * Told about every change to an {@link EventScheduler}'s events (what a persistent store of them
 * needs); called synchronously, after the change.
 */
export interface SchedulerObserver<T> {
  /** `event` was scheduled. */
  scheduled(event: ScheduledEvent<T>): void;
  /** `event` was moved to a new due time (`event.when`). */
  rescheduled(event: ScheduledEvent<T>): void;
  /** `event` was cancelled, or dropped by `clear()`. */
  cancelled(event: ScheduledEvent<T>): void;
  /** `event` was emitted; `result` is what the emit function returned (a promise while it is handled). */
  emitted(event: ScheduledEvent<T>, result: unknown): void;
}

// setTimeout takes a signed 32-bit number of milliseconds; longer delays are re-armed on wake-up.
const MAX_DELAY_MS = 2 ** 31 - 1;

// NaN compares false with every due time, so it would stay at the heap's top for good, its timer firing
// at once and re-arming, and no other event would fire again; a string delay would be appended to the
// time, not added to it.
function checkTime(value: unknown, name: string, expected: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new BadInput(name, expected);
}

/**
 * One timer structure for every scheduled event of a bot: a binary min-heap ordered by due time
 * (ties in scheduling order) and a single `setTimeout` armed for the earliest deadline. Scheduling,
 * cancelling and emitting are O(log n), so 100,000 idle timeouts cost 100,000 small heap entries and
 * one timer. While a message loop runs it holds the scheduler ({@link EventScheduler.hold}); otherwise,
 * like telepot's scheduler thread (a daemon), the timer does not keep the process alive by itself.
 *
 * @example
 * ```ts
 * import { EventScheduler } from "@telepot/telepot-ts";
 * const seen: string[] = [];
 * const s = new EventScheduler<string>((data) => seen.push(data));
 * const e = s.eventLater(5, "later");
 * s.cancel(e);
 * s.eventNow("now");
 * ```
 */
export class EventScheduler<T = unknown> {
  readonly #heap: Entry<T>[] = [];
  readonly #emit: (data: T) => unknown;
  #observer: SchedulerObserver<T> | undefined;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #holds = 0;
  #armedFor = Infinity;

  /**
   * Creates an instance.
   *
   * @param emit called with each event's data when it is due; an exception it throws is logged.
   */
  constructor(emit: (data: T) => unknown) {
    this.#emit = emit;
  }

  /** Makes `observer` hear of every change from now on (one observer at a time; `undefined` removes it). */
  observe(observer: SchedulerObserver<T> | undefined): void {
    this.#observer = observer;
  }

  /**
   * Makes the waiting events keep the process alive until the returned function is called; a running
   * message loop holds its bot's scheduler. Unheld, the scheduler is a daemon, as telepot's scheduler
   * thread: its events fire while other work keeps the process running.
   *
   * @returns what releases this hold (once).
   */
  hold(): () => void {
    if (this.#holds++ === 0 && this.#timer !== undefined) refTimer(this.#timer);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#holds === 0 && this.#timer !== undefined) unrefTimer(this.#timer);
    };
  }

  /** How many events are waiting. */
  get size(): number {
    return this.#heap.length;
  }

  /**
   * Schedules `data` to be emitted at `when` (absolute Unix time in seconds; a past time is due at once).
   *
   * @throws {BadInput} when `when` is not a finite number.
   */
  eventAt(when: number, data: T): ScheduledEvent<T> {
    checkTime(when, "when", "a finite number of Unix seconds");
    const entry = new Entry(when, this.#seq++, data, this.#heap.length);
    this.#heap.push(entry);
    this.#siftUp(entry.index);
    if (entry.index === 0) this.#arm();
    this.#observer?.scheduled(entry);
    return entry;
  }

  /**
   * Schedules `data` to be emitted after `delay` seconds.
   *
   * @throws {BadInput} when `delay` is not a finite number.
   */
  eventLater(delay: number, data: T): ScheduledEvent<T> {
    checkTime(delay, "delay", "a finite number of seconds");
    return this.eventAt(Date.now() / 1000 + delay, data);
  }

  /** Schedules `data` to be emitted as soon as possible, after events already due. */
  eventNow(data: T): ScheduledEvent<T> {
    return this.eventAt(Date.now() / 1000, data);
  }

  /** Whether `event` is still waiting here (not yet emitted, not cancelled). */
  isPending(event: ScheduledEvent<T>): boolean {
    return this.#waiting(event) !== undefined;
  }

  /**
   * Removes a waiting event.
   *
   * @throws {EventNotFound} when the event was already emitted or cancelled, or is not from this scheduler.
   */
  cancel(event: ScheduledEvent<T>): void {
    const entry = this.#waiting(event);
    if (entry === undefined) throw new EventNotFound(event);
    this.#removeAt(entry.index);
    // Nothing left to wait for: no timer may keep the process alive (one armed for another event still
    // waiting only wakes early, and re-arms).
    if (this.#heap.length === 0) this.#disarm();
    this.#observer?.cancelled(entry);
  }

  /**
   * Moves a waiting event to a new due time, keeping the same event object. Postponing is O(1) (the
   * entry moves in the heap only when it reaches the top); bringing forward is O(log n).
   *
   * @throws {EventNotFound} when the event is no longer waiting.
   * @throws {BadInput} when `when` is not a finite number.
   */
  reschedule(event: ScheduledEvent<T>, when: number): void {
    checkTime(when, "when", "a finite number of Unix seconds");
    const entry = this.#waiting(event);
    if (entry === undefined) throw new EventNotFound(event);
    entry.when = when;
    this.#observer?.rescheduled(entry);
    if (when >= entry.key) return;
    entry.key = when;
    this.#siftUp(entry.index);
    if (entry.index === 0) this.#arm();
  }

  /** How many events were ever scheduled here: a mark to give {@link EventScheduler.cancelSince}. */
  get scheduledCount(): number {
    return this.#seq;
  }

  /**
   * Cancels the waiting events scheduled since `mark` (an earlier {@link EventScheduler.scheduledCount}):
   * what a delegate's constructor scheduled before it threw.
   *
   * @param keep spans `[from, to)` of marks whose events stay (those other delegates scheduled meanwhile).
   */
  cancelSince(mark: number, keep: readonly (readonly [number, number])[] = []): void {
    const kept = (seq: number) => keep.some(([from, to]) => seq >= from && seq < to);
    for (const entry of this.#heap.filter((e) => e.seq >= mark && !kept(e.seq))) this.cancel(entry);
  }

  /** Drops every waiting event and clears the timer; scheduling again re-arms it. */
  clear(): void {
    const dropped = this.#heap.splice(0);
    for (const entry of dropped) entry.index = -1;
    this.#disarm();
    if (this.#observer) { for (const entry of dropped) this.#observer.cancelled(entry); }
  }

  // The heap entry behind `event` if it is still waiting in this scheduler's heap.
  #waiting(event: ScheduledEvent<T>): Entry<T> | undefined {
    return event instanceof Entry && event.index >= 0 && this.#heap[event.index] === event
      ? event as Entry<T>
      : undefined;
  }

  #arm(): void {
    const top = this.#heap[0];
    if (top === undefined) return this.#disarm();
    // A timer already armed at or before the top's deadline will wake up early enough.
    if (this.#timer !== undefined && this.#armedFor <= top.key) return;
    this.#disarm();
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, top.key * 1000 - Date.now()));
    this.#armedFor = top.key;
    this.#timer = setTimeout(() => this.#fire(), delay);
    // As telepot's scheduler thread is a daemon: unless held, events fire while a server or anything
    // else keeps the process running, and a stopped bot's idle timeouts do not hold its process open.
    if (this.#holds === 0) unrefTimer(this.#timer);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = Date.now() / 1000;
    const heap = this.#heap;
    while (heap.length > 0 && heap[0].key <= now) {
      const entry = heap[0];
      if (entry.when > now) {
        entry.key = entry.when;
        this.#siftDown(0);
        continue;
      }
      this.#removeAt(0);
      let result: unknown;
      try {
        result = this.#emit(entry.data);
      } catch (err) {
        console.error("telepot-ts: scheduled event handler failed:", err);
      }
      this.#observer?.emitted(entry, result);
    }
    this.#arm();
  }

  #removeAt(i: number): void {
    const heap = this.#heap;
    const removed = heap[i];
    const last = heap.pop()!;
    removed.index = -1;
    if (last !== removed) {
      heap[i] = last;
      last.index = i;
      this.#siftDown(i);
      this.#siftUp(last.index);
    }
  }

  #less(a: Entry<T>, b: Entry<T>): boolean {
    return a.key < b.key || (a.key === b.key && a.seq < b.seq);
  }

  #siftUp(i: number): void {
    const heap = this.#heap;
    const entry = heap[i];
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (!this.#less(entry, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = entry;
    entry.index = i;
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const entry = heap[i];
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#less(heap[right], heap[left]) ? right : left;
      if (!this.#less(heap[child], entry)) break;
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
