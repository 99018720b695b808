import assert from "node:assert/strict";

// The JSR package: only what users need, documentation clean on every entry point, and JSDoc examples
// a reader on jsr.io can paste (they import the package by its name).
const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const entries: string[] = Object.values(config.exports);
const PACKAGE = config.name as string;

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function graph(entry: string): Promise<string[]> {
  const { code, stdout, stderr } = await deno(["info", "--json", entry]);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout).modules.map((m: { specifier: string }) => m.specifier)
    .filter((s: string) => s.startsWith(root.href)).map((s: string) => s.slice(root.href.length));
}

Deno.test("jsr: the dry run publishes the library's modules, the web UI's page, README, LICENSE and deno.json, nothing else", async () => {
  const { code, stdout, stderr } = await deno(["publish", "--dry-run", "--allow-dirty"]);
  const output = stdout + stderr;
  assert.equal(code, 0, output);
  assert.doesNotMatch(output, /warning/i);
  const files = [...output.matchAll(/file:\/\/\/\S+/g)].map((m) => m[0].slice(root.href.length));
  const needed = new Set((await Promise.all(entries.map(graph))).flat());
  // The web UI's page, read from beside testing/ui/assets.ts.
  for (const asset of Deno.readDirSync(new URL("testing/ui/static/", root))) {
    needed.add(`testing/ui/static/${asset.name}`);
  }
  for (const file of needed) assert.ok(files.includes(file), `${file} is needed but not published`);
  const extra = files.filter((f) => !needed.has(f) && !["README.md", "LICENSE", "deno.json"].includes(f));
  assert.deepEqual(extra, []);
  assert.ok(files.every((f) => !f.endsWith(".json") || f === "deno.json"), "no spec JSON, no lockfile");
});

Deno.test("jsr: deno doc --lint is clean on every entry point", async () => {
  const { code, stdout, stderr } = await deno(["doc", "--lint", ...entries]);
  assert.equal(code, 0, stdout + stderr);
});

function examples(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) { for (const item of node) examples(item, found); }
  else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    if (record.kind === "example" && typeof record.doc === "string") found.push(record.doc);
    for (const value of Object.values(record)) examples(value, found);
  }
  return found;
}

Deno.test("jsr: JSDoc examples import the package by its name, and type-check", async () => {
  const { code, stdout, stderr } = await deno(["doc", "--json", ...entries]);
  assert.equal(code, 0, stderr);
  const docs = examples(JSON.parse(stdout));
  assert.ok(docs.length >= 10, `${docs.length} examples`);
  const sources = docs.flatMap((doc) => [...doc.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]));
  const foreign = sources.filter((s) =>
    !(s === PACKAGE || s.startsWith(`${PACKAGE}/`) || s.startsWith("node:"))
  );
  assert.deepEqual(foreign, []);
  const checked = await deno(["check", "--doc", ...entries]);
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
});
