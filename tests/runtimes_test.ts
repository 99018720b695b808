import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";

// The library is for Node and Bun too. Node runs a bundle made by `deno bundle`; Bun (from npm, as
// the machine's other tools) runs the TypeScript sources as they are. Both talk to the emulator by
// long polling and by webhook: node:http through nodeAdapter, and Bun.serve with the handler itself.
const root = new URL("../", import.meta.url);
const BUN = ["-y", "bun@1.4.5"];
const NODE22 = ["-y", "node@22"];

async function works(command: string, args: string[]): Promise<boolean> {
  return await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output()
    .then((o) => o.success, () => false);
}
const haveNode = await works("node", ["--version"]);
const haveBun = await works("npx", [...BUN, "--version"]);
const haveNode22 = await works("npx", [...NODE22, "--version"]);

async function bundleForNode(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "telepot-node-" });
  const out = `${dir}/bot.mjs`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--external",
      "node:*",
      "-o",
      out,
      "tests/support/runtime_bot.ts",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  return out;
}

async function echoTwice(
  runtime: string,
  command: (apiRoot: string, token: string) => Deno.Command,
  mode: string,
) {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "runtime_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const child = command(emu.apiRoot, token).spawn();
  try {
    for (const text of ["one", "two"]) {
      await alice.sendText(alice.id, text);
      const reply = await emu.nextBotMessage(alice.id, { timeout: 30 });
      assert.equal(reply.text, `${runtime} ${mode} echo: ${text}`);
    }
  } finally {
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(stdout, new RegExp(`started as @runtime_bot under ${runtime}`));
    assert.match(stdout, /echoed 2/);
    assert.ok(!stdout.includes(token));
  }
}

for (const mode of ["poll", "webhook"]) {
  Deno.test({
    name: `runtimes: a bundled bot runs under Node (${mode})`,
    ignore: !haveNode,
    fn: async () => {
      const script = await bundleForNode();
      try {
        await echoTwice(
          "node",
          (apiRoot, token) =>
            new Deno.Command("node", {
              args: [script, apiRoot, token, mode],
              stdout: "piped",
              stderr: "piped",
            }),
          mode,
        );
      } finally {
        await Deno.remove(script.slice(0, script.lastIndexOf("/")), { recursive: true });
      }
    },
  });
}

for (const mode of ["poll", "webhook", "bunserve"]) {
  Deno.test({
    name: `runtimes: the sources run under Bun (${mode})`,
    ignore: !haveBun,
    fn: () =>
      echoTwice(
        "bun",
        (apiRoot, token) =>
          new Deno.Command("npx", {
            args: [...BUN, "tests/support/runtime_bot.ts", apiRoot, token, mode],
            cwd: root,
            stdout: "piped",
            stderr: "piped",
          }),
        mode,
      ),
  });
}

// Node 22 strips the types itself: the sources run as they are, with no bundle and no build.
for (const mode of ["poll", "webhook"]) {
  Deno.test({
    name: `runtimes: the sources run under Node 22's type stripping (${mode})`,
    ignore: !haveNode22,
    fn: () =>
      echoTwice(
        "node",
        (apiRoot, token) =>
          new Deno.Command("npx", {
            args: [...NODE22, "--no-warnings", "tests/support/runtime_bot.ts", apiRoot, token, mode],
            cwd: root,
            stdout: "piped",
            stderr: "piped",
          }),
        mode,
      ),
  });
}
