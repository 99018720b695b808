/** A class constructor, as TypeScript class mixins take and return them. */
// deno-lint-ignore no-explicit-any
export type Constructor<T = object> = new(...args: any[]) => T;

/** The options object of a context constructor `(bot, contextId, options)`: its third argument. */
export function contextOptions(args: readonly unknown[]): Record<string, unknown> {
  const options = args[2];
  return typeof options === "object" && options !== null ? options as Record<string, unknown> : {};
}
