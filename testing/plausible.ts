import type { TypeSpec } from "../api/spec.gen.ts";
import { randomId } from "./files.ts";
import type { Obj } from "./types.ts";

const MAX_DEPTH = 6;

/**
 * Builds a minimal valid value of a spec type expression: required fields only, zero-ish values, the first
 * member of a union, discriminators at their fixed value. Methods the emulator does not model answer with it.
 */
export function plausible(types: Readonly<Record<string, TypeSpec>>, type: string, depth = 0): unknown {
  switch (type) {
    case "Integer":
    case "Float":
      return 0;
    case "String":
      return randomId(12);
    case "Boolean":
      return false;
    case "True":
      return true;
    case "InputFile":
      return "";
  }
  if (type.startsWith("Array of ")) return [];
  const spec = types[type];
  if (spec === undefined || depth > MAX_DEPTH) return {};
  if (spec.subtypes.length > 0) return plausible(types, spec.subtypes[0], depth + 1);
  const out: Obj = {};
  for (const field of spec.fields) {
    if (!field.required) continue;
    out[field.name] = field.const ?? plausible(types, field.types[0], depth + 1);
  }
  return out;
}

/** The value a call returns when only "it worked" matters: `true` for Boolean, a filler otherwise. */
export function plausibleResult(
  types: Readonly<Record<string, TypeSpec>>,
  returns: readonly string[],
): unknown {
  const type = returns[0] ?? "True";
  if (type === "Boolean" || type === "True") return true;
  return plausible(types, type);
}
