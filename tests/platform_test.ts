import assert from "node:assert/strict";
import ts from "npm:typescript@5.9.3";

// Runs everywhere: library code reaches the runtime only through platform/, and every module is plain
// enough for Node's type stripping (no parameter properties, enums, namespaces).
const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const entries: string[] = Object.values(config.exports);

async function libraryModules(): Promise<string[]> {
  const found = new Set<string>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    for (const module of JSON.parse(new TextDecoder().decode(out.stdout)).modules) {
      if (module.specifier.startsWith(root.href)) found.add(module.specifier.slice(root.href.length));
    }
  }
  return [...found].sort();
}

/** Lines where the source names the `Deno` global, in code or types (comments do not count). */
function denoUses(fileName: string, text: string): number[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && node.text === "Deno") {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

const modules = await libraryModules();

Deno.test("platform: the detector sees Deno in code and types, not in comments", () => {
  assert.deepEqual(
    denoUses("a.ts", "// Deno.exit\nconst f: Deno.FsFile = x;\nDeno.exit(0);\nglobalThis.Deno;"),
    [2, 3, 4],
  );
});

Deno.test("platform: no library module outside platform/ names the Deno global", async () => {
  assert.ok(modules.includes("mod.ts") && modules.includes("testing/emulator.ts"), modules.join(" "));
  const offenders: string[] = [];
  for (const path of modules) {
    if (path.startsWith("platform/")) continue;
    const lines = denoUses(path, await Deno.readTextFile(new URL(path, root)));
    if (lines.length > 0) offenders.push(`${path}:${lines.join(",")}`);
  }
  assert.deepEqual(offenders, []);
});

const NODE22 = ["-y", "node@22"];
const haveNode22 = await new Deno.Command("npx", {
  args: [...NODE22, "--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "platform: Node's type stripping accepts every library module",
  ignore: !haveNode22,
  fn: async () => {
    const script = `
      import { stripTypeScriptTypes } from "node:module";
      import { readFileSync } from "node:fs";
      for (const file of process.argv.slice(1)) {
        try { stripTypeScriptTypes(readFileSync(file, "utf8"), { mode: "strip" }); }
        catch (e) { console.log(file + ": " + String(e.message).split("\\n")[0]); }
      }
      console.log("checked " + (process.argv.length - 1));`;
    const out = await new Deno.Command("npx", {
      args: [...NODE22, "--no-warnings", "--input-type=module", "-e", script, ...modules],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(stdout, `checked ${modules.length}`);
  },
});
