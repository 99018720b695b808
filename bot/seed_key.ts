/**
 * The identity of a hashable seed, compared by value as Python compares dictionary keys.
 *
 * What stands for what:
 * - Python's `int`, `float`, `str`, `bool`: a number, bigint, string or boolean, standing for itself.
 * - Python's `tuple`: an array. It is hashable when every item is: a number, bigint, string, boolean,
 *   `null` or `undefined` (both stand for `None` and are the same item) or a nested array of those.
 *   `[chatId, null]` is one seed, as `(chat_id, None)` is one dictionary key.
 * - Python's `list`, `dict`, `set` (not hashable: every message gets a new delegate): any other
 *   object, such as `{}`, a `Set`, a `Map`, or an array holding one of those.
 * - `None` as the whole seed: `null` or `undefined`, which start no delegate (the caller checks that).
 *
 * Returns the key (a primitive, or a {@link TupleKey}), or `undefined` for a seed that is not hashable.
 */
export function seedKey(seed: unknown): unknown {
  return hashKey(seed, tupleKey);
}

/**
 * The key of a hashable value: a number, bigint, string or boolean stands for itself, an array of
 * hashable items for its {@link tupleEncoding} as `tuple` wraps it; anything else has none (`undefined`).
 */
export function hashKey(value: unknown, tuple: (encoded: string) => unknown): unknown {
  switch (typeof value) {
    case "number":
    case "string":
    case "bigint":
    case "boolean":
      return value;
  }
  if (!Array.isArray(value)) return undefined;
  const encoded = tupleEncoding(value);
  return encoded === undefined ? undefined : tuple(encoded);
}

/**
 * A tuple seed's identity. Tuple seeds live in their own map, keyed by their encoding, so a string seed
 * that happens to equal an encoding (e.g. "(n1;)") never meets the tuple [1].
 */
export class TupleKey {
  /** The tuple's encoding (see {@link tupleEncoding}). */
  readonly encoded: string;

  /** @param encoded the tuple's encoding (see {@link tupleEncoding}). */
  constructor(encoded: string) {
    this.encoded = encoded;
  }
}

const tupleKey = (encoded: string): TupleKey => new TupleKey(encoded);

/**
 * A string equal for two arrays exactly when they are equal tuples (item by item, nested arrays
 * alike), or `undefined` when an item is not hashable.
 */
export function tupleEncoding(items: readonly unknown[]): string | undefined {
  let out = "(";
  for (const item of items) {
    switch (typeof item) {
      case "number":
        out += `n${item};`;
        break;
      case "bigint":
        out += `b${item};`;
        break;
      case "boolean":
        out += item ? "t;" : "f;";
        break;
      case "string":
        out += `s${item.length}:${item};`;
        break;
      case "undefined":
        out += "z;";
        break;
      default: {
        if (item === null) {
          out += "z;";
          break;
        }
        if (!Array.isArray(item)) return undefined;
        const inner = tupleEncoding(item);
        if (inner === undefined) return undefined;
        out += inner;
      }
    }
  }
  return out + ")";
}
