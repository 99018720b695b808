// Updates the bot has not taken in time are dropped, as telegram-bot-api drops them: each kind is kept
// for the timeout its Client::add_update_* gives it (an inline query 30 s, a callback query 150 s, a
// message a day from its date), and a webhook retry that would come after the update expires drops it
// (WebhookActor::on_update_error). The tests shorten the lifetimes with `updateLifetimes`.
import assert from "node:assert/strict";
import { BotApiEmulator, updateExpiry } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";
import { until } from "./support/until.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("an update not taken within its kind's lifetime is dropped: getUpdates skips its id, the count forgets it", async () => {
  await using emu = await BotApiEmulator.start({ updateLifetimes: { inline_query: 0.5 } });
  const bot = emu.createBot({ username: "lifetime_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "before");
  await alice.inlineQuery(bot, "stale");
  await alice.sendText(alice.id, "after");
  assert.deepEqual(emu.pendingUpdates(bot).map((u) => Object.keys(u)[1]), [
    "message",
    "inline_query",
    "message",
  ]);
  // The server keeps an update until the whole-second clock passes its expiry second: within a second.
  await sleep(1200);
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", {});
  assert.deepEqual(updates.map((u) => u.message?.text ?? u.inline_query?.query), ["before", "after"]);
  assert.equal(updates[1].update_id, updates[0].update_id + 2, "the dropped update's id is skipped");
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count, 2);
  // A fresh query lives its time again.
  await alice.inlineQuery(bot, "fresh");
  const next = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: updates[1].update_id + 1 });
  assert.deepEqual(next.map((u) => u.inline_query?.query), ["fresh"]);
});

Deno.test("a long poll is not answered with updates that expired, and waits for the next one", async () => {
  await using emu = await BotApiEmulator.start({ updateLifetimes: { callback_query: 0.3 } });
  const bot = emu.createBot({ username: "lifetime_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "press",
    reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
  });
  await alice.pressButton(emu.message(alice.id, sent.message_id, { bot })!, "Go");
  await sleep(1200);
  const poll = ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { timeout: 5 });
  await sleep(200);
  await alice.sendText(alice.id, "later");
  const updates = await poll;
  assert.deepEqual(updates.map((u) => u.message?.text ?? "callback_query"), ["later"]);
});

Deno.test("messages live a day from their date, queries for their own time from when they were made", () => {
  const now = 1_800_000_000;
  assert.equal(updateExpiry("message", { date: now - 3600 }, now), now - 3600 + 86400);
  assert.equal(
    updateExpiry("edited_message", { date: now - 7200, edit_date: now - 60 }, now),
    now - 60 + 86400,
  );
  assert.equal(updateExpiry("chat_member", { date: now - 10 }, now), now - 10 + 86400);
  assert.equal(updateExpiry("inline_query", { id: "1", query: "" }, now), now + 30);
  assert.equal(updateExpiry("callback_query", { id: "1" }, now), now + 150);
  assert.equal(updateExpiry("pre_checkout_query", { id: "1" }, now), now + 150);
  assert.equal(updateExpiry("chosen_inline_result", { result_id: "1" }, now), now + 600);
  assert.equal(updateExpiry("poll_answer", { poll_id: "1" }, now), now + 86400);
  // A business connection carries the connection's date, but lives a day from when it is sent.
  assert.equal(updateExpiry("business_connection", { date: now - 100_000 }, now), now + 86400);
  assert.equal(updateExpiry("inline_query", {}, now, { inline_query: 2 }), now + 2);
  // The server stores whole seconds: one queued late in a second expires at the same second.
  assert.equal(updateExpiry("inline_query", {}, now + 0.9), now + 30);
});

Deno.test("a failing webhook drops an update at once when its next try would come after it expires", async () => {
  // Retry-After 1000 in units of 0.1 s is a try 100 s later, after the query's 60 s: the update can
  // only be gone within until()'s 10 s if it was dropped at its failure.
  await using emu = await BotApiEmulator.start({
    webhookRetryDelay: 0.1,
    updateLifetimes: { inline_query: 60 },
  });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const update = await request.json();
    seen.push(update.message?.text ?? `inline ${update.inline_query?.query}`);
    if (update.inline_query) return new Response(null, { status: 429, headers: { "retry-after": "1000" } });
    return new Response(null, { status: 200 });
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: `http://127.0.0.1:${server.addr.port}/hook` });
    await alice.inlineQuery(bot, "q");
    await until(() => seen.includes("inline q"));
    await until(() => emu.pendingUpdates(bot).length === 0, 10, "the update dropped at its failure");
    // The webhook goes on with what comes next.
    await alice.sendText(alice.id, "hello");
    await until(() => seen.includes("hello"));
    assert.deepEqual(seen, ["inline q", "hello"]);
  } finally {
    await ok(emu.apiRoot, bot.token, "deleteWebhook");
    await server.shutdown();
  }
});

Deno.test("a failing webhook keeps trying an update whose next try comes before it expires", async () => {
  await using emu = await BotApiEmulator.start({
    webhookRetryDelay: 0.05,
    updateLifetimes: { inline_query: 5 },
  });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  let tries = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.body?.cancel();
    return new Response(null, { status: ++tries <= 2 ? 500 : 200 });
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: `http://127.0.0.1:${server.addr.port}/hook` });
    await alice.inlineQuery(bot, "q");
    await until(() => tries === 3 && emu.pendingUpdates(bot).length === 0);
  } finally {
    await ok(emu.apiRoot, bot.token, "deleteWebhook");
    await server.shutdown();
  }
});

Deno.test("an update being delivered to the webhook does not expire under it: the next one of its queue waits", async () => {
  await using emu = await BotApiEmulator.start({ updateLifetimes: { inline_query: 0.3 } });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const got: string[] = [];
  let open = 0;
  let mostOpen = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const query = (await request.json()).inline_query.query as string;
    got.push(query);
    mostOpen = Math.max(mostOpen, ++open);
    if (query === "X") await sleep(2500);
    open--;
    return new Response(null, { status: 200 });
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: `http://127.0.0.1:${server.addr.port}/hook` });
    await alice.inlineQuery(bot, "X");
    await until(() => got.includes("X"));
    // X is past its lifetime while its request is open; Y, the same user's next query, must wait for it.
    await sleep(1300);
    await alice.inlineQuery(bot, "Y");
    await until(() => open === 0 && emu.pendingUpdates(bot).length === 0);
    assert.equal(mostOpen, 1, "one request at a time for one user's queries");
    assert.equal(got[0], "X");
  } finally {
    await ok(emu.apiRoot, bot.token, "deleteWebhook");
    await server.shutdown();
  }
});
