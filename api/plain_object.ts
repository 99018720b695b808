/**
 * Whether `value` is a plain object (`{…}` or `Object.create(null)`), as opposed to an array, a class
 * instance (Blob, Date, Map…) or a primitive: the objects that are Bot API parameters and templates.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `value` is an object of any kind (not `null`), whose fields may be read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
