import assert from "node:assert/strict";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot } from "../bot/mod.ts";
import { OffsetState, pollUpdates } from "../bot/polling.ts";
import { type PayloadHandler, Receiver } from "../bot/receiver.ts";
import { BadInput } from "../exception/bad_input.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { WireServer } from "./support/wire_server.ts";

/** A receiver running `handle`, as a loop attaches it, for driving `pollUpdates` directly. */
async function receiverFor(handle: PayloadHandler, onError: (e: unknown) => void): Promise<Receiver> {
  const receiver = new Receiver();
  await receiver.attach({ handle, onError, maxAttempts: 3 }, receiver.journal);
  return receiver;
}

/**
 * A bot whose pending updates are fifteen messages in one chat (`s0`…`s14`, for a handler that hangs:
 * with batches of 10 the offset cannot move) followed by one in another chat (`free`).
 */
async function stuckBatch(username: string) {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const stuck = emu.createUser({ first_name: "Stuck" });
  const other = emu.createUser({ first_name: "Other" });
  for (let i = 0; i < 15; i++) await stuck.sendText(stuck.id, `s${i}`);
  await other.sendText(other.id, "free");
  return { emu, handle, bot };
}

Deno.test("offset: a full batch stuck behind a handler that never settles is passed, loudly, after stuckAfter", async () => {
  const { emu, bot } = await stuckBatch("offset_bot");
  const handled: string[] = [];
  const reports: unknown[] = [];
  const receiver = await receiverFor((msg) => {
    const m = msg as { text: string };
    if (m.text.startsWith("s")) return new Promise(() => {});
    handled.push(m.text);
  }, (e) => reports.push(e));
  const offsets = new OffsetState();
  const stop = new AbortController();
  const polling = pollUpdates(bot, receiver, offsets, {
    timeout: 1,
    relax: 0,
    limit: 10,
    allowedUpdates: ["message"],
    report: (e) => reports.push(e),
    stuckAfter: 0.3,
    maxInFlight: 1000,
  }, stop.signal);
  const deadline = Date.now() + 5000;
  while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  stop.abort();
  await polling;
  assert.deepEqual(handled, ["free"], "the other chat was reached");
  assert.equal(reports.length, 1);
  assert.match((reports[0] as Error).message, /still being handled after 0.3 s/);
  await emu.close();
});

Deno.test("offset: the offset sent is the lowest update still in flight", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "offset2_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "A" });
  const bob = emu.createUser({ first_name: "B" });
  const release = Promise.withResolvers<void>();
  const loop = bot.messageLoop((msg: LoopMessage) => msg.text === "wait" ? release.promise : undefined, {
    timeout: 1,
    relax: 0,
  });
  await alice.sendText(alice.id, "wait");
  await bob.sendText(bob.id, "b1");
  await bob.sendText(bob.id, "b2");
  await new Promise((r) => setTimeout(r, 300));
  // b1 and b2 are done, but "wait" is not: nothing at or after it is confirmed yet.
  assert.equal(emu.pendingUpdates(handle).length, 3);
  release.resolve();
  const deadline = Date.now() + 5000;
  while (emu.pendingUpdates(handle).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(emu.pendingUpdates(handle).length, 0);
  await loop.stop();
  await emu.close();
});

Deno.test("offset: a getUpdates call that hangs past its timeout is abandoned and retried, nothing lost", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "hang_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "A" });
  await alice.sendText(alice.id, "hello");
  const hang = emu.injectFault({ method: "getUpdates", latency: 3, times: 2 });
  const texts: string[] = [];
  const receiver = await receiverFor((m) => void texts.push((m as { text: string }).text), () => {});
  const stop = new AbortController();
  const start = Date.now();
  const polling = pollUpdates(bot, receiver, new OffsetState(), {
    timeout: 0,
    relax: 0,
    limit: 100,
    allowedUpdates: ["message"],
    backoff: { initial: 0.05, max: 0.1 },
    report: () => {},
    grace: 0.3,
    maxInFlight: 1000,
  }, stop.signal);
  const deadline = Date.now() + 5000;
  while (texts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const took = Date.now() - start;
  stop.abort();
  await polling;
  assert.deepEqual(texts, ["hello"]);
  assert.equal(hang.hits, 2);
  assert.ok(took < 2500, `two hung calls abandoned after their timeout (${took} ms), not waited out`);
  await emu.close();
});

Deno.test("offset: with maxInFlight updates unfinished, polling pauses until one settles", async () => {
  let next = 1;
  // Every poll brings five fresh updates, each from its own chat.
  const server = WireServer.start().on("getUpdates", () =>
    Array.from({ length: 5 }, () => {
      const id = next++;
      return {
        update_id: id,
        message: { message_id: id, date: 0, chat: { id, type: "private" }, text: "x" },
      };
    }));
  const bot = new Bot("1:capacity", { apiRoot: server.url });
  const release = Promise.withResolvers<void>();
  let started = 0;
  const loop = bot.messageLoop(() => {
    started++;
    return release.promise;
  }, { timeout: 0, relax: 0, limit: 5, maxInFlight: 5, stopTimeout: 1 });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(started, 5, "one batch taken");
  const paused = server.calls("getUpdates").length;
  assert.equal(paused, 1, "no poll while five are in flight");
  release.resolve();
  const deadline = Date.now() + 5000;
  while (server.calls("getUpdates").length === paused && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await loop.stop();
  assert.ok(server.calls("getUpdates").length > paused, "polling resumed once they settled");
  await server.close();
});

Deno.test("offset: stuckAfter Infinity never confirms past an unfinished update, even when a full batch is stuck", async () => {
  const { emu, handle, bot } = await stuckBatch("strict_offset_bot");
  const handled: string[] = [];
  const reports: unknown[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => {
    if (msg.text?.startsWith("s")) return new Promise(() => {});
    handled.push(msg.text!);
  }, {
    timeout: 1,
    relax: 0,
    limit: 10,
    stuckAfter: Infinity,
    stopTimeout: 0.1,
    onError: (e) => reports.push(e),
  });
  // Long enough for several re-polls of the stuck batch (a finite stuckAfter of 0.3 s passes it).
  await new Promise((r) => setTimeout(r, 1500));
  await loop.stop();
  assert.deepEqual(handled, [], "nothing behind the stuck batch was fetched");
  assert.deepEqual(reports, []);
  assert.equal(emu.pendingUpdates(handle).length, 16, "every unfinished update stays with Telegram");
  assert.throws(() => bot.messageLoop(() => {}, { stuckAfter: -1 }), BadInput);
  await emu.close();
});

Deno.test("offset: the poller's wait, unfinishedAtMost, wakes once that few updates are unfinished, not at each finish", async () => {
  const finish = new Map<number, () => void>();
  const receiver = await receiverFor(
    (payload) =>
      new Promise<void>((resolve) => finish.set((payload as { message_id: number }).message_id, resolve)),
    () => {},
  );
  const update = (id: number) => ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id, type: "private" as const }, text: "x" },
  });
  await receiver.receive([1, 2, 3].map(update));
  let woken = 0;
  const wait = receiver.unfinishedAtMost(1).then(() => woken++);
  const turn = () => new Promise((r) => setTimeout(r, 0));
  finish.get(1)!();
  await turn();
  assert.equal(woken, 0, "two still unfinished");
  assert.equal(receiver.finished, 1);
  finish.get(3)!();
  await wait;
  assert.equal(woken, 1);
  assert.equal(receiver.finished, 2);
  const already = await Promise.race([
    receiver.unfinishedAtMost(1).then(() => "at once"),
    turn().then(() => "later"),
  ]);
  assert.equal(already, "at once", "resolved at once when so few are unfinished already");
  assert.equal(await receiver.unfinishedAtMost(0, 0.01), false, "timed out");
  assert.equal(receiver.fewerWaits, 0, "and gone");
  finish.get(2)!();
  assert.equal(await receiver.unfinishedAtMost(0), true);
});

Deno.test("offset: polling again and again while an update stays unfinished leaves no waits behind", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "waits_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const slow = emu.createUser({ first_name: "Slow" });
  const other = emu.createUser({ first_name: "Other" });
  await slow.sendText(slow.id, "never");
  await other.sendText(other.id, "free");
  const receiver = await receiverFor((msg) => {
    if ((msg as { text: string }).text === "never") return new Promise(() => {});
  }, () => {});
  let polls = 0;
  const counting = { call: <T>(...args: Parameters<Bot["call"]>) => (polls++, bot.call<T>(...args)) };
  const stop = new AbortController();
  const polling = pollUpdates(counting, receiver, new OffsetState(), {
    timeout: 1,
    relax: 0.01,
    limit: 10,
    allowedUpdates: ["message"],
    report: () => {},
    stuckAfter: Infinity,
    maxInFlight: 1000,
  }, stop.signal);
  while (polls < 30) await new Promise((r) => setTimeout(r, 10));
  stop.abort();
  await polling;
  assert.equal(receiver.ledger.unfinished, 1, "the slow update is still in flight");
  assert.ok(receiver.fewerWaits <= 2, `${receiver.fewerWaits} waits left behind by ${polls} polls`);
  await emu.close();
});
