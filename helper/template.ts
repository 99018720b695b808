import { isObject, isPlainObject } from "../api/plain_object.ts";

/** A predicate template: given the selected part of a message, says whether it matches. */
// deno-lint-ignore no-explicit-any
export type TemplateFunction = (value: any) => unknown;

/**
 * A template that a message (or a part of it) must match:
 * - a function: called with the value, a truthy result is a match;
 * - a plain object: each key selects that field of the value, whose content must match the key's template;
 * - a `Map`: like an object, but a `RegExp` key selects every field whose name it matches (one matching
 *   field is enough);
 * - anything else: compared by value (arrays element by element).
 */
export type Template =
  | TemplateFunction
  | { readonly [key: string]: Template }
  | ReadonlyMap<string | RegExp, Template>
  | unknown;

/** A capture pattern: a list of templates that must all match. */
export type Pattern = readonly Template[];

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** Whether `data` matches one template (see {@link Template}). */
export function match(data: unknown, template: Template): boolean {
  switch (typeof template) {
    case "function":
      return Boolean(template(data));
    case "object": {
      if (template === null) return data === null;
      const proto = Object.getPrototypeOf(template);
      if (proto !== Object.prototype && proto !== null) {
        return template instanceof Map ? matchMap(data, template) : equal(data, template);
      }
      if (!isObject(data)) return false;
      for (const key in template) {
        if (!(key in data) || !match(data[key], (template as Record<string, Template>)[key])) return false;
      }
      return true;
    }
    default:
      return data === template;
  }
}

function matchMap(data: unknown, template: ReadonlyMap<string | RegExp, Template>): boolean {
  if (!isObject(data)) return false;
  for (const [key, sub] of template) {
    if (key instanceof RegExp) {
      let any = false;
      for (const field in data) {
        key.lastIndex = 0;
        if (key.test(field) && match(data[field], sub)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    } else if (!(key in data) || !match(data[key], sub)) {
      return false;
    }
  }
  return true;
}

/** Whether `data` matches every template of a pattern. */
export function matchAll(data: unknown, pattern: Pattern): boolean {
  for (let i = 0; i < pattern.length; i++) if (!match(data, pattern[i])) return false;
  return true;
}
