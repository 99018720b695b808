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
 * unless the call names its own `parse_mode` (`null` there means "none, despite the default") or
 * gives its own `entities` (`caption_entities`, `question_entities`, …), which a parse mode would make
 * the Bot API server ignore.
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
  // Per method, the entities a parse mode default gives way to: the Bot API server parses the text
  // whenever a parse mode is given, and drops the call's own entities.
  const overriders = new Map<string, Map<string, string[]>>();
  for (const method of Object.values(METHODS)) {
    const has = (name: string) => method.params.some((p) => p.name === name);
    const taken = names.filter(has);
    if (taken.length > 0) takers.set(method.name, taken);
    for (const name of taken.filter((name) => name.endsWith("parse_mode"))) {
      const prefix = name.slice(0, -"parse_mode".length);
      const entities = [`${prefix}entities`, ...(prefix === "" ? ["caption_entities"] : [])].filter(has);
      if (entities.length === 0) continue;
      if (!overriders.has(method.name)) overriders.set(method.name, new Map());
      overriders.get(method.name)!.set(name, entities);
    }
  }
  for (const name of names) {
    if (![...takers.values()].some((taken) => taken.includes(name))) {
      throw new BadInput(`defaults.${name}`, "a parameter some Bot API method takes");
    }
  }
  return (call, next) => {
    const taken = takers.get(call.method);
    const given = (name: string) => call.params[name] !== undefined && call.params[name] !== null;
    const entities = overriders.get(call.method);
    const missing = taken?.filter((name) =>
      call.params[name] === undefined && !entities?.get(name)?.some(given)
    );
    if (!missing?.length) return next(call);
    const params: Record<string, unknown> = { ...call.params };
    for (const name of missing) params[name] = values[name as ParamName];
    return next({ ...call, params });
  };
}
