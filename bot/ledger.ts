// How many ids to remember exactly; older ones are summarized by a low-water mark.
const WINDOW = 20_000;

/**
 * The `update_id`s a bot has taken in this process, shared by all its loops so that no update is
 * handled twice, even by a loop started after another stopped. Memory stays bounded: ids far below the
 * newest are folded into a low-water mark (every id under it counts as seen).
 */
export class SeenIds {
  #ids = new Set<number>();
  #below = Number.NEGATIVE_INFINITY;

  /** Whether `id` was taken before. */
  has(id: number): boolean {
    return id < this.#below || this.#ids.has(id);
  }

  /** Records `id` as taken. */
  add(id: number): void {
    this.#ids.add(id);
    if (this.#ids.size <= WINDOW) return;
    const sorted = [...this.#ids].sort((a, b) => a - b);
    const cut = sorted[sorted.length - WINDOW / 2];
    for (const old of sorted) {
      if (old >= cut) break;
      this.#ids.delete(old);
    }
    this.#below = cut;
  }
}

const perBot = new WeakMap<object, SeenIds>();

/** The ids seen by `bot`'s loops in this process. */
export function seenIdsOf(bot: object): SeenIds {
  let seen = perBot.get(bot);
  if (!seen) {
    seen = new SeenIds();
    perBot.set(bot, seen);
  }
  return seen;
}
