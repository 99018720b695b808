import { BadInput } from "../exception/bad_input.ts";
import type { MethodName, MethodParams } from "./methods.gen.ts";
import { isPlainObject } from "./plain_object.ts";
import { METHODS } from "./spec.gen.ts";
import type { ApiTransformer } from "./transformers.ts";

/** Every parameter name some Bot API method takes. */
export type ParamName = {
  // A method without parameters has the keys `string` (an empty record), which would swallow the names.
  [M in MethodName]: string extends keyof MethodParams<M> ? never : keyof MethodParams<M> & string;
}[MethodName];

/** The type of a parameter, over every method that takes it. */
export type ParamValue<K extends string> = {
  [M in MethodName]: K extends keyof MethodParams<M> ? MethodParams<M>[K] : never;
}[MethodName];

/** Default values for parameters by name (`parse_mode`, `link_preview_options`, `protect_content`, …). */
export type DefaultParams = { readonly [K in ParamName]?: ParamValue<K> };

/**
 * A transformer that fills in parameters a call leaves out, for every method that takes them:
 * `defaults({ parse_mode: "HTML" })` gives `sendMessage`, `sendPhoto`, `editMessageText`, … HTML
 * unless the call names its own `parse_mode` (`null` there means "none, despite the default").
 *
 * @param values the defaults, by Bot API parameter name.
 * @throws {BadInput} when `values` is not an object or names a parameter no method takes.
 *
 * @example
 * ```ts
 * import { Bot, defaults } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * bot.transformers.use(defaults({ parse_mode: "HTML", link_preview_options: { is_disabled: true } }));
 * ```
 */
export function defaults(values: DefaultParams): ApiTransformer {
  if (!isPlainObject(values)) throw new BadInput("defaults", "an object of Bot API parameters");
  const names = Object.keys(values).filter((name) => values[name as ParamName] !== undefined);
  const takers = new Map<string, string[]>();
  for (const method of Object.values(METHODS)) {
    const taken = names.filter((name) => method.params.some((p) => p.name === name));
    if (taken.length > 0) takers.set(method.name, taken);
  }
  for (const name of names) {
    if (![...takers.values()].some((taken) => taken.includes(name))) {
      throw new BadInput(`defaults.${name}`, "a parameter some Bot API method takes");
    }
  }
  return (call, next) => {
    const taken = takers.get(call.method);
    const missing = taken?.filter((name) => call.params[name] === undefined);
    if (!missing?.length) return next(call);
    const params: Record<string, unknown> = { ...call.params };
    for (const name of missing) params[name] = values[name as ParamName];
    return next({ ...call, params });
  };
}
