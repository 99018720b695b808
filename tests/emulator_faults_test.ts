import assert from "node:assert/strict";
import {
  blockedByUser,
  BotApiEmulator,
  FloodGate,
  notModified,
  ScriptError,
  tooManyRequests,
} from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "fault_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  return { emu, bot, alice };
}

Deno.test("a Telegram error fault answers that error for its count, then the method works again", async () => {
  const { emu, bot, alice } = await setup();
  try {
    const fault = emu.injectFault({ method: "sendMessage", error: tooManyRequests(3), times: 2 });
    for (let i = 0; i < 2; i++) {
      const limited = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "x" });
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.body, {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 3",
        parameters: { retry_after: 3 },
      });
    }
    assert.equal(fault.hits, 2);
    assert.equal(emu.transcript(alice.id).length, 0, "a failed call has no effect");
    await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "x" });
    const other = await call(emu.apiRoot, bot.token, "getMe");
    assert.equal(other.status, 200);
    const none = emu.injectFault({ method: "getMe", error: tooManyRequests(3), times: 0 });
    assert.equal((await call(emu.apiRoot, bot.token, "getMe")).status, 200, "times: 0 hits nothing");
    assert.equal(none.hits, 0);
    // A media type in another case is the same media type.
    const shouting = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "Application/JSON; Charset=UTF-8" },
      body: JSON.stringify({ chat_id: alice.id, text: "loud" }),
    });
    assert.equal((await shouting.json()).result.text, "loud");
  } finally {
    await emu.close();
  }
});

Deno.test("canned errors: not modified (400) and blocked (403); a global fault hits every method", async () => {
  const { emu, bot, alice } = await setup();
  try {
    emu.injectFault({ method: "editMessageText", error: notModified() });
    const nm = await call(emu.apiRoot, bot.token, "editMessageText", {
      chat_id: 1,
      message_id: 1,
      text: "x",
    });
    assert.equal(nm.status, 400);
    assert.match(nm.body.description, /^Bad Request: message is not modified/);
    const global = emu.injectFault({ error: blockedByUser(), times: 2 });
    const blocked = await call(emu.apiRoot, bot.token, "getMe");
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.description, "Forbidden: bot was blocked by the user");
    const alsoBlocked = await call(emu.apiRoot, bot.token, "getChat", { chat_id: alice.id });
    assert.equal(alsoBlocked.status, 403, "a fault without a method hits any method");
    assert.equal(global.remaining, 0);
    assert.equal((await call(emu.apiRoot, bot.token, "getChat", { chat_id: alice.id })).status, 200);
  } finally {
    await emu.close();
  }
});

Deno.test("an HTTP status fault, an HTML page, and a dropped connection", async () => {
  const { emu, bot } = await setup();
  try {
    emu.injectFault({ method: "getMe", status: 502 });
    const status = await call(emu.apiRoot, bot.token, "getMe");
    assert.equal(status.status, 502);
    assert.deepEqual(status.body, { ok: false, error_code: 502, description: "Bad Gateway" });
    emu.injectFault({ method: "getMe", html: true });
    const page = await fetch(`${emu.apiRoot}/bot${bot.token}/getMe`);
    assert.equal(page.status, 502);
    assert.equal(page.headers.get("content-type"), "text/html");
    assert.match(await page.text(), /<html>/);
    emu.injectFault({ method: "getMe", drop: true });
    await assert.rejects(async () => {
      const r = await fetch(`${emu.apiRoot}/bot${bot.token}/getMe`);
      await r.json();
    });
    assert.equal((await call(emu.apiRoot, bot.token, "getMe")).status, 200, "the server keeps serving");
  } finally {
    await emu.close();
  }
});

Deno.test("latency delays the answer; performed faults run the method and then lose the answer", async () => {
  const { emu, bot, alice } = await setup();
  try {
    emu.injectFault({ method: "getMe", latency: 0.3 });
    const t0 = performance.now();
    assert.equal((await call(emu.apiRoot, bot.token, "getMe")).status, 200);
    assert.ok(performance.now() - t0 >= 280);
    emu.injectFault({ method: "sendMessage", status: 500, performed: true });
    const lost = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "did it?" });
    assert.equal(lost.status, 500);
    assert.equal(emu.transcript(alice.id)[0].text, "did it?", "the message was sent all the same");
  } finally {
    await emu.close();
  }
});

Deno.test("a probability fault hits some requests and can be removed", async () => {
  const { emu, bot } = await setup();
  try {
    const fault = emu.injectFault({ method: "getMe", status: 500, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await call(emu.apiRoot, bot.token, "getMe")).status);
    const failed = statuses.filter((s) => s === 500).length;
    assert.ok(failed > 5 && failed < 55, `failed ${failed} of 60`);
    assert.equal(fault.hits, failed);
    fault.remove();
    assert.equal((await call(emu.apiRoot, bot.token, "getMe")).status, 200);
    assert.throws(() => emu.injectFault({ probability: 2 }), ScriptError);
  } finally {
    await emu.close();
  }
});

Deno.test("flood control: over the per-chat rate a send is a 429 with retry_after, other chats still go", async () => {
  await using emu = await BotApiEmulator.start({ flood: { perChatPerSecond: 1, perSecond: 30 } });
  const bot = emu.createBot({ username: "flood_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "1" });
  const second = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "2" });
  assert.equal(second.status, 429);
  assert.equal(second.body.parameters.retry_after, 1);
  assert.equal(second.body.description, "Too Many Requests: retry after 1");
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: bob.id, text: "other chat" });
  assert.equal(
    await ok(emu.apiRoot, bot.token, "sendChatAction", { chat_id: alice.id, action: "typing" }),
    true,
  );
  await new Promise((r) => setTimeout(r, 1050));
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "after the wait" });
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["1", "after the wait"]);
});

Deno.test("FloodGate: the overall rate limits a bot across chats", () => {
  const gate = new FloodGate({ perSecond: 2 });
  assert.equal(gate.take(1, "a", 100), 0);
  assert.equal(gate.take(1, "b", 100), 0);
  assert.equal(gate.take(1, "c", 100), 1);
  assert.equal(gate.take(2, "c", 100), 0, "other bots have their own budget");
  assert.equal(gate.take(1, "c", 100.5), 0, "a token is back after 1/rate seconds");
});
