import { EMPTY_STRING_PARAMS } from "../api/classification.gen.ts";
import type { MethodSpec, TypeSpec } from "../api/spec.gen.ts";
import type { Validator } from "./dispatcher.ts";
import { badRequest } from "./failure.ts";
import type { CallInput } from "./params.ts";
import type { Obj } from "./types.ts";

type Kind = "int" | "float" | "string" | "bool" | "true" | "file" | "array" | "object";

interface Accepts {
  readonly kind: Kind;
  /** Object type name, or the element type expression of an array. */
  readonly of?: string;
  /** Element types of an array whose items may each be any of them. */
  readonly items?: readonly Accepts[];
}

/**
 * A union of array types ("Array of InputMediaPhoto" or "Array of InputMediaVideo") reads in the Bot API as
 * one array whose items may be of any of those types (a media group mixes photos and videos).
 */
function acceptsAll(types: readonly string[]): Accepts[] {
  if (types.length > 1 && types.every((t) => t.startsWith("Array of "))) {
    return [{ kind: "array", items: types.map((t) => accepts(t.slice(9))) }];
  }
  return types.map(accepts);
}

interface CompiledParam {
  readonly name: string;
  readonly required: boolean;
  readonly accepts: readonly Accepts[];
  readonly label: string;
}

interface CompiledMethod {
  readonly params: Map<string, CompiledParam>;
  readonly required: readonly CompiledParam[];
}

function accepts(type: string): Accepts {
  switch (type) {
    case "Integer":
      return { kind: "int" };
    case "Float":
      return { kind: "float" };
    case "String":
      return { kind: "string" };
    case "Boolean":
      return { kind: "bool" };
    case "True":
      return { kind: "true" };
    case "InputFile":
      return { kind: "file" };
  }
  if (type.startsWith("Array of ")) return { kind: "array", of: type.slice(9) };
  return { kind: "object", of: type };
}

/** How a missing required parameter is reported, in Telegram's words where they are well known. */
function missingReason(method: string, name: string): string {
  if (name === "text" && method.startsWith("send")) return "message text is empty";
  if (name === "chat_id" || name === "user_id" || name === "message_id" || name.endsWith("_query_id")) {
    return `${name} is empty`;
  }
  return `parameter "${name}" is required`;
}

const MAX_DEPTH = 12;

/**
 * Types a plain string may stand in for. The Bot API says so in prose only ("for simple text buttons,
 * String can be used instead of this object"), so the spec table's field types do not carry it.
 */
const STRING_STANDS_FOR: ReadonlySet<string> = new Set(["KeyboardButton"]);

/**
 * Parameters Telegram dropped from the documentation but still honours, rewritten into their successors.
 * Each returns true when it rewrote the call (the old key is gone then). A Map, so that a parameter
 * named `__proto__`, `constructor` or `toString` finds nothing here rather than Object.prototype's.
 */
export const LEGACY_PARAMS: ReadonlyMap<string, (params: Obj) => boolean> = new Map(Object.entries({
  reply_to_message_id(params: Obj) {
    const reply: Obj = { message_id: params.reply_to_message_id };
    const allow = params.allow_sending_without_reply;
    if (allow !== undefined) reply.allow_sending_without_reply = allow === true || allow === "true";
    if (params.reply_parameters === undefined) params.reply_parameters = reply;
    delete params.reply_to_message_id;
    delete params.allow_sending_without_reply;
    return true;
  },
  allow_sending_without_reply(params: Obj) {
    delete params.allow_sending_without_reply;
    return true;
  },
  disable_web_page_preview(params: Obj) {
    const off = params.disable_web_page_preview;
    if (params.link_preview_options === undefined && (off === true || off === "true")) {
      params.link_preview_options = { is_disabled: true };
    }
    delete params.disable_web_page_preview;
    return true;
  },
}));

/**
 * Checks and coerces call parameters against the spec table: unknown parameters, missing required ones and
 * wrong types are 400s; form and query strings become the numbers, booleans and JSON values the spec
 * says. Nested objects are checked for their required fields and field types, recursively.
 */
export class SpecValidator {
  #methods = new Map<string, CompiledMethod>();
  /** Why the last nested check failed (the checks run synchronously, one call at a time). */
  #problem: string | null = null;
  /**
   * Why the value failed as the type it was evidently meant as (it has all that type's required fields):
   * of a parameter of several types, that type's problem is the one to report, not the first type's.
   */
  #claimed: string | null = null;

  /** TYPES of the spec table. */
  readonly types: Readonly<Record<string, TypeSpec>>;
  /**
   * Compiles the spec table into per-method parameter checks.
   * @param methods METHODS of the spec table.
   * @param types TYPES of the spec table.
   */
  constructor(
    methods: Readonly<Record<string, MethodSpec>>,
    types: Readonly<Record<string, TypeSpec>>,
  ) {
    this.types = types;
    for (const [name, spec] of Object.entries(methods)) {
      const params = new Map<string, CompiledParam>();
      for (const p of spec.params) {
        params.set(p.name, {
          name: p.name,
          required: p.required,
          accepts: acceptsAll(p.types),
          label: p.types.join(" or "),
        });
      }
      this.#methods.set(name, { params, required: [...params.values()].filter((p) => p.required) });
    }
  }

  /** The validator function to install in a Dispatcher. */
  get validator(): Validator {
    return (method, input) => this.validate(method, input);
  }

  /** Why `value` is not a valid object of the spec type `typeName` (required fields, field types), or null. */
  check(typeName: string, value: unknown): string | null {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return `${typeName} must be an object`;
    }
    return this.#checkObject(typeName, value as Obj, typeName, 0);
  }

  /** Whether `value` is a valid value of a spec type expression (`"Integer"`, `"Message"`, `"Array of User"`). */
  fits(type: string, value: unknown): boolean {
    return this.#fits(type, value, type, 0, []);
  }

  /** Validates a call in place (coerced values replace the raw ones). */
  validate(method: string, input: CallInput): void {
    const compiled = this.#methods.get(method);
    if (compiled === undefined) return;
    const { params, files } = input;
    if (files.size > 0) {
      for (const [name, file] of files) {
        if (compiled.params.has(name) && params[name] === undefined) params[name] = file;
      }
    }
    for (const key in params) {
      let spec = compiled.params.get(key);
      if (spec === undefined && LEGACY_PARAMS.get(key)?.(params)) {
        spec = compiled.params.get(key);
        if (spec === undefined) continue;
      }
      if (spec === undefined) throw badRequest(`unknown parameter "${key}"`);
      const value = params[key];
      if (value === null || value === undefined) {
        delete params[key];
        continue;
      }
      params[key] = this.#coerce(spec, value);
    }
    for (const spec of compiled.required) {
      const value = params[spec.name];
      const empty = value === "" && !EMPTY_STRING_PARAMS[method]?.includes(spec.name);
      if (value === undefined || empty) throw badRequest(missingReason(method, spec.name));
    }
  }

  #coerce(spec: CompiledParam, value: unknown): unknown {
    this.#problem = null;
    this.#claimed = null;
    for (const a of spec.accepts) {
      const out = this.#accept(a, value, spec.name);
      if (out !== NO) return out;
    }
    throw badRequest(
      this.#claimed ?? this.#problem ?? `wrong type of the parameter "${spec.name}": expected ${spec.label}`,
    );
  }

  /** Whether `value` has every required field of the object type `typeName` (and it has some). */
  #claims(typeName: string, value: Obj): boolean {
    const required = this.types[typeName]?.fields.filter((f) => f.required) ?? [];
    return required.length > 0 && required.every((f) => value[f.name] !== undefined);
  }

  #accept(a: Accepts, value: unknown, path: string): unknown {
    switch (a.kind) {
      case "int":
        if (typeof value === "number") return Number.isInteger(value) ? value : NO;
        if (typeof value === "string" && value.trim() !== "") {
          const n = Number(value);
          return Number.isInteger(n) ? n : NO;
        }
        return NO;
      case "float":
        if (typeof value === "number") return value;
        if (typeof value === "string" && value.trim() !== "") {
          const n = Number(value);
          return Number.isFinite(n) ? n : NO;
        }
        return NO;
      case "string":
        if (typeof value === "string") return value;
        return typeof value === "number" ? String(value) : NO;
      case "bool":
      case "true":
        if (value === true || value === "true" || value === "True" || value === 1 || value === "1") {
          return true;
        }
        if (a.kind === "true") return NO;
        if (value === false || value === "false" || value === "False" || value === 0 || value === "0") {
          return false;
        }
        return NO;
      case "file":
        return value instanceof File || typeof value === "string" ? value : NO;
      case "array":
      case "object": {
        let v = value;
        if (typeof v === "string") {
          try {
            v = JSON.parse(v);
          } catch {
            return NO;
          }
        }
        if (a.kind === "array") {
          if (!Array.isArray(v)) return NO;
          const items = a.items ?? [accepts(a.of!)];
          const out: unknown[] = [];
          for (let i = 0; i < v.length; i++) {
            let item: unknown = NO;
            for (const of of items) {
              item = this.#accept(of, v[i], `${path}[${i}]`);
              if (item !== NO) break;
            }
            if (item === NO) return NO;
            out.push(item);
          }
          return out;
        }
        if (v === null || typeof v !== "object" || Array.isArray(v)) return NO;
        const problem = this.#checkObject(a.of!, v as Obj, path, 0);
        if (problem === null) return v;
        const text = `can't parse ${a.of} JSON object: ${problem}`;
        this.#problem ??= text;
        if (this.#claims(a.of!, v as Obj)) this.#claimed ??= text;
        return NO;
      }
    }
  }

  /** Why `value` is not a valid `typeName`, or null when it is. */
  #checkObject(typeName: string, value: Obj, path: string, depth: number): string | null {
    const type = this.types[typeName];
    if (type === undefined || depth > MAX_DEPTH) return null;
    if (type.subtypes.length > 0) {
      let first: string | null = null;
      for (const sub of type.subtypes) {
        // Plain members (String, Array of …) are tried by #fits; here only object types.
        if (this.types[sub] === undefined) continue;
        const problem = this.#checkObject(sub, value, path, depth + 1);
        if (problem === null) return null;
        first ??= problem;
        const tag = this.types[sub]?.fields.find((f) => f.const !== undefined);
        if (tag !== undefined && value[tag.name] === tag.const) return problem;
      }
      return first;
    }
    for (const field of type.fields) {
      const v = value[field.name];
      if (v === undefined || v === null) {
        if (field.required) return `field "${path}.${field.name}" is required`;
        continue;
      }
      if (field.const !== undefined && v !== field.const) {
        return `field "${path}.${field.name}" must be "${field.const}"`;
      }
      const nested: string[] = [];
      if (!field.types.some((t) => this.#fits(t, v, `${path}.${field.name}`, depth + 1, nested))) {
        return nested[0] ?? `field "${path}.${field.name}" must be ${field.types.join(" or ")}`;
      }
    }
    return null;
  }

  #fits(type: string, value: unknown, path: string, depth: number, problems: string[]): boolean {
    if (typeof value === "string" && STRING_STANDS_FOR.has(type)) return true;
    switch (type) {
      case "Integer":
        return typeof value === "number" && Number.isInteger(value);
      case "Float":
        return typeof value === "number";
      case "String":
        return typeof value === "string";
      case "Boolean":
        return typeof value === "boolean";
      case "True":
        return value === true;
      case "InputFile":
        return typeof value === "string";
    }
    if (type.startsWith("Array of ")) {
      const of = type.slice(9);
      return Array.isArray(value)
        && value.every((item, i) => this.#fits(of, item, `${path}[${i}]`, depth + 1, problems));
    }
    // A union may admit plain values too (RichText is a String, an Array of RichText or an object).
    const plain = this.types[type]?.subtypes.filter((sub) => this.types[sub] === undefined) ?? [];
    if (plain.some((sub) => this.#fits(sub, value, path, depth + 1, problems))) return true;
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const problem = this.#checkObject(type, value as Obj, path, depth);
    if (problem !== null) problems.push(problem);
    return problem === null;
  }
}

const NO: unique symbol = Symbol("no match");
