/**
 * The flavor of an event — its single top-level key, which starts with `_` — or `undefined` when `msg`
 * is not an event. It allocates nothing, since dispatch asks it of every message.
 *
 * @example
 * ```ts
 * import { eventKey } from "./event_key.ts";
 * eventKey({ _idle: { seconds: 10 } }); // "_idle"
 * eventKey({ message_id: 1 }); // undefined
 * ```
 */
export function eventKey(msg: object): string | undefined {
  // Messages, by far the most common, answer without walking the keys.
  if ((msg as { message_id?: unknown }).message_id !== undefined) return undefined;
  let found: string | undefined;
  for (const key in msg) {
    if (found !== undefined || key.charCodeAt(0) !== 95) return undefined;
    found = key;
  }
  return found;
}
