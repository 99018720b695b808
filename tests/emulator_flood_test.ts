// Flood control: off by default; when on, Telegram's limits (about 30 messages/s overall, about 1/s per
// chat, 20/min per group) answered with 429 and retry_after, as Query.cpp set_retry_after_error does.
import assert from "node:assert/strict";
import { BotApiEmulator, FloodGate, TELEGRAM_FLOOD_LIMITS } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

Deno.test("flood control is off by default: 60 messages into one chat in a row all go", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "fast_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  for (let i = 0; i < 60; i++) {
    await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: `${i}` });
  }
  assert.equal(emu.transcript(alice.id).length, 60);
});

Deno.test("flood: true enforces Telegram's limits: a second message to a chat within the second is a 429", async () => {
  await using emu = await BotApiEmulator.start({ flood: true });
  const bot = emu.createBot({ username: "flood_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "1" });
  const second = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "2" });
  assert.equal(second.status, 429);
  assert.deepEqual(second.body, {
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  assert.deepEqual(TELEGRAM_FLOOD_LIMITS, { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 });
});

Deno.test("20 messages a minute into a group, then 429 with the seconds until the next; private chats unaffected", async () => {
  await using emu = await BotApiEmulator.start({ flood: { perGroupPerMinute: 20 } });
  const bot = emu.createBot({ username: "flood_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", members: [alice], bots: [bot] });
  for (let i = 0; i < 20; i++) {
    await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: group.id, text: `${i}` });
  }
  const over = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: group.id, text: "21st" });
  assert.equal(over.status, 429);
  assert.ok(
    over.body.parameters.retry_after >= 1 && over.body.parameters.retry_after <= 3,
    JSON.stringify(over.body),
  );
  for (let i = 0; i < 25; i++) {
    await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: `${i}` });
  }
});

Deno.test("FloodGate: 20 a minute per group, a token back every 3 s; a message a second keeps a chat within its limit", () => {
  const group = new FloodGate({ perGroupPerMinute: 20 });
  for (let i = 0; i < 20; i++) assert.equal(group.take(1, -100, 1000, true), 0, `message ${i}`);
  assert.equal(group.take(1, -100, 1000, true), 3);
  assert.equal(group.take(1, -100, 1003, true), 0, "one token is back after 3 s");
  assert.equal(group.take(1, 42, 1003, false), 0, "a private chat has no per-minute limit");

  const telegram = new FloodGate(TELEGRAM_FLOOD_LIMITS);
  // A message a second into a group: the per-chat limit holds; the group's 20 a minute run out later.
  let sent = 0;
  for (let t = 0; t < 60 && telegram.take(1, -100, t, true) === 0; t++) sent++;
  assert.ok(sent > 20 && sent < 40, `${sent} messages went in the first minute`);
});

Deno.test("FloodGate: 30 a second overall across chats, then the 31st waits", () => {
  const gate = new FloodGate(TELEGRAM_FLOOD_LIMITS);
  for (let chat = 0; chat < 30; chat++) assert.equal(gate.take(7, chat, 50), 0);
  assert.equal(gate.take(7, 99, 50), 1);
  assert.equal(gate.take(8, 99, 50), 0, "each bot has its own budget");
});
