/**
 * `deno task codegen`: spec table → generated files.
 *
 *   deno task codegen                          regenerate from codegen/botapi.json
 *   deno task codegen --import-html <file|url> re-import the table from the official page, then regenerate
 *   deno task codegen --import-json <file>     re-import the table from the community JSON format
 *   deno task codegen --import-dts <folder>    re-import the table from @gramio/types declarations
 *                                              (the package's out/ folder, e.g. node_modules/@gramio/types/out after `npm i @gramio/types`)
 *   … --out <dir>                              write into <dir> instead of the repository (to compare first)
 *   deno task codegen:check                    regenerate into a temporary folder; fail if a committed file differs
 */
import { emitMethods } from "./emit_methods.ts";
import { emitNamedTuple } from "./emit_namedtuple.ts";
import { emitPayloads } from "./emit_payloads.ts";
import { emitClassification, emitSpec } from "./emit_spec.ts";
import { emitNamedTypes, emitOpenApiTypes } from "./emit_types.ts";
import { importDeclarations, readDeclarations } from "./import_dts.ts";
import { importOfficialHtml } from "./import_html.ts";
import { importCommunityJson } from "./import_json.ts";
import { keepFacts } from "./keep_facts.ts";
import { toOpenApi } from "./openapi.ts";
import { type SpecTable, validateTable } from "./spec_table.ts";

const ROOT = new URL("../", import.meta.url);
const TABLE = "codegen/botapi.json";

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
    return await res.text();
  }
  return await Deno.readTextFile(source);
}

/** Every generated file, path relative to the repository root → content. */
export async function generateAll(table: SpecTable): Promise<Map<string, string>> {
  const problems = validateTable(table);
  if (problems.length) throw new Error(`spec table is inconsistent:\n${problems.join("\n")}`);
  const openapi = toOpenApi(table);
  return new Map([
    [TABLE, JSON.stringify(table, null, 2) + "\n"],
    ["api/openapi.gen.json", JSON.stringify(openapi, null, 2) + "\n"],
    ["api/openapi.gen.ts", await emitOpenApiTypes(table, openapi)],
    ["api/types.gen.ts", emitNamedTypes(table)],
    ["api/spec.gen.ts", emitSpec(table)],
    ["api/classification.gen.ts", emitClassification(table)],
    ["api/methods.gen.ts", emitMethods(table)],
    ["api/payloads.gen.ts", emitPayloads(table)],
    ["namedtuple/factories.gen.ts", emitNamedTuple(table)],
  ]);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A folder path (relative to the working directory, or absolute) as a URL ending in a slash. */
function dirUrl(path: string): URL {
  return new URL(`${path.replace(/\/*$/, "")}/`, `file://${Deno.cwd()}/`);
}

async function writeAll(files: Map<string, string>, target: URL): Promise<void> {
  for (const [path, content] of files) {
    const file = new URL(path, target);
    await Deno.mkdir(new URL(".", file), { recursive: true });
    await Deno.writeTextFile(file, content);
  }
}

async function main(args: string[]) {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const html = flag("--import-html");
  const json = flag("--import-json");
  const dts = flag("--import-dts");
  const committed = (): Promise<SpecTable> =>
    Deno.readTextFile(new URL(TABLE, ROOT)).then((text) => JSON.parse(text));
  // An import keeps what its source does not carry from the table it replaces (see keep_facts.ts).
  const table: SpecTable = html
    ? keepFacts(importOfficialHtml(await readSource(html)), await committed())
    : json
    ? keepFacts(importCommunityJson(JSON.parse(await readSource(json))), await committed())
    : dts
    ? keepFacts(importDeclarations(await readDeclarations(dts, await committed())), await committed())
    : await committed();
  const files = await generateAll(table);
  if (args.includes("--check")) {
    // Regenerate into a scratch folder through the same writer, then compare with what is committed.
    const scratch = await Deno.makeTempDir({ prefix: "telepot-codegen-" });
    try {
      await writeAll(files, dirUrl(scratch));
      const stale: string[] = [];
      for (const path of files.keys()) {
        const committed = await Deno.readFile(new URL(path, ROOT)).catch(() => null);
        const fresh = await Deno.readFile(new URL(path, dirUrl(scratch)));
        if (committed === null || !bytesEqual(committed, fresh)) stale.push(path);
      }
      if (stale.length) {
        console.error(`generated files are out of date (run deno task codegen):\n  ${stale.join("\n  ")}`);
        Deno.exit(1);
      }
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
    console.log(`generated files are in sync with ${TABLE} (Bot API ${table.version})`);
    return;
  }
  const out = flag("--out");
  await writeAll(files, out ? dirUrl(out) : ROOT);
  console.log(
    `Bot API ${table.version}: ${table.methods.length} methods, ${table.types.length} types → ${files.size} files`,
  );
}

if (import.meta.main) await main(Deno.args);
