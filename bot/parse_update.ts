import type { Update } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { QueueItem } from "./update_queue.ts";

const decoder = new TextDecoder();

/**
 * An Update from what a queue or webhook carries: JSON text, UTF-8 bytes of JSON, or an object.
 *
 * @throws {BadInput} when it is not JSON or not an object with a numeric `update_id`.
 */
export function parseUpdate(item: QueueItem): Update {
  let value: unknown = item;
  if (item instanceof ArrayBuffer) value = decoder.decode(new Uint8Array(item));
  else if (item instanceof Uint8Array) value = decoder.decode(item);
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new BadInput("update", "a JSON-serialized Update");
    }
  }
  if (!isUpdate(value)) throw new BadInput("update", "an Update object with an integer update_id");
  return value;
}

/** Whether `value` is shaped as an Update: an object (no array) with a safe integer `update_id`. */
export function isUpdate(value: unknown): value is Update {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    && Number.isSafeInteger((value as { update_id?: unknown }).update_id);
}
