import assert from "node:assert/strict";

/** Starts `testing/cli.ts` with the flags; resolves its API root, token and a reader of its stderr. */
async function startCli(flags: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../testing/cli.ts", import.meta.url).pathname, ...flags],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("Ctrl-C")) {
    const { value, done } = await stdout.read();
    if (done) throw new Error(`the emulator stopped early:\n${text}`);
    text += value;
  }
  const apiRoot = /apiRoot\s+(\S+)/.exec(text)![1];
  const token = /token\s+(\S+)/.exec(text)![1];
  const user = Number(/user\s+(\d+)/.exec(text)![1]);
  const stop = async () => {
    child.kill("SIGINT");
    await child.status;
    await stdout.cancel();
    await child.stdin.close().catch(() => {});
    return await new Response(child.stderr).text();
  };
  return { apiRoot, token, user, stop };
}

async function send(apiRoot: string, token: string, params: Record<string, unknown>) {
  const r = await fetch(`${apiRoot}/bot${token}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: r.status, body: await r.json() };
}

Deno.test("deno task emulator prints each leniency to stderr; --strict refuses it instead", async () => {
  const lenient = await startCli([]);
  const sent = await send(lenient.apiRoot, lenient.token, {
    chat_id: lenient.user,
    text: "hi",
    colour: "red",
  });
  assert.equal(sent.status, 200);
  const warnings = await lenient.stop();
  assert.match(warnings, /warning: sendMessage colour: unknown parameter ignored/);

  const strict = await startCli(["--strict"]);
  const refused = await send(strict.apiRoot, strict.token, {
    chat_id: strict.user,
    text: "hi",
    colour: "red",
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.description, "Bad Request: unknown parameter \"colour\"");
  await strict.stop();
});
