/**
 * The identity of a hashable seed, compared by value like Python's: numbers, strings, bigints and
 * booleans stand for themselves; an array of those (nested arrays allowed) becomes a tagged string.
 * Anything else is not hashable: `undefined` is returned and the seed always gets a new delegate.
 */
export function seedKey(seed: unknown): unknown {
  switch (typeof seed) {
    case "number":
    case "string":
    case "bigint":
    case "boolean":
      return seed;
  }
  if (!Array.isArray(seed)) return undefined;
  const encoded = encodeTuple(seed);
  return encoded === undefined ? undefined : new TupleKey(encoded);
}

/**
 * A tuple seed's identity. Tuple seeds live in their own map, keyed by their encoding, so a string seed
 * that happens to equal an encoding (e.g. "(n1;)") never meets the tuple [1].
 */
export class TupleKey {
  readonly encoded: string;
  constructor(encoded: string) {
    this.encoded = encoded;
  }
}

function encodeTuple(items: readonly unknown[]): string | undefined {
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
      default: {
        if (!Array.isArray(item)) return undefined;
        const inner = encodeTuple(item);
        if (inner === undefined) return undefined;
        out += inner;
      }
    }
  }
  return out + ")";
}
