import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";

// The library is meant for Node too: bundle a bot with `deno bundle` and run it with the machine's
// Node against the emulator, by long polling and through nodeAdapter on node:http.
const node = await new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" }).output()
  .then((o) => o.success, () => false);

async function bundle(): Promise<string> {
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
      "tests/support/node_bot.ts",
    ],
    cwd: new URL("../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  return out;
}

for (const mode of ["poll", "webhook"]) {
  Deno.test({
    name: `node: a bundled bot runs under Node (${mode})`,
    ignore: !node,
    fn: async () => {
      const script = await bundle();
      await using emu = await BotApiEmulator.start();
      const { token } = emu.createBot({ username: "node_bot" });
      const alice = emu.createUser({ first_name: "Alice" });
      const child = new Deno.Command("node", {
        args: [script, emu.apiRoot, token, mode],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      try {
        for (const text of ["one", "two"]) {
          await alice.sendText(alice.id, text);
          const reply = await emu.nextBotMessage(alice.id, { timeout: 20 });
          assert.equal(reply.text, `node ${mode} echo: ${text}`);
        }
      } finally {
        const out = await child.output();
        const stdout = new TextDecoder().decode(out.stdout);
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
        assert.match(stdout, /started as @node_bot under node/);
        assert.match(stdout, /echoed 2/);
        assert.ok(!stdout.includes(token));
        await Deno.remove(script.slice(0, script.lastIndexOf("/")), { recursive: true });
      }
    },
  });
}
