// The throttle() transformer against the emulator with flood control on. Telegram's limits (30/s overall,
// 1/s per chat, 20/min per group) are scaled up 4× in both the emulator and the throttler (120/s, 4/s,
// 80/min) so that the 1,000-message scenario needs about 7 s instead of 32 s. How close the throttle
// comes to the time the limits allow is measured by bench/throttle_pace.ts.
import assert from "node:assert/strict";
import {
  Api,
  type ApiCall,
  broadcast,
  MESSAGE_SENDER_METHODS,
  throttle,
  type ThrottleLimits,
} from "../api/mod.ts";
import { BadInput, RequestTimeout, ThrottleQueueFull, TooManyRequestsError } from "../exception/mod.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";
import { runAlone } from "./support/run_alone.ts";
import { assertInOrder, countingApi, sendAll, spreadScenario } from "./support/throttle_scenario.ts";
import { until } from "./support/until.ts";
import { fail, WireServer } from "./support/wire_server.ts";

const SCALE = 4;
const LIMITS = { perSecond: 30 * SCALE, perChatPerSecond: 1 * SCALE, perGroupPerMinute: 20 * SCALE };

Deno.test("1,000 messages to 100 private chats and 2 groups under flood control: no 429, order kept (its pace: bench/throttle_pace.ts)", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const bot = emu.createBot({ username: "news_bot" });
  const { perChat } = spreadScenario(emu, bot);
  assert.equal([...perChat.values()].reduce((a, b) => a + b, 0), 1000);

  const { api, http429 } = countingApi(bot.token, emu.apiRoot);
  // The emulator has just started: the bot sent nothing before, so the overall burst is there at once.
  const throttler = throttle({ ...LIMITS, burstAtStart: true });
  api.transformers.use(throttler);
  await sendAll(api, perChat);

  assert.equal(http429(), 0, "no 429 on the wire");
  assert.equal(throttler.stats.tooManyRequests, 0);
  assert.equal(throttler.stats.sent, 1000);
  assertInOrder(emu, perChat);
});

Deno.test("a group's per-minute limit: a burst of the limit, then its rate; no 429, order kept", async () => {
  // 60 a minute (a token a second) with loose per-chat and overall limits, so the group's limit binds.
  const limits = { perSecond: 1000, perChatPerSecond: 100, perGroupPerMinute: 60 };
  await using emu = await BotApiEmulator.start({ flood: limits });
  const bot = emu.createBot({ username: "group_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", members: [alice], bots: [bot] }).id;
  const perChat = new Map([[group, 66]]);
  const { api, http429 } = countingApi(bot.token, emu.apiRoot);
  api.transformers.use(throttle({ ...limits, burstAtStart: true }));
  await sendAll(api, perChat);
  assert.equal(http429(), 0);
  assertInOrder(emu, perChat);
});

/** A transformer closer to the wire than the throttle: records each attempt's chat and outcome in order. */
function recorder(log: { chat: unknown; text: unknown; at: number; ok: boolean }[]) {
  return async (call: ApiCall, next: (call: ApiCall) => Promise<unknown>) => {
    try {
      const result = await next(call);
      log.push({ chat: call.params.chat_id, text: call.params.text, at: performance.now(), ok: true });
      return result;
    } catch (error) {
      log.push({ chat: call.params.chat_id, text: call.params.text, at: performance.now(), ok: false });
      throw error;
    }
  };
}

Deno.test("a 429 that happens anyway pauses that chat only and repeats the call in order", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "retry_bot" });
  const [alice, bob] = ["Alice", "Bob"].map((first_name) => emu.createUser({ first_name }));
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const throttler = throttle();
  const log: { chat: unknown; text: unknown; at: number; ok: boolean }[] = [];
  api.transformers.use(throttler, recorder(log));
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(1) });

  const a1 = api.sendMessage(alice.id, "a1");
  const a2 = api.sendMessage(alice.id, "a2");
  const b1 = api.sendMessage(bob.id, "b1");
  await Promise.all([a1, a2, b1]);

  assert.deepEqual(log.map((e) => [e.text, e.ok]), [["a1", false], ["b1", true], ["a1", true], ["a2", true]]);
  assert.ok(log[2].at - log[0].at >= 900, "alice waited retry_after before a1 went again");
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["a1", "a2"]);
  assert.equal(throttler.stats.tooManyRequests, 1);
});

Deno.test("429s from two chats at once pause every chat; a call that keeps getting 429 fails after maxRetries", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "global_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const log: { chat: unknown; text: unknown; at: number; ok: boolean }[] = [];
  api.transformers.use(throttle({ maxRetries: 1 }), recorder(log));
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(1), times: 2 });
  const first = Promise.all([api.sendMessage(alice.id, "a"), api.sendMessage(bob.id, "b")]);
  await new Promise<void>((resolve) => {
    const look = () => log.length >= 2 ? resolve() : setTimeout(look, 5);
    look();
  });
  const secondFailure = log[1].at;
  await api.sendMessage(carol.id, "c");
  const carolSent = log.find((e) => e.text === "c")!.at;
  assert.ok(carolSent - secondFailure >= 900, "carol waited out the overall pause");
  await first;

  emu.injectFault({ method: "sendMessage", error: tooManyRequests(1), times: 2 });
  await assert.rejects(api.sendMessage(alice.id, "never"), TooManyRequestsError);
});

Deno.test("a queued call's signal and timeout end it while it waits; the chat's next call still goes", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "queue_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const throttler = throttle({ perChatPerSecond: 1 });
  api.transformers.use(throttler);
  const first = api.sendMessage(alice.id, "first");
  const aborter = new AbortController();
  const aborted = api.sendMessage(alice.id, "aborted", {}, { signal: aborter.signal });
  const timedOut = api.sendMessage(alice.id, "timed out", {}, { timeout: 0.2 });
  const last = api.sendMessage(alice.id, "last");
  aborter.abort(new Error("changed my mind"));
  await assert.rejects(aborted, /changed my mind/);
  await assert.rejects(timedOut, (error) => error instanceof RequestTimeout && error.seconds === 0.2);
  await Promise.all([first, last]);
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["first", "last"]);
  assert.deepEqual(throttler.stats, { queued: 0, inFlight: 0, sent: 2, tooManyRequests: 0 });
});

Deno.test("a full queue refuses the next call with ThrottleQueueFull; the queued ones are sent", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "full_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ maxQueued: 2, perChatPerSecond: 20 }));
  const calls = ["1", "2", "3"].map((text) => api.sendMessage(alice.id, text));
  await assert.rejects(calls[2], (error) => {
    assert.ok(error instanceof ThrottleQueueFull);
    assert.equal(error.limit, 2);
    assert.equal(error.method, "sendMessage");
    assert.ok(!error.message.includes(bot.token));
    return true;
  });
  await Promise.all(calls.slice(0, 2));
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["1", "2"]);
});

Deno.test("only methods that post a message wait: chat actions and reads pass a chat's backlog", async () => {
  assert.ok(MESSAGE_SENDER_METHODS.includes("sendPhoto"));
  assert.ok(!(MESSAGE_SENDER_METHODS as readonly string[]).includes("sendChatAction"));
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "typing_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ perChatPerSecond: 1 }));
  const order: string[] = [];
  const backlog = ["m1", "m2"].map((text) => api.sendMessage(alice.id, text).then(() => order.push(text)));
  await api.sendChatAction(alice.id, "typing").then(() => order.push("typing"));
  await api.getMe().then(() => order.push("getMe"));
  await Promise.all(backlog);
  assert.equal(order.at(-1), "m2", order.join());
});

Deno.test("allow_paid_broadcast calls have their own overall rate", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "paid_bot" });
  const users = Array.from({ length: 6 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ perSecond: 1, paidPerSecond: 100 }));
  const order: string[] = [];
  const free = users.slice(0, 3).map((u, i) =>
    api.sendMessage(u.id, `free${i}`).then(() => order.push(`free${i}`))
  );
  const paid = users.slice(3).map((u, i) =>
    api.sendMessage(u.id, `paid${i}`, { allow_paid_broadcast: true }).then(() => order.push(`paid${i}`))
  );
  await Promise.all([...free, ...paid]);
  assert.deepEqual(order.slice(-2), ["free1", "free2"], order.join());
});

Deno.test("an option name throttle() or broadcast() does not know is BadInput naming it, as messageLoop's are", async () => {
  assert.throws(
    () => throttle({ bogus: 1 } as never),
    (e) => e instanceof BadInput && e.argument === "throttle.bogus" && /perSecond/.test(e.expected),
  );
  // A snake_case spelling too: the default would otherwise stay in force unnoticed.
  assert.throws(() => throttle({ per_second: 5 } as never), BadInput);
  const api = new Api("1:unused", { apiRoot: "http://127.0.0.1:9" });
  await assert.rejects(
    broadcast(api, [1], "hi", { bogus: 1 } as never),
    (e) => e instanceof BadInput && e.argument === "broadcast options.bogus",
  );
  await assert.rejects(broadcast(api, [1], "hi", { throttle: { perMinute: 5 } as never }), BadInput);
});

Deno.test("malformed throttle options are BadInput", () => {
  assert.throws(() => throttle({ perSecond: 0 }), BadInput);
  assert.throws(() => throttle({ maxQueued: -1 }), BadInput);
  assert.throws(() => throttle({ isGroup: "yes" as unknown as () => boolean }), BadInput);
  const limits: ThrottleLimits = { perGroupPerMinute: Number.NaN };
  assert.throws(() => throttle(limits), /throttle\.perGroupPerMinute/);
});

Deno.test("RateGate: a wait given up (its signal aborted) leaves no timer keeping the process alive", async () => {
  const gate = new URL("../api/rate_gate.ts", import.meta.url).href;
  const program = `
    import { RateGate } from ${JSON.stringify(gate)};
    const g = new RateGate(0.01, 1, false); // the first token comes after 100 s
    await g.acquire(AbortSignal.timeout(50)).catch(() => {});
  `;
  const { code, stderr } = await runAlone(program);
  assert.equal(code, 0, `the process ended by itself: ${stderr}`);
});

Deno.test("throttle with the client's retry: a 429 the throttle gave up on is not sent again behind the chat's later calls", async () => {
  const server = WireServer.start();
  server.on("sendMessage", (req) => {
    if (req.json?.text === "A") return fail(429, "Too Many Requests: retry after 0", { retry_after: 0 });
    return { message_id: 1 };
  });
  try {
    const api = new Api("123:abc", { apiRoot: server.url, retry: true });
    api.transformers.use(throttle({ perChatPerSecond: 100, perSecond: 100, burstAtStart: true }));
    const [a, b, c] = await Promise.allSettled(["A", "B", "C"].map((text) => api.sendMessage(7, text)));
    assert.ok(a.status === "rejected" && a.reason instanceof TooManyRequestsError);
    assert.deepEqual([b.status, c.status], ["fulfilled", "fulfilled"]);
    const texts = server.calls("sendMessage").map((call) => call.json?.text);
    assert.ok(texts.lastIndexOf("A") < texts.indexOf("B"), `A was not sent after B: ${texts}`);
  } finally {
    await server.close();
  }
});

Deno.test("a chat a 429 paused stays paused when over 1,000 other chats are tracked", async () => {
  const server = WireServer.start();
  server.on("sendMessage", (req) => {
    if (req.json?.chat_id === 7) return fail(429, "Too Many Requests: retry after 100", { retry_after: 100 });
    return { message_id: 1 };
  });
  try {
    const api = new Api("123:abc", { apiRoot: server.url });
    api.transformers.use(throttle({ perChatPerSecond: 100, perSecond: 100_000, burstAtStart: true }));
    // Beyond maxRetryAfter: the call fails at once, and its chat waits out the 100 s.
    await assert.rejects(api.sendMessage(7, "first"), TooManyRequestsError);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the chat's bucket is full again
    await Promise.all(Array.from({ length: 1001 }, (_, i) => api.sendMessage(1000 + i, "hi")));
    await assert.rejects(api.sendMessage(7, "second", {}, { timeout: 0.3 }), RequestTimeout);
    assert.deepEqual(server.calls("sendMessage").filter((c) => c.json?.chat_id === 7).length, 1);
  } finally {
    await server.close();
  }
});

/** Resolves with `promise`'s outcome, or with "still waiting" once `seconds` pass without one. */
function within<T>(promise: Promise<T>, seconds: number): Promise<T | "still waiting"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still waiting">((resolve) => {
    timer = setTimeout(() => resolve("still waiting"), seconds * 1000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

Deno.test("while every chat is paused, calls the throttle does not count pass straight through; a waiting message still honours its signal and timeout", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "paused_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) =>
    emu.createUser({ first_name, startedBots: [bot] })
  );
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const throttler = throttle({ maxRetryAfter: 600 });
  api.transformers.use(throttler);
  const toEdit = await api.sendMessage(carol.id, "to edit");
  // Two chats refused at once: every chat's messages wait 30 s, and the two calls are to be repeated.
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(30), times: 2 });
  const stop = new AbortController();
  let repeated = 0;
  const held = [alice, bob].map((user) =>
    api.sendMessage(user.id, "held", {}, { signal: stop.signal }).finally(() => repeated++)
  );
  await until(() => throttler.stats.tooManyRequests === 2);

  const passing = Promise.all([
    api.getMe(),
    api.call("getUpdates", { timeout: 0 }),
    api.getChat(alice.id),
    api.sendChatAction(carol.id, "typing"),
    api.editMessageText([carol.id, toEdit.message_id], "edited"),
    // An unknown query id is refused, which is an answer as good as any here.
    api.call("answerCallbackQuery", { callback_query_id: "1" }).catch((error) => error),
  ]);
  assert.notEqual(await within(passing, 10), "still waiting", "uncounted calls answered during the pause");
  assert.equal(repeated, 0, "they answered before the pause ended");

  // A message to a third chat waits for the pause, and its timeout and signal end that wait.
  await assert.rejects(api.sendMessage(carol.id, "late", {}, { timeout: 0.3 }), RequestTimeout);
  const aborted = api.sendMessage(carol.id, "aborted", {}, { signal: AbortSignal.timeout(300) });
  await assert.rejects(aborted, (error) => error instanceof DOMException && error.name === "TimeoutError");
  stop.abort(new Error("given up"));
  for (const call of held) await assert.rejects(call, /given up/);
  assert.equal(repeated, 2);
  assert.deepEqual(emu.transcript(carol.id).map((m) => m.text), ["edited"], "nothing sent while paused");
});

Deno.test("a retry_after beyond maxRetryAfter pauses every chat for maxRetryAfter only; the chats refused wait it all out", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "banned_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ maxRetryAfter: 1 }));
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(3600), times: 2 });
  const refused = await Promise.allSettled([api.sendMessage(alice.id, "a"), api.sendMessage(bob.id, "b")]);
  for (const result of refused) {
    assert.ok(result.status === "rejected" && result.reason instanceof TooManyRequestsError);
  }
  assert.notEqual(await within(api.getMe({ timeout: 5 }), 10), "still waiting", "getMe was not held");
  // About a second (maxRetryAfter) rather than the hour asked for.
  const third = await within(api.sendMessage(carol.id, "c"), 20);
  assert.notEqual(third, "still waiting", "a third chat's message went after maxRetryAfter");
  assert.deepEqual(emu.transcript(carol.id).map((m) => m.text), ["c"]);
  await assert.rejects(api.sendMessage(alice.id, "again", {}, { timeout: 0.5 }), RequestTimeout);
  assert.deepEqual(emu.transcript(alice.id), [], "the refused chat is still paused");
});

/** A bot in a public supergroup, @pubgroup, with one user. */
function publicGroup(emu: BotApiEmulator) {
  const bot = emu.createBot({ username: "alias_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({
    title: "Public",
    type: "supergroup",
    username: "pubgroup",
    members: [alice],
    bots: [bot],
  });
  return { bot, group };
}

Deno.test("a supergroup addressed by @username and by id shares one line once a send has told its id: no 429, order kept", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const { bot, group } = publicGroup(emu);
  const { api, http429 } = countingApi(bot.token, emu.apiRoot);
  api.transformers.use(throttle({ ...LIMITS, burstAtStart: true }));

  // Both ways at once before any answer: the first answer joins the lines (at most the very first
  // pair, sent before anything is known, can collide).
  const first = [0, 1, 2].flatMap((i) => [
    api.sendMessage(group.id, `id ${i}`),
    api.sendMessage("@PubGroup", `name ${i}`),
  ]);
  await Promise.all(first);
  assert.ok(http429() <= 1, `429s before the id was known: ${http429()}`);
  const texts = () => emu.transcript(group.id).map((m) => m.text ?? "");
  for (const form of ["id", "name"]) {
    assert.deepEqual(texts().filter((t) => t.startsWith(form)), [0, 1, 2].map((i) => `${form} ${i}`));
  }

  // Known now, in any case: one line, one limit, one order.
  const before = http429();
  const sent: string[] = [];
  const second = [3, 4, 5, 6, 7].flatMap((i) => {
    sent.push(`id ${i}`, `name ${i}`);
    return [api.sendMessage(group.id, `id ${i}`), api.sendMessage("@pubgroup", `name ${i}`)];
  });
  await Promise.all(second);
  assert.equal(http429() - before, 0, "no 429 once the name's chat id is known");
  assert.deepEqual(texts().slice(-10), sent);
});

Deno.test("calls by @username made before the chat's id was known go before those made after, when their line joins the id's", async () => {
  await using emu = await BotApiEmulator.start();
  const { bot, group } = publicGroup(emu);
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const throttler = throttle();
  api.transformers.use(throttler);
  // A1's answer tells the name's id while B1..B3 wait in the name's line; C1 is made after that.
  const a1 = api.sendMessage(group.id, "A1");
  const named = ["B1", "B2", "B3"].map((text) => api.sendMessage("@pubgroup", text));
  await a1;
  await Promise.all([...named, api.sendMessage("@pubgroup", "C1")]);
  const texts = emu.transcript(group.id).map((m) => m.text);
  assert.deepEqual(texts.filter((t) => t !== "A1"), ["B1", "B2", "B3", "C1"], texts.join());
  assert.equal(throttler.stats.sent, 5);
});

Deno.test("a call by @username a 429 puts back after the chat's id became known keeps its place ahead of calls made later", async () => {
  await using emu = await BotApiEmulator.start();
  const { bot, group } = publicGroup(emu);
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const throttler = throttle();
  // Closer to the wire than the throttle: A1 goes out only once B1 is on its way by name, and B1 only
  // once A1's answer has told the throttle the name's id; B1 then meets a 429.
  const b1OnItsWay = Promise.withResolvers<void>();
  const a1Answered = Promise.withResolvers<void>();
  let b1Tries = 0;
  api.transformers.use(throttler, async (call, next) => {
    if (call.params.text === "A1") await b1OnItsWay.promise;
    if (call.params.text === "B1" && b1Tries++ === 0) {
      b1OnItsWay.resolve();
      await a1Answered.promise;
      emu.injectFault({ method: "sendMessage", error: tooManyRequests(1) });
    }
    return await next(call);
  });
  const a1 = api.sendMessage(group.id, "A1");
  void a1.then(() => a1Answered.resolve());
  const named = ["B1", "B2", "B3"].map((text) => api.sendMessage("@pubgroup", text));
  await a1;
  await Promise.all([...named, api.sendMessage("@pubgroup", "C1")]);
  assert.equal(throttler.stats.tooManyRequests, 1);
  assert.equal(b1Tries, 2);
  assert.deepEqual(emu.transcript(group.id).map((m) => m.text), ["A1", "B1", "B2", "B3", "C1"]);
});
