/**
 * Type tests: tests/types/pass_*.ts must compile; in tests/types/fail_*.ts every line marked
 * `// expect TS<code>` must fail with exactly that error, and no other line may fail.
 */
import assert from "node:assert/strict";

const DIR = new URL("./types/", import.meta.url);

async function fixtures(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (entry.isFile && entry.name.startsWith(prefix) && entry.name.endsWith(".ts")) names.push(entry.name);
  }
  return names.sort();
}

/** Runs `deno check` on the fixtures; every error as `file:line TScode`, at its first location in a fixture. */
async function check(names: string[]): Promise<{ code: number; errors: string[]; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...names.map((name) => new URL(name, DIR).pathname)],
    env: { NO_COLOR: "1" },
  }).output();
  const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  const errors = output.split(/\n(?=TS\d+ \[ERROR\])/).flatMap((block) => {
    const error = /^TS(\d+) \[ERROR\]/.exec(block.trimStart());
    const at = /at file:\/\/\/\S*\/tests\/types\/([\w.]+):(\d+):\d+/.exec(block);
    return error && at ? [`${at[1]}:${at[2]} TS${error[1]}`] : [];
  });
  return { code, errors, output };
}

Deno.test("type tests: the pass fixtures compile", async () => {
  const names = await fixtures("pass_");
  assert.ok(names.length >= 2);
  const { code, output } = await check(names);
  assert.equal(code, 0, output);
});

Deno.test("type tests: each marked line of the fail fixtures fails with its error, and nothing else fails", async () => {
  const names = await fixtures("fail_");
  const expected: string[] = [];
  for (const name of names) {
    const lines = (await Deno.readTextFile(new URL(name, DIR))).split("\n");
    lines.forEach((line, i) => {
      const mark = /\/\/ expect (TS\d+)\s*$/.exec(line);
      if (mark) expected.push(`${name}:${i + 1} ${mark[1]}`);
    });
  }
  assert.ok(expected.length >= 15, `${expected.length} expectations`);
  const { code, errors, output } = await check(names);
  assert.notEqual(code, 0);
  assert.deepEqual([...new Set(errors)].sort(), expected.sort(), output);
});
