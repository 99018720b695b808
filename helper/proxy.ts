import { TARGET_POSITIONS } from "../api/classification.gen.ts";
import { BadInput } from "../exception/bad_input.ts";

/**
 * Installs on `proto`, for each method name, a method that calls `this.bot[name]` with `this[field]`
 * inserted at the method's target position (from the generated `TARGET_POSITIONS`). One shared function per method on the prototype keeps each
 * proxy instance down to its two fields.
 *
 * @throws {BadInput} when `proto` is not an object, `names` not an array of method names or `field`
 *   not a string.
 */
export function installTargetedMethods(proto: object, names: readonly string[], field: string): void {
  if ((typeof proto !== "object" && typeof proto !== "function") || proto === null) {
    throw new BadInput("proto", "a prototype object");
  }
  if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) {
    throw new BadInput("names", "an array of Bot API method names");
  }
  if (typeof field !== "string") throw new BadInput("field", "the name of the field holding the target");
  for (const name of names) {
    const at = (TARGET_POSITIONS as Readonly<Record<string, number>>)[name] ?? 0;
    const method = function(this: Record<string, unknown>, ...args: unknown[]): unknown {
      const bot = this.bot as Record<string, (...a: unknown[]) => unknown>;
      if (args.length < at) args.length = at;
      args.splice(at, 0, this[field]);
      return bot[name](...args);
    };
    Object.defineProperty(method, "name", { value: name });
    Object.defineProperty(proto, name, { value: method, writable: true, configurable: true });
  }
}

/** Where the `Sender`/`Administrator` proxies insert their target into method `K`'s arguments. */
export type TargetPosition<K extends string> = K extends keyof typeof TARGET_POSITIONS
  ? (typeof TARGET_POSITIONS)[K]
  : 0;

/** A function type without its parameter at position `N`. */
export type WithoutParamAt<F, N extends number> = F extends (...args: infer P) => infer R
  ? (...args: DropParamAt<P, N>) => R
  : never;

/** A parameter list without the parameter at position `N` (the ones before it keep their types). */
export type DropParamAt<P extends unknown[], N extends number, Before extends unknown[] = []> =
  Before["length"] extends N ? P extends [unknown, ...infer Rest] ? [...Before, ...Rest] : [...Before, ...P]
    : P extends [infer H, ...infer Rest] ? DropParamAt<Rest, N, [...Before, H]>
    : [...Before, ...P];

/** A function type without the parameter of type `T` (found among its leading required parameters). */
export type WithoutParam<F, T> = F extends (...args: infer P) => infer R ? (...args: DropParam<P, T>) => R
  : never;

/** A parameter list without its first parameter of type `T` (exactly), searched from the front. */
export type DropParam<P extends unknown[], T> = P extends [infer H, ...infer Rest]
  ? [H] extends [T] ? [T] extends [H] ? Rest : [H, ...DropParam<Rest, T>] : [H, ...DropParam<Rest, T>]
  : P;
