import assert from "node:assert/strict";

Deno.test("deno task emulator: the CLI prints apiRoot and a token, serves, and stops on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../testing/cli.ts", import.meta.url).pathname,
      "--bot",
      "cli_bot",
      "--token",
      "4242:fixed-token",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("Ctrl-C")) {
    const { value, done } = await lines.read();
    if (done) break;
    text += value;
  }
  const apiRoot = /apiRoot\s+(\S+)/.exec(text)?.[1];
  const token = /token\s+(\S+)/.exec(text)?.[1];
  assert.ok(apiRoot !== undefined && token !== undefined, text);
  const me = await (await fetch(`${apiRoot}/bot${token}/getMe`)).json();
  assert.equal(me.result.username, "cli_bot");
  assert.equal(token, "4242:fixed-token");
  assert.equal(me.result.id, 4242, "the id comes from the token, as in Telegram");
  const encoded = await (await fetch(`${apiRoot}/bot${token.replace(":", "%3A")}/getMe`)).json();
  assert.equal(encoded.ok, true, "a percent-encoded token is understood");
  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 0);
  await lines.cancel();
});
