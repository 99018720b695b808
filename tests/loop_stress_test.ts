import assert from "node:assert/strict";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, originOf, UpdateQueue, webhookHandler } from "../bot/mod.ts";
import { NetworkError, TelegramError } from "../exception/mod.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";

const CHATS = 500;
const PER_CHAT = 20;

Deno.test("stress: 10,000 updates over 500 chats through 5% failures arrive exactly once, in order per chat", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "stress_bot" });
  const users = Array.from({ length: CHATS }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  // 5% of getUpdates calls fail: 502 pages, dropped connections, answers lost after the server acted.
  const faults = [
    emu.injectFault({ method: "getUpdates", probability: 0.02, status: 502 }),
    emu.injectFault({ method: "getUpdates", probability: 0.02, drop: true }),
    emu.injectFault({ method: "getUpdates", probability: 0.01, drop: true, performed: true }),
  ];
  const flood = emu.injectFault({ method: "getUpdates", error: tooManyRequests(1), times: 1 });

  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const counts = new Map<number, number>();
  const perChat = new Map<number, number[]>();
  const errors: unknown[] = [];
  let handled = 0;
  const allDone = Promise.withResolvers<void>();
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    const id = msg.message_id as number;
    // Some handlers yield, so chats really interleave.
    if (id % 7 === 0) await new Promise((r) => setTimeout(r, 1));
    const seq = Number(msg.text);
    const list = perChat.get(msg.chat.id) ?? [];
    list.push(seq);
    perChat.set(msg.chat.id, list);
    const key = msg.chat.id * 1000 + seq;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (++handled === CHATS * PER_CHAT) allDone.resolve();
  }, { timeout: 1, relax: 0, backoff: { initial: 0.02, max: 0.1 }, onError: (e) => errors.push(e) });

  // Users keep writing while the bot polls.
  for (let seq = 0; seq < PER_CHAT; seq++) {
    for (const u of users) await u.sendText(u.id, String(seq));
    await new Promise((r) => setTimeout(r, 5));
  }
  const timer = setTimeout(() => allDone.reject(new Error(`only ${handled} handled`)), 60_000);
  await allDone.promise;
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 200)); // a duplicate would show up here
  await loop.stop();
  await emu.close();

  assert.equal(flood.hits, 1, "the 429 happened");
  assert.ok(faults.reduce((n, f) => n + f.hits, 0) > 0, "failures happened");
  // Only the getUpdates failures are reported (the first of each run, and every tenth), none as a handler's.
  const pollFailure = (e: unknown) =>
    (e instanceof NetworkError || e instanceof TelegramError) && e.method === "getUpdates";
  assert.ok(errors.length > 0 && errors.every(pollFailure), errors.map(String).join("\n"));
  assert.equal(handled, CHATS * PER_CHAT);
  assert.equal(counts.size, CHATS * PER_CHAT);
  assert.ok([...counts.values()].every((n) => n === 1), "no update handled twice");
  for (const list of perChat.values()) {
    assert.deepEqual(list, Array.from({ length: PER_CHAT }, (_, i) => i), "chat order kept");
  }
  assert.equal(emu.pendingUpdates(handle).length, 0, "everything confirmed");
});

Deno.test("stress: 10,000 shuffled and partly repeated queue updates are delivered once each, in update_id order", async () => {
  const bot = new Bot("1:stress", { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const order: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void order.push(msg.message_id), {
    source: queue,
    maxhold: 5,
  });
  const ids = Array.from({ length: CHATS * PER_CHAT }, (_, i) => i + 1);
  // Arrival order scrambled within windows of 50 (parallel webhook connections), 5% sent twice. The
  // first update comes first: as in the reference, it sets where the sequence starts.
  for (let start = 0; start < ids.length; start += 50) {
    const slice = ids.slice(start, start + 50);
    const window = start === 0
      ? [1, ...slice.slice(1).sort(() => Math.random() - 0.5)]
      : slice.sort(() => Math.random() - 0.5);
    for (const id of window) {
      const u = {
        update_id: id,
        message: { message_id: id, date: 0, chat: { id: id % CHATS, type: "private" }, text: "x" },
      };
      queue.put(JSON.stringify(u));
      if (id % 20 === 0) queue.put(JSON.stringify(u));
    }
  }
  const deadline = Date.now() + 20_000;
  while (order.length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await loop.stop();
  assert.deepEqual(order, ids);
});

Deno.test("stress: 2,000 webhook deliveries with 5% lost answers are handled once each, each chat in order", async () => {
  const emu = await BotApiEmulator.start({ webhookRetryDelay: 0.01 });
  const handle = emu.createBot({ username: "hook_stress_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const hook = webhookHandler(bot, { secretToken: "stress" });
  // A flaky proxy in front of the bot: 5% of answers are lost after the update was received, so the
  // emulator delivers those updates again.
  let lost = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const res = await hook(req);
    if (Math.random() < 0.05) {
      lost++;
      return new Response("bad gateway", { status: 502 });
    }
    return res;
  });
  const order: number[] = [];
  const perChat = new Map<number, number[]>();
  const loop = bot.messageLoop((msg: LoopMessage) => {
    order.push(originOf(msg)!.updateId);
    perChat.set(msg.chat.id, [...(perChat.get(msg.chat.id) ?? []), Number(msg.text)]);
  });
  await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/`, { secret_token: "stress" });
  const users = Array.from({ length: 100 }, (_, i) => emu.createUser({ first_name: `W${i}` }));
  for (let seq = 0; seq < 20; seq++) {
    for (const u of users) await u.sendText(u.id, String(seq));
  }
  const deadline = Date.now() + 60_000;
  while (emu.pendingUpdates(handle).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await loop.stop();
  await bot.deleteWebhook();
  await server.shutdown();
  await emu.close();
  assert.ok(lost > 0, "answers were lost");
  assert.equal(order.length, 2000, "each update handled exactly once");
  assert.equal(new Set(order).size, 2000);
  // Chats are delivered concurrently (as Telegram does, up to max_connections): each in its own order.
  assert.equal(perChat.size, 100);
  for (const list of perChat.values()) assert.deepEqual(list, Array.from({ length: 20 }, (_, i) => i));
});
