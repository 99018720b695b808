// Flood control: off by default; when on, Telegram's limits (about 30 messages/s overall, about 1/s per
// chat, 20/min per group, up to 1000/s overall for paid broadcasts) answered with 429 and retry_after, as
// Query.cpp set_retry_after_error does.
import assert from "node:assert/strict";
import { Api, broadcast, throttle } from "../api/mod.ts";
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
  assert.deepEqual(TELEGRAM_FLOOD_LIMITS, {
    perSecond: 30,
    perChatPerSecond: 1,
    perGroupPerMinute: 20,
    paidPerSecond: 1000,
  });
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

/** One message to each of `count` new users at once; the HTTP statuses, in the users' order. */
async function burst(
  emu: BotApiEmulator,
  token: string,
  count: number,
  extra: Record<string, unknown>,
): Promise<number[]> {
  const users = Array.from({ length: count }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const answers = await Promise.all(
    users.map((u) => call(emu.apiRoot, token, "sendMessage", { chat_id: u.id, text: "news", ...extra })),
  );
  return answers.map((a) => a.status);
}

Deno.test("flood: true: a paid burst of 200 messages to 200 chats gets no 429; the same burst unpaid does", async () => {
  await using emu = await BotApiEmulator.start({ flood: true });
  // Two bots, so that each burst starts from a full overall budget of its own.
  const paidBot = emu.createBot({ username: "paid_news_bot" });
  const freeBot = emu.createBot({ username: "free_news_bot" });
  const paid = await burst(emu, paidBot.token, 200, { allow_paid_broadcast: true });
  assert.deepEqual(paid.filter((s) => s !== 200), [], "every paid message went");
  const started = performance.now();
  const free = await burst(emu, freeBot.token, 200, {});
  const seconds = (performance.now() - started) / 1000;
  const sent = free.filter((s) => s === 200).length;
  // 30 go at once and the rest as tokens come back at 30 a second, however long the burst took here.
  assert.ok(sent <= 31 + 30 * seconds, `${sent} of the unpaid burst went in ${seconds.toFixed(2)} s`);
  assert.equal(free.filter((s) => s === 429).length, 200 - sent, "the others were 429s");
});

Deno.test("flood: true: a paid send still meets the per-chat and per-group limits", async () => {
  await using emu = await BotApiEmulator.start({ flood: true });
  const bot = emu.createBot({ username: "paid_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const paid = { allow_paid_broadcast: true };
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "1", ...paid });
  const second = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "2", ...paid });
  assert.equal(second.status, 429);
  assert.deepEqual(second.body.parameters, { retry_after: 1 });

  await using groups = await BotApiEmulator.start({ flood: { perGroupPerMinute: 20, paidPerSecond: 1000 } });
  const groupBot = groups.createBot({ username: "paid_group_bot" });
  const bob = groups.createUser({ first_name: "Bob" });
  const group = groups.createGroup({ title: "G", members: [bob], bots: [groupBot] });
  for (let i = 0; i < 20; i++) {
    await ok(groups.apiRoot, groupBot.token, "sendMessage", { chat_id: group.id, text: `${i}`, ...paid });
  }
  const over = await call(groups.apiRoot, groupBot.token, "sendMessage", {
    chat_id: group.id,
    text: "21",
    ...paid,
  });
  assert.equal(over.status, 429);
});

Deno.test("paid sends go while the free budget is used up; allow_paid_broadcast where the spec has none pays nothing", async () => {
  // One free send a second (a budget a test uses up at once, whatever the machine's pace); paid ones at 1000.
  await using emu = await BotApiEmulator.start({
    flood: { perSecond: 1, perChatPerSecond: 1, paidPerSecond: 1000 },
  });
  const bot = emu.createBot({ username: "mixed_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  // Sent together, either of the two may come first.
  assert.deepEqual((await burst(emu, bot.token, 2, {})).sort(), [200, 429], "the free budget is used up");
  assert.deepEqual(await burst(emu, bot.token, 3, { allow_paid_broadcast: true }), [200, 200, 200]);
  // A string "true" (as a form or query string carries it) is read as the boolean, as the server reads it.
  assert.deepEqual(await burst(emu, bot.token, 1, { allow_paid_broadcast: "true" }), [200]);
  // forwardMessage does not take the parameter: it is dropped as unknown and the send is a free one.
  const source = await ok<{ message_id: number }>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "source",
    allow_paid_broadcast: true,
  });
  const forward = await call(emu.apiRoot, bot.token, "forwardMessage", {
    chat_id: emu.createUser({ first_name: "Carol" }).id,
    from_chat_id: alice.id,
    message_id: source.message_id,
    allow_paid_broadcast: true,
  });
  assert.equal(forward.status, 429);
  assert.ok(
    emu.warnings.some((w) => w.method === "forwardMessage" && w.parameter === "allow_paid_broadcast"),
  );
});

Deno.test("FloodGate: paid sends have 1000 a second overall of their own, and leave the free 30 alone", () => {
  const gate = new FloodGate(TELEGRAM_FLOOD_LIMITS);
  for (let chat = 0; chat < 1000; chat++) {
    assert.equal(gate.take(7, chat, 50, false, true), 0, `paid ${chat}`);
  }
  assert.equal(gate.take(7, 1000, 50, false, true), 1, "the 1001st paid send waits");
  for (let chat = 2000; chat < 2030; chat++) assert.equal(gate.take(7, chat, 50), 0, `free ${chat}`);
  assert.equal(gate.take(7, 1000, 50.01, false, true), 0, "ten paid tokens are back after 10 ms");
  assert.equal(gate.take(7, 1, 50.5, false, true), 1, "chat 1 had its message this second, paid or not");
  // Without paidPerSecond, paid sends have no overall limit (a limit left out is not enforced).
  const chats = new FloodGate({ perSecond: 1, perChatPerSecond: 1 });
  for (let chat = 0; chat < 5; chat++) assert.equal(chats.take(7, chat, 50, false, true), 0);
});

Deno.test("throttle() at its paid rate through broadcast(): 200 chats, no 429 from an emulator with Telegram's limits", async () => {
  await using emu = await BotApiEmulator.start({ flood: true });
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 200 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  let refused = 0;
  const api = new Api(bot.token, {
    apiRoot: emu.apiRoot,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) refused++;
      return response;
    },
  });
  api.transformers.use(throttle({ burstAtStart: true }));
  const result = await broadcast(api, users, { params: { text: "paid news", allow_paid_broadcast: true } });
  assert.equal(result.sent, 200);
  assert.deepEqual(result.failed, []);
  assert.equal(refused, 0);
});
