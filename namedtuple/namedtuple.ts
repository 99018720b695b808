/**
 * The runtime behind every generated factory: telepot's namedtuples as plain objects. A factory fills
 * every field of its type (`null` where absent), converts nested objects with their own type's rules,
 * checks that required fields are there, and serialises without the `null` fields.
 */
import type { LocalFile } from "../api/input_file.ts";
import type { Nullable } from "../api/nullable.ts";
import { isPlainObject } from "../api/plain_object.ts";
import { type FieldSpec, TYPES, type TypeSpec } from "../api/spec.gen.ts";
import { BadInput } from "../exception/bad_input.ts";

/** A Bot API object with every field present: optional fields are `null` where absent, nested ones too. */
export type NamedTuple<T> = T extends (...args: never[]) => unknown ? T
  : T extends Blob | Uint8Array | ReadableStream<Uint8Array> | LocalFile ? T
  // Branches parallel to `Nullable`'s (see there): a factory's result passes where `Nullable` is taken.
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: NamedTuple<T[K]> }
  : T extends object ? {
      [K in keyof T]-?: undefined extends T[K] ? NamedTuple<Exclude<T[K], undefined>> | null
        : NamedTuple<T[K]>;
    }
  : T;

/**
 * A factory: takes the fields (optional ones may be left out, and so may `Fixed`, the fields whose value
 * the spec fixes, such as an InlineQueryResultArticle's `type`) and returns the complete object.
 */
export type NamedTupleFactory<T, Fixed extends keyof T = never> = (
  fields: [Fixed] extends [never] ? Nullable<T> : Nullable<Omit<T, Fixed>> & { [K in Fixed]?: T[K] | null },
) => NamedTuple<T>;

const PRIMITIVES = new Set(["Integer", "Float", "String", "Boolean", "True", "False", "InputFile"]);

function toJSON(this: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in this) if (this[key] !== null) out[key] = this[key];
  return out;
}

/**
 * Values the Bot API fixes in prose only, so the spec table (which records string constants) lacks
 * them. An InaccessibleMessage's `date` is always 0: that is how the Bot API tells it from a Message,
 * whose fields it otherwise shares.
 */
const PROSE_CONSTANTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  InaccessibleMessage: { date: 0 },
};

/** The fields whose value a type fixes, with those values. */
function constantsOf(type: TypeSpec): [string, string | number][] {
  const fixed: [string, string | number][] = [];
  for (const field of type.fields) if (field.const !== undefined) fixed.push([field.name, field.const]);
  return [...fixed, ...Object.entries(PROSE_CONSTANTS[type.name] ?? {})];
}

/**
 * Picks, among the types a value may be, the one it is: the type whose constants (`type: "photo"`)
 * the value carries; else, among the types without constants whose required fields it has, the one
 * that names most of its fields (a venue's content fits a location's too, but names more of a venue's
 * fields). A type with constants the value does not carry is not it, whatever its fields say.
 * `undefined` when none fits.
 */
function pick(candidates: readonly TypeSpec[], value: Record<string, unknown>): TypeSpec | undefined {
  const named = candidates.filter((m) => {
    const fixed = constantsOf(m);
    return fixed.length > 0 && fixed.every(([name, constant]) => value[name] === constant);
  });
  // The value says which it is; its missing required fields are then that type's to report.
  if (named.length === 1) return named[0];
  const fitting = (named.length ? named : candidates.filter((m) => constantsOf(m).length === 0)).filter((m) =>
    m.fields.every((f) => !f.required || (value[f.name] !== undefined && value[f.name] !== null))
  );
  let best: TypeSpec | undefined;
  let most = -1;
  for (const m of fitting) {
    const count = m.fields.filter((f) => value[f.name] !== undefined).length;
    if (count > most) [best, most] = [m, count];
  }
  return best;
}

/** A union's members, and a plain type itself, as the types a value of it may be. */
function concrete(type: TypeSpec): TypeSpec[] {
  return type.subtypes.length ? type.subtypes.map((name) => TYPES[name]).filter(Boolean) : [type];
}

const ARRAY_OF = "Array of ";

function convertValue(types: readonly string[], value: unknown, path: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    // One array level per recursion: "Array of Array of PhotoSize" items are "Array of PhotoSize".
    const inner = types.filter((t) => t.startsWith(ARRAY_OF)).map((t) => t.slice(ARRAY_OF.length));
    return inner.length ? value.map((item, i) => convertValue(inner, item, `${path}[${i}]`)) : value;
  }
  if (!isPlainObject(value)) return value;
  const objects = types.filter((t) => !PRIMITIVES.has(t) && !t.startsWith(ARRAY_OF) && TYPES[t]);
  // One declared type: the value must be it, so a mistake in it is reported.
  if (objects.length === 1) return convert(TYPES[objects[0]], value, path);
  // Several (InputRichMessageMedia.media): converting as the wrong one would reject a right value by
  // that type's constants, so a value that fits none clearly is left as given for the Bot API to judge.
  const chosen = pick(objects.flatMap((t) => concrete(TYPES[t])), value);
  return chosen ? convert(chosen, value, path) : value;
}

function fixedValue(field: FieldSpec, raw: unknown, path: string): string {
  if (raw === undefined || raw === null || raw === field.const) return field.const!;
  throw new BadInput(path, JSON.stringify(field.const));
}

// A required field that can only be True (`remove_keyboard`, `force_reply`) is, as telepot fills it in.
function trueByDefault(field: FieldSpec): true | undefined {
  return field.required && field.types.length === 1 && field.types[0] === "True" ? true : undefined;
}

function convert(type: TypeSpec, value: Record<string, unknown>, path: string): Record<string, unknown> {
  if (type.subtypes.length) {
    const chosen = pick(concrete(type), value);
    return chosen ? convert(chosen, value, path) : { ...value };
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fields as readonly FieldSpec[]) {
    // A field whose value the spec fixes is filled in; a different value is a mistake, not a choice.
    const raw = field.const !== undefined
      ? fixedValue(field, value[field.name], `${path}.${field.name}`)
      : value[field.name] ?? trueByDefault(field);
    if (field.required && (raw === undefined || raw === null)) {
      throw new BadInput(`${path}.${field.name}`, `the required field ${field.name} of ${type.name}`);
    }
    out[field.name] = convertValue(field.types, raw, `${path}.${field.name}`);
  }
  for (const key in value) if (!(key in out)) out[key] = value[key];
  Object.defineProperty(out, "toJSON", { value: toJSON, enumerable: false });
  return out;
}

/**
 * Makes the factory for the Bot API type `name` (the generated factories are made this way).
 *
 * @example
 * ```ts
 * import { namedtuple } from "@telepot/telepot-ts/namedtuple";
 * const Button = namedtuple<{ text: string; callback_data?: string }>("InlineKeyboardButton");
 * Button({ text: "Yes", callback_data: "yes" }).url; // null
 * ```
 */
export function namedtuple<T, Fixed extends keyof T = never>(name: string): NamedTupleFactory<T, Fixed> {
  const type = TYPES[name];
  if (!type) throw new BadInput("name", `a Bot API object type (${name} is none)`);
  return (fields) => {
    if (!isPlainObject(fields)) throw new BadInput(name, `an object with the fields of ${name}`);
    return convert(type, fields, name) as NamedTuple<T>;
  };
}
