/** A pending deadline of a {@link Deadlines}; pass it to {@link Deadlines.end} once it no longer matters. */
export interface Deadline {
  /** `performance.now()` at which it expires (monotonic: setting the system time moves no deadline). */
  readonly at: number;
  /** Called once, when it expires before being ended. */
  readonly expire: () => void;
}

import { refTimer, unrefTimer } from "../platform/timers.ts";

type Timer = ReturnType<typeof setTimeout>;

/**
 * Deadlines that all lie the same time after their start, kept by one timer: since they expire in the
 * order they were started, a Set (which iterates in insertion order) is also their queue, and only the
 * earliest needs the timer. It is re-armed when it fires (about once per `seconds` under steady
 * traffic), and when no deadline is pending it is only unreferenced (so an idle process can still
 * exit), not cleared: bodies are read in a moment, so the set empties and fills again at nearly every
 * request, and a setTimeout and clearTimeout for each was most of the cost of a deadline. A deadline
 * expires at its time plus the timer's own lateness, as a setTimeout of its own would.
 */
export class Deadlines {
  readonly #ms: number;
  readonly #pending = new Set<Deadline>();
  #timer: Timer | undefined;
  #referenced = false;

  /** @param seconds how long after its start each deadline expires. */
  constructor(seconds: number) {
    this.#ms = seconds * 1000;
  }

  /** Starts a deadline: `expire` is called `seconds` from now unless it is ended first. */
  start(expire: () => void): Deadline {
    const deadline = { at: performance.now() + this.#ms, expire };
    this.#pending.add(deadline);
    // An armed timer fires no later than this deadline (it was armed for an earlier one, or when the
    // earliest was started): it only has to keep the process alive again.
    if (this.#timer === undefined) this.#arm(this.#ms);
    else if (!this.#referenced) this.#reference(this.#timer);
    return deadline;
  }

  /** Ends a deadline (expired or not): it will not expire any more. */
  end(deadline: Deadline): void {
    this.#pending.delete(deadline);
    if (this.#pending.size > 0 || this.#timer === undefined) return;
    unrefTimer(this.#timer);
    this.#referenced = false;
  }

  #reference(timer: Timer): void {
    refTimer(timer);
    this.#referenced = true;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#fire, ms);
    this.#referenced = true;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    for (const deadline of this.#pending) {
      if (deadline.at > now) {
        // An `expire` may have started a deadline, arming the timer for that later one.
        if (this.#timer !== undefined) clearTimeout(this.#timer);
        this.#arm(deadline.at - now);
        return;
      }
      this.#pending.delete(deadline);
      deadline.expire();
    }
  };
}

const shared = new Map<number, Deadlines>();

/** The one {@link Deadlines} of all deadlines `seconds` long in this process. */
export function deadlinesOf(seconds: number): Deadlines {
  let deadlines = shared.get(seconds);
  if (deadlines === undefined) {
    shared.set(seconds, deadlines = new Deadlines(seconds));
  }
  return deadlines;
}
