/** Spec table → `api/payloads.gen.ts`: what each Update kind and each telepot flavor carries, for typed handlers. */
import { flavorMethodName, flavorOfKind, updatePayloads } from "./classify.ts";
import { generatedHeader, jsdoc } from "./emit_ts.ts";
import type { SpecTable } from "./spec_table.ts";

/** The generated payload maps and the default router's typed methods. */
export function emitPayloads(table: SpecTable): string {
  const kinds = updatePayloads(table);
  const flavors = new Map<string, string>();
  for (const [kind, type] of kinds) flavors.set(flavorOfKind(kind, type), type);
  const types = [...new Set(kinds.map(([, type]) => type))].sort();
  const link = `${table.documentation}#update`;
  let out = generatedHeader(table);
  out += `import type { ${types.join(", ")} } from "./types.gen.ts";\n\n`;
  out += jsdoc(["The payload each Update kind carries: the type of the Update field of that name."]);
  out += "export interface UpdatePayloads {\n";
  for (const [kind, type] of kinds) {
    out += jsdoc([`[${kind}](${link}): a ${type}.`], "  ") + `  ${kind}: ${type};\n`;
  }
  out += "}\n\n";
  out += jsdoc([
    "The payload of each telepot flavor: `chat` (and `edited_chat` for edits) for every Update kind that",
    "carries a Message, every other Update kind under its own name.",
  ]);
  out += "export interface FlavorPayloads {\n";
  for (const [flavor, type] of flavors) {
    out += jsdoc([`Flavor \`${flavor}\`: a ${type}.`], "  ") + `  ${flavor}: ${type};\n`;
  }
  out += "}\n\n";
  out += jsdoc([
    "The methods telepot's default router calls, one per flavor, each with its flavor's payload: a class",
    "that `implements FlavorMethods` (a `Bot` or handler subclass) has its `on…` methods checked.",
  ]);
  out += "export interface FlavorMethods {\n";
  for (const [flavor, type] of flavors) {
    out += jsdoc([`Receives each \`${flavor}\` ${type}; a returned promise is awaited.`], "  ");
    // Property syntax: its parameter is checked contravariantly, so a class method that narrows the
    // payload (`onCallbackQuery(q: CallbackQuery & { data: string })`) is refused; method syntax
    // would be bivariant.
    out += `  ${flavorMethodName(flavor)}?: (msg: ${type}) => unknown;\n`;
  }
  out += "}\n";
  return out;
}
