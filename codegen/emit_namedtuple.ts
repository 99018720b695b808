/** Spec table → `namedtuple/factories.gen.ts`: one factory per object type. */
import { generatedHeader, jsdoc } from "./emit_ts.ts";
import type { SpecTable } from "./spec_table.ts";

/** One `namedtuple(name)` factory per object type (unions included). */
export function emitNamedTuple(table: SpecTable): string {
  let out = generatedHeader(table);
  out +=
    `import type * as T from "../api/types.gen.ts";\nimport { type NamedTupleFactory, namedtuple } from "./namedtuple.ts";\n`;
  for (const t of table.types) {
    if (t.name === "InputFile") continue;
    out += "\n"
      + jsdoc([
        `Factory for [${t.name}](${table.documentation}${t.link}): every field present, \`null\` where absent.`,
      ]);
    out += `export const ${t.name}: NamedTupleFactory<T.${t.name}> = namedtuple("${t.name}");\n`;
  }
  return out;
}
