import { BadInput } from "../exception/bad_input.ts";

/** A class constructor, as TypeScript class mixins take and return them. */
// deno-lint-ignore no-explicit-any
export type Constructor<T = object> = new(...args: any[]) => T;

/**
 * The options object among a mixin's constructor arguments: the third of a context's
 * `(bot, contextId, options)`, or the second of a handler's `(seedTuple, options)`.
 */
export function contextOptions(args: readonly unknown[]): Record<string, unknown> {
  const options = Array.isArray(args[0]) ? args[1] : args[2];
  return typeof options === "object" && options !== null ? options as Record<string, unknown> : {};
}

/**
 * Refuses a mixin's base that is no class, when the mixin is applied (JavaScript's own error there
 * names no argument).
 *
 * @throws {BadInput} when `Base` is not a function.
 */
export function checkBase(Base: unknown): void {
  if (typeof Base !== "function") throw new BadInput("Base", "a class to extend");
}
