import assert from "node:assert/strict";

/** The ```ts blocks of a file's JSDoc, with the comment margin taken off. */
function examples(source: string): string[] {
  const blocks: string[] = [];
  for (const match of source.matchAll(/^ \* ```ts\n([\s\S]*?)^ \* ```$/gm)) {
    blocks.push(match[1].split("\n").map((line) => line.replace(/^ \*( |$)/, "")).join("\n"));
  }
  return blocks;
}

/** What the example says it prints: the `// "…"` comments after its console.log calls, in order. */
function promised(example: string): string[] {
  return [...example.matchAll(/console\.log\(.*\); \/\/ "(.*)"$/gm)].map((m) => m[1]);
}

for (const file of ["mod.ts", "emulator.ts"]) {
  Deno.test(`the JSDoc example of testing/${file} runs and prints what it promises`, async () => {
    const url = new URL(`../testing/${file}`, import.meta.url);
    const found = examples(await Deno.readTextFile(url));
    assert.equal(found.length, 1, `one example in testing/${file}`);
    const code = found[0];
    assert.match(code, /from "@telepot\/telepot-ts\/testing"/, "the example imports the testing entry point");
    // Run from the repository, where deno.json resolves the package's own name.
    const run = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "-"],
      cwd: new URL("../", import.meta.url),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = run.stdin.getWriter();
    await writer.write(new TextEncoder().encode(code));
    await writer.close();
    const { code: status, stdout, stderr } = await run.output();
    assert.equal(status, 0, new TextDecoder().decode(stderr));
    const printed = new TextDecoder().decode(stdout).trimEnd().split("\n");
    assert.ok(promised(found[0]).length > 0, "the example says what it prints");
    assert.deepEqual(printed, promised(found[0]));
  });
}
