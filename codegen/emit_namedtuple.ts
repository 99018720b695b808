/** Spec table → `namedtuple/factories.gen.ts`: one factory per object type. */
import { generatedHeader, jsdoc } from "./emit_ts.ts";
import type { SpecTable } from "./spec_table.ts";

/**
 * One `namedtuple(name)` factory per object type (unions included). Fields whose value the spec fixes
 * (`const`: a result's `type`, a boost source's `source`, a member's `status`) and required fields that
 * can only be True (`remove_keyboard`, `force_reply`) may be left out: the factory fills them in.
 */
export function emitNamedTuple(table: SpecTable): string {
  let out = generatedHeader(table);
  out +=
    `import type * as T from "../api/types.gen.ts";\nimport { type NamedTupleFactory, namedtuple } from "./namedtuple.ts";\n`;
  for (const t of table.types) {
    if (t.name === "InputFile") continue;
    const fixed = t.fields.filter((f) =>
      f.const !== undefined || (f.required && f.types.length === 1 && f.types[0] === "True")
    );
    out += "\n"
      + jsdoc([
        `Factory for [${t.name}](${table.documentation}${t.link}): every field present, \`null\` where absent${
          fixed.length ? `; ${fixed.map((f) => `\`${f.name}\``).join(", ")} filled in` : ""
        }.`,
      ]);
    const typeArgs = fixed.length
      ? `T.${t.name}, ${fixed.map((f) => JSON.stringify(f.name)).join(" | ")}`
      : `T.${t.name}`;
    out += `export const ${t.name}: NamedTupleFactory<${typeArgs}> = namedtuple("${t.name}");\n`;
  }
  return out;
}
