import { type Deferred, deferred } from "./deferred.ts";
// How many ids to remember exactly; older ones are summarized by a low-water mark.
const WINDOW = 20_000;

/**
 * What a bot's loops in this process know about update ids, shared by all of them: which ids were
 * taken (so none is handled twice, even by a loop started after another stopped) and which are still
 * being handled (so no loop confirms past one that an earlier loop left running). Memory stays
 * bounded: taken ids far below the newest fold into a low-water mark.
 */
export class UpdateLedger {
  #seen = new Set<number>();
  #below = Number.NEGATIVE_INFINITY;
  #inFlight = new Set<number>();
  // Created only when someone waits, so a busy loop allocates nothing per settled update.
  #changed: Deferred<void> | undefined;

  /** Whether `id` was taken before. */
  hasSeen(id: number): boolean {
    return id < this.#below || this.#seen.has(id);
  }

  /** Records `id` as taken and in flight. */
  begin(id: number): void {
    this.#inFlight.add(id);
    this.#seen.add(id);
    if (this.#seen.size <= WINDOW) return;
    const sorted = [...this.#seen].sort((a, b) => a - b);
    const cut = sorted[sorted.length - WINDOW / 2];
    for (const old of sorted) {
      if (old >= cut) break;
      this.#seen.delete(old);
    }
    this.#below = cut;
  }

  /** Records that handling `id` has settled, and wakes whoever waits for a change. */
  finish(id: number): void {
    this.#inFlight.delete(id);
    const waiting = this.#changed;
    this.#changed = undefined;
    waiting?.resolve();
  }

  /** Number of updates in flight. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The smallest id in flight, or `undefined` when none is. */
  lowestInFlight(): number | undefined {
    let low: number | undefined;
    for (const id of this.#inFlight) if (low === undefined || id < low) low = id;
    return low;
  }

  /** Resolves at the next {@link finish}. */
  changed(): Promise<void> {
    this.#changed ??= deferred();
    return this.#changed.promise;
  }
}

const perBot = new WeakMap<object, UpdateLedger>();

/** The ledger of `bot`'s loops in this process. */
export function ledgerOf(bot: object): UpdateLedger {
  let ledger = perBot.get(bot);
  if (!ledger) {
    ledger = new UpdateLedger();
    perBot.set(bot, ledger);
  }
  return ledger;
}
