import assert from "node:assert/strict";
import { EmulatorProcess } from "./support/emulator_process.ts";

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

Deno.test("deno task emulator --script: users send numbered and stamped messages round by round; pending counts and names what is unconfirmed", async () => {
  const emu = await EmulatorProcess.start();
  try {
    const sent = await emu.command({ send: { chats: 2, perChat: 2 } });
    const said = await emu.command({ say: { chat: 1, text: "hello" } });
    const before = Date.now();
    const stamped = await emu.command({ send: { from: 1, chats: 1, perChat: 1, stamp: true } });
    assert.deepEqual([sent.sent, said.sent, stamped.sent], [4, 1, 1]);
    assert.equal(stamped.chat, said.chat);
    assert.notEqual(sent.chat, said.chat);

    const polled = await fetch(`${emu.apiRoot}/bot${emu.token}/getUpdates`).then((r) => r.json());
    const updates = polled.result as {
      update_id: number;
      message: { chat: { id: number }; message_id: number; text: string };
    }[];
    const texts = updates.map(({ message: m }) => `${m.chat.id === sent.chat ? "A" : "B"} ${m.text}`);
    assert.deepEqual(texts.slice(0, 5), ["A 1", "B 1", "A 2", "B 2", "B hello"]);
    const [n, stamp] = texts[5].slice(2).split("@").map(Number);
    assert.equal(n, 3, "numbered on from the user's last numbered message");
    assert.ok(stamp >= before && stamp <= Date.now(), texts[5]);

    assert.deepEqual(
      await emu.pendingKeys(),
      updates.map(({ message: m }) => `${m.chat.id}:${m.message_id}`),
    );
    assert.deepEqual(await emu.command({ pending: true }), { pending: 6, firstId: updates[0].update_id });
    const next = updates[5].update_id + 1;
    await fetch(`${emu.apiRoot}/bot${emu.token}/getUpdates?offset=${next}`).then((r) => r.body?.cancel());
    assert.deepEqual(await emu.command({ pending: "keys" }), { pending: 0, firstId: next, keys: [] });
    assert.match((await emu.command<{ error: string }>({ shout: true })).error, /unknown command/);
    assert.match((await emu.line<{ error: string }>("{not json")).error, /not a JSON command/);
    assert.deepEqual(await emu.command({ pending: true }), { pending: 0, firstId: next }, "still running");
  } finally {
    await emu.close();
  }
});

Deno.test("deno task emulator --script answers each malformed or failing command with an error and goes on", async () => {
  const emu = await EmulatorProcess.start();
  try {
    const refused: [unknown, RegExp][] = [
      [null, /a command must be a JSON object/],
      [[1], /a command must be a JSON object/],
      [{ say: { chat: 0, text: "" } }, /message text is empty/],
      [{ say: { text: "x" } }, /say\.chat must be a whole number/],
      [{ say: { chat: -1, text: "x" } }, /say\.chat must be a whole number/],
      [{ say: { chat: 1.5, text: "x" } }, /say\.chat must be a whole number/],
      [{ say: { chat: 1e9, text: "x" } }, /say\.chat must be a whole number from 0 to 99999/],
      [{ say: { chat: 0 } }, /say\.text must be a string/],
      [{ say: "hi" }, /say must be a JSON object/],
      [{ send: { chats: "2", perChat: 1 } }, /send\.chats must be a whole number/],
      [{ send: { chats: 1, perChat: -1 } }, /send\.perChat must be a whole number/],
      [{ send: { chats: 1, perChat: 1, from: -3 } }, /send\.from must be a whole number/],
      [{ send: { chats: 1, perChat: 1, gapMs: "soon" } }, /send\.gapMs must be a number/],
    ];
    for (const [command, reason] of refused) {
      const answer = await emu.command<{ error?: string }>(command);
      assert.match(answer.error ?? JSON.stringify(answer), reason, JSON.stringify(command));
    }
    assert.deepEqual(await emu.command({ pending: true }), { pending: 0, firstId: 1 }, "nothing was sent");
    assert.equal((await emu.command({ say: { chat: 0, text: "still here" } })).sent, 1);
    assert.equal((await emu.command({ pending: true })).pending, 1);
  } finally {
    await emu.close();
  }
});
