/**
 * Routing-table entries that find their handler when a message is routed (what `makeRoutingTable`
 * makes): whoever looks an entry up (`Router.route`, a table given to `messageLoop`, the default
 * `allowed_updates`) does it through {@link liveEntry}, so that a method the object lacks counts as no
 * entry.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Handler = (...args: any[]) => unknown;

const lookUps = new WeakMap<Handler, () => Handler | null>();

/** Records that `entry` stands for what `lookUp` finds when asked (`null`: nothing now). */
export function recordLookUp(entry: Handler, lookUp: () => Handler | null): void {
  lookUps.set(entry, lookUp);
}

// What a routing-table entry stands for at this moment: a looked-up entry's handler or `null`, else itself.
function handlerBehind<H extends Handler>(entry: H): H | null {
  const lookUp = lookUps.get(entry);
  return lookUp === undefined ? entry : lookUp() as H | null;
}

/**
 * The handler `table` has under `key` now: its own entry only (a key may be text from the wire, and
 * `constructor` is no handler), `undefined` for none or for a looked-up entry whose method is missing.
 */
export function liveEntry<H extends Handler>(
  table: Readonly<Record<PropertyKey, H | undefined>>,
  key: PropertyKey,
): H | undefined {
  const found = Object.hasOwn(table, key) ? table[key] : undefined;
  return found === undefined ? undefined : handlerBehind(found) ?? undefined;
}
