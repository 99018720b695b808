import assert from "node:assert/strict";
import { BadInput } from "../exception/mod.ts";
import { Bot, guardNodeServer, serveWebhook, webhookHandler } from "../mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

Deno.test("serveWebhook: the emulator delivers to a bot served with deadlines, which answers", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "served_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bot = new Bot(token, { apiRoot: emu.apiRoot });
  const server = await serveWebhook(webhookHandler(bot, { secretToken: "served" }), { port: 0 });
  const loop = bot.messageLoop({
    chat: (msg) => bot.sendMessage(msg.chat.id, `echo: ${msg.text}`).then(() => {}),
  });
  try {
    await bot.setWebhook(`${server.origin}/hook`, { secret_token: "served" });
    for (const text of ["one", "two"]) {
      await alice.sendText(alice.id, text);
      assert.equal((await emu.nextBotMessage(alice.id, { timeout: 30 })).text, `echo: ${text}`);
    }
  } finally {
    await bot.deleteWebhook();
    await loop.stop();
    await server.shutdown();
  }
});

/** Sends `head` on a new connection and resolves with what the server sent before closing it. */
async function answerThenClose(port: number, head: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  // Read to the end: this resolves only once the server closes the connection (generously bounded, so
  // that a server that never closes fails the test instead of hanging it).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const never = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error("the server never closed the connection")), 60_000);
  });
  try {
    return await Promise.race([new Response(conn.readable).text(), never]);
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the server already
    }
  }
}

Deno.test("serveWebhook: a slow handler is not cut by requestTimeout; the idle keep-alive connection is closed after headerTimeout", async () => {
  const server = await serveWebhook(async (request) => {
    await request.text();
    await new Promise((r) => setTimeout(r, 2500));
    return new Response("late but whole");
  }, { port: 0, headerTimeout: 1, requestTimeout: 1 });
  try {
    const port = Number(new URL(server.origin).port);
    const seen = await answerThenClose(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    assert.match(seen, /^HTTP\/1\.1 200 /);
    assert.match(seen, /late but whole$/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveWebhook: a handler that is no function, a malformed port, host name or deadline is a BadInput, before listening; guardNodeServer: a server that is none", () => {
  const handle = () => Promise.resolve(new Response());
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  // The bot itself, or webhookHandler's options, in the handler's place.
  for (const notAHandler of [bot, { secretToken: "s3cret" }, undefined]) {
    assert.throws(
      () => serveWebhook(notAHandler as never, { port: 0 }),
      (e) => e instanceof BadInput && e.argument === "handler",
    );
  }
  assert.throws(() => serveWebhook(handle, { port: -1 }), BadInput);
  assert.throws(() => serveWebhook(handle, { port: 1.5 }), BadInput);
  assert.throws(() => serveWebhook(handle, { port: 0, headerTimeout: 0 }), BadInput);
  assert.throws(() => serveWebhook(handle, { port: 0, requestTimeout: Infinity }), BadInput);
  assert.throws(
    () => serveWebhook(handle, { port: 0, hostname: 5 as unknown as string }),
    (e) => e instanceof BadInput && e.argument === "options.hostname",
  );
  assert.throws(
    () => guardNodeServer(null as never),
    (e) => e instanceof BadInput && e.argument === "server",
  );
});
