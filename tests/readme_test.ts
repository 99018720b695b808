/**
 * The README's TypeScript must compile: every ```ts block is written to its own module (with `./`
 * imports pointed at the repository) and type-checked with `deno check` against the project's config.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const README = await Deno.readTextFile(new URL("README.md", ROOT));

/** A fenced ```ts block and the README line its code starts on. */
interface Block {
  readonly line: number;
  readonly code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** Points `./x` and `../x` specifiers at the repository, so a block compiles from anywhere. */
function anchored(code: string): string {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"']+)\2/g,
    (_, lead: string, quote: string, path: string) => `${lead}${quote}${new URL(path, ROOT).href}${quote}`,
  );
}

Deno.test("the README's set-up commands are the two documented ones", () => {
  assert.ok(README.includes("npx -y deno@2.9.6 task demo\n"));
  assert.ok(README.includes("npx -y deno@2.9.6 task test\n"));
});

Deno.test("every TypeScript block of the README type-checks", async () => {
  const blocks = tsBlocks(README);
  assert.ok(blocks.length >= 10, `expected the README's code blocks, found ${blocks.length}`);
  const dir = await Deno.makeTempDir({ prefix: "readme_check_" });
  try {
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const file = `${dir}/block_${String(i + 1).padStart(2, "0")}_line_${block.line}.ts`;
      // `export {}` keeps each block a module of its own, so blocks never share globals.
      await Deno.writeTextFile(file, `${anchored(block.code)}\nexport {};\n`);
      files.push(file);
    }
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, ...files],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, `README blocks failed to type-check (file names give the README line):\n${output}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the README check catches a block that does not type-check", async () => {
  const dir = await Deno.makeTempDir({ prefix: "readme_check_" });
  try {
    const file = `${dir}/broken.ts`;
    await Deno.writeTextFile(file, anchored(`import { Bot } from "./mod.ts";\nnew Bot(42);\nexport {};\n`));
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, file],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.notEqual(code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
