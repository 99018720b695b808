import type { TypeSpec } from "../api/spec.gen.ts";
import type { Obj } from "./types.ts";

const MAX_DEPTH = 10;

/**
 * Reads the fields of a JSON parameter as td's JsonObject getters do (tdutils JsonObject::get_*_field): an
 * Integer field takes a number or a string holding a whole number (`"5"`), a String field takes a number
 * as its text. Values are converted in place; `warn` hears the path of each one. Unions are followed
 * through their discriminator (`type`, `source`, …); anything else is left to the spec check.
 */
export function readNested(
  types: Readonly<Record<string, TypeSpec>>,
  type: string,
  value: unknown,
  path: string,
  warn: (path: string, message: string) => void,
  depth = 0,
): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (type.startsWith("Array of ")) {
    if (!Array.isArray(value)) return value;
    const of = type.slice(9);
    for (let i = 0; i < value.length; i++) {
      value[i] = readNested(types, of, value[i], `${path}[${i}]`, warn, depth + 1);
    }
    return value;
  }
  const spec = concrete(types, type, value as Obj);
  if (spec === undefined || Array.isArray(value)) return value;
  const obj = value as Obj;
  for (const field of spec.fields) {
    const v = obj[field.name];
    if (v === undefined || v === null || field.types.length !== 1) continue;
    const [fieldType] = field.types;
    const at = `${path}.${field.name}`;
    if (fieldType === "Integer" && typeof v === "string" && /^-?\d+$/.test(v)) {
      obj[field.name] = Number(v);
      warn(at, `${JSON.stringify(v)} read as the integer ${v}`);
    } else if (fieldType === "String" && typeof v === "number") {
      obj[field.name] = String(v);
      warn(at, `${v} read as the string "${v}"`);
    } else if (typeof v === "object") {
      obj[field.name] = readNested(types, fieldType, v, at, warn, depth + 1);
    }
  }
  return obj;
}

/**
 * {@link readNested} for a parameter of several object types (`reply_markup`): the first type whose required
 * fields the value has.
 */
export function readNestedAny(
  types: Readonly<Record<string, TypeSpec>>,
  candidates: readonly string[],
  value: unknown,
  path: string,
  warn: (path: string, message: string) => void,
): unknown {
  if (candidates.length === 1 || value === null || typeof value !== "object") {
    return readNested(types, candidates[0], value, path, warn);
  }
  if (Array.isArray(value)) {
    // "Array of InputMediaPhoto or Array of InputMediaVideo": each item by its own type.
    const items = candidates.filter((t) => t.startsWith("Array of ")).map((t) => t.slice(9));
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const fits = item !== null && typeof item === "object" ? fitting(types, items, item as Obj) : undefined;
      if (fits !== undefined) value[i] = readNested(types, fits, item, `${path}[${i}]`, warn);
    }
    return value;
  }
  const fits = fitting(types, candidates, value as Obj);
  return fits === undefined ? value : readNested(types, fits, value, path, warn);
}

/** The first candidate type whose discriminator the value carries, or whose required fields it has. */
function fitting(types: Readonly<Record<string, TypeSpec>>, candidates: readonly string[], value: Obj) {
  return candidates.find((type) => {
    const spec = types[type];
    if (spec === undefined) return false;
    const tag = spec.fields.find((f) => f.const !== undefined);
    if (tag !== undefined) return value[tag.name] === tag.const;
    return spec.fields.every((f) => !f.required || value[f.name] !== undefined);
  });
}

/** The member type of a union that a value's discriminator names, or the type itself. */
function concrete(types: Readonly<Record<string, TypeSpec>>, type: string, value: Obj): TypeSpec | undefined {
  const spec = types[type];
  if (spec === undefined || spec.subtypes.length === 0) return spec;
  for (const sub of spec.subtypes) {
    const member = concrete(types, sub, value);
    const tag = member?.fields.find((f) => f.const !== undefined);
    if (member !== undefined && tag !== undefined && value[tag.name] === tag.const) return member;
  }
  return undefined;
}
