/**
 * Deterministic pseudo-random numbers for the examples' scenes, the fuzz test and the end-to-end
 * bench: the same seed gives the same numbers on every run, so a failure or an injected fault can be
 * reproduced. Imports nothing, so the bench's server can use it without loading the library.
 *
 * @module
 */

/** Numbers in [0, 1) from `seed` (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
