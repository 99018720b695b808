import assert from "node:assert/strict";
import { UPDATE_KINDS } from "../api/classification.gen.ts";
import { Bot, glance } from "../bot/mod.ts";
import type { LoopMessage } from "../bot/mod.ts";
import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { BadInput } from "../exception/bad_input.ts";
import { DeadLetterError } from "../exception/dead_letter.ts";
import { NetworkError } from "../exception/network_error.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { ConflictError, UnauthorizedError } from "../exception/telegram_error_subclasses.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";
import { until } from "./support/until.ts";
import { WireServer } from "./support/wire_server.ts";

/** An emulator with one bot and a client pointed at it. */
async function setup() {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "loop_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  return { emu, handle, bot };
}

const quick = { timeout: 1, relax: 0, backoff: { initial: 0.05, max: 0.2 } };

Deno.test("loop: a routing table gets each flavor; confirmed updates are gone from the server", async () => {
  const { emu, handle, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  const seen: string[] = [];
  const loop = bot.messageLoop({
    chat: (msg) => void seen.push(`chat:${msg.text}`),
    edited_chat: (msg) => void seen.push(`edited:${msg.text}`),
  }, quick);
  const sent = await alice.sendText(alice.id, "one");
  await until(() => seen.length === 1);
  await alice.editText(sent, "two");
  await until(() => seen.length === 2);
  await loop.stop();
  await loop.done;
  assert.deepEqual(seen, ["chat:one", "edited:two"]);
  assert.equal(emu.pendingUpdates(handle).length, 0, "final offset confirmed");
  await emu.close();
});

Deno.test("loop: default allowed_updates is Telegram's default plus the opt-in kinds a table names", async () => {
  const { emu, handle, bot } = await setup();
  const optIn = ["chat_member", "message_reaction", "message_reaction_count"];
  const telegramDefault = UPDATE_KINDS.filter((kind) => !optIn.includes(kind));
  const loop = bot.messageLoop(() => {}, quick);
  await until(() => emu.bot(handle).queue.allowedList() !== null);
  assert.deepEqual(emu.bot(handle).queue.allowedList(), telegramDefault, "a function gets what telepot got");
  await loop.stop();
  // A table never narrows the list: a kind without an entry is reported as "no handler", not withheld.
  const routed = bot.messageLoop({ callback_query: () => {}, chat_member: () => {} }, quick);
  await until(() => emu.bot(handle).queue.allowedList()?.length === telegramDefault.length + 1);
  assert.deepEqual(
    emu.bot(handle).queue.allowedList(),
    UPDATE_KINDS.filter((kind) => kind === "chat_member" || !optIn.includes(kind)),
  );
  await routed.stop();
  const chosen = bot.messageLoop(() => {}, { ...quick, allowedUpdates: ["poll", "message"] });
  await until(() => emu.bot(handle).queue.allowedList()?.length === 2);
  assert.deepEqual(
    emu.bot(handle).queue.allowedList(),
    ["poll", "message"],
    "an explicit list is sent as it is",
  );
  await chosen.stop();
  await emu.close();
});

Deno.test("loop: by default, opt-in kinds (my_chat_member, chat_member, message_reaction) reach their routes", async () => {
  const { emu, handle, bot } = await setup();
  const owner = emu.createUser({ first_name: "Owner" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", members: [owner] });
  const got: string[] = [];
  const loop = bot.messageLoop({
    chat: () => {},
    my_chat_member: (m) => void got.push(`my_chat_member ${glance(m, "my_chat_member")[1] === group.id}`),
    chat_member: (m) => void got.push(`chat_member ${m.new_chat_member.user.first_name}`),
    message_reaction: (m) => {
      const [reaction] = m.new_reaction;
      got.push(`message_reaction ${"emoji" in reaction ? reaction.emoji : reaction.type}`);
    },
  }, quick);
  await owner.addMember(group.id, handle);
  await until(() => got.length === 1);
  await alice.join(group.id);
  await until(() => got.length === 2);
  const hello = await alice.sendText(alice.id, "hello");
  await alice.react(hello, ["👍"]);
  await until(() => got.length === 3);
  await loop.stop();
  assert.deepEqual(got, ["my_chat_member true", "chat_member Alice", "message_reaction 👍"]);
  await emu.close();
});

Deno.test("loop: a failing handler is reported with its update and the loop goes on", async () => {
  const { emu, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  const errors: Array<[unknown, number | undefined]> = [];
  const texts: string[] = [];
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    if (msg.text === "boom") throw new Error("handler failed");
    if (msg.text === "reject") return await Promise.reject(new Error("rejected"));
    texts.push(msg.text);
  }, { ...quick, onError: (e, u) => errors.push([e, u?.update_id]) });
  await alice.sendText(alice.id, "boom");
  await alice.sendText(alice.id, "reject");
  await alice.sendText(alice.id, "after");
  await until(() => texts.length === 1 && errors.length === 8);
  await loop.stop();
  assert.deepEqual(texts, ["after"]);
  // Each is tried maxAttempts (3) times, then dead-lettered and reported as such.
  const messages = errors.map(([e]) => e instanceof DeadLetterError ? "dead" : (e as Error).message);
  assert.deepEqual(messages, [
    ...Array(3).fill("handler failed"),
    "dead",
    ...Array(3).fill("rejected"),
    "dead",
  ]);
  assert.ok(errors.every(([, id]) => typeof id === "number"));
  await emu.close();
});

Deno.test("loop: default error log names the update and never the token", async () => {
  const { emu, handle, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.join(" "));
  try {
    const loop = bot.messageLoop(() => {
      throw new Error(`leaky ${handle.token} ${encodeURIComponent(handle.token)}`);
    }, { ...quick, maxAttempts: 1 });
    const sent = await alice.sendText(alice.id, "x");
    // The failure, then the dead letter it became.
    await until(() => logged.length === 2);
    await loop.stop();
    assert.match(logged[0], /update \d+/);
    assert.ok(!logged[0].includes(handle.token));
    assert.ok(!logged[0].includes(encodeURIComponent(handle.token)));
    assert.ok(logged[0].includes("<token>"));
    assert.ok(sent);
  } finally {
    console.error = original;
  }
  await emu.close();
});

Deno.test("loop: a handler that never settles blocks only its own chat, and its update stays unconfirmed", async () => {
  const { emu, handle, bot } = await setup();
  const stuck = emu.createUser({ first_name: "Stuck" });
  const others = Array.from({ length: 5 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const handled: string[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => {
    if (msg.text === "hang") return new Promise(() => {});
    handled.push(msg.text);
  }, { ...quick, stopTimeout: 0.2 });
  await stuck.sendText(stuck.id, "hang");
  await stuck.sendText(stuck.id, "behind");
  for (const u of others) await u.sendText(u.id, `from ${u.user.first_name}`);
  await until(() => handled.length === 5);
  assert.ok(!handled.includes("behind"), "same chat waits: order kept");
  const stopping = Date.now();
  await loop.stop();
  // stopTimeout (0.2 s here, 10 s by default) bounds how long a stop waits for the stuck handler.
  assert.ok(Date.now() - stopping < 5000, `stop took ${Date.now() - stopping} ms`);
  // The offset never passed the unfinished update: it and everything after it stay on the server.
  const pending = emu.pendingUpdates(handle).map((u) => (u.message as { text: string }).text);
  assert.deepEqual(pending.slice(0, 2), ["hang", "behind"]);
  assert.equal(pending.length, 7);
  // A new loop of the same bot in this process handles none of them twice, and it does not confirm
  // past the update the first loop left running either; a new process gets them all again (see
  // loop_crash_test.ts).
  const again: string[] = [];
  const second = bot.messageLoop((msg: LoopMessage) => void again.push(msg.text), {
    ...quick,
    stopTimeout: 0.2,
  });
  await new Promise((r) => setTimeout(r, 300));
  await second.stop();
  assert.deepEqual(again, []);
  assert.equal(emu.pendingUpdates(handle).length, 7);
  await emu.close();
});

Deno.test("loop: graceful stop lets in-flight handlers finish, then confirms", async () => {
  const { emu, handle, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  let finished = 0;
  const started = Promise.withResolvers<void>();
  const loop = bot.messageLoop(async () => {
    started.resolve();
    await new Promise((r) => setTimeout(r, 300));
    finished++;
  }, quick);
  await alice.sendText(alice.id, "slow");
  await started.promise;
  await loop.stop();
  assert.equal(finished, 1, "stop waited for the handler");
  assert.equal(emu.pendingUpdates(handle).length, 0, "and confirmed it");
  await emu.close();
});

Deno.test("loop: an AbortSignal stops the loop", async () => {
  const { emu, bot } = await setup();
  const controller = new AbortController();
  const loop = bot.messageLoop(() => {}, { ...quick, signal: controller.signal });
  controller.abort();
  // A loop that ignored the signal would poll on: fail then instead of hanging the test run.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    loop.done.then(() => "stopped"),
    new Promise((resolve) => timer = setTimeout(() => resolve("still running"), 5000)),
  ]);
  clearTimeout(timer);
  if (outcome !== "stopped") await loop.stop();
  assert.equal(outcome, "stopped");
  await emu.close();
});

Deno.test("loop: 5xx, dropped connections and HTML pages are retried with back-off; nothing lost", async () => {
  const { emu, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  const texts: string[] = [];
  const errors: unknown[] = [];
  emu.injectFault({ method: "getUpdates", status: 502, times: 2 });
  emu.injectFault({ method: "getUpdates", drop: true, times: 2 });
  emu.injectFault({ method: "getUpdates", html: true, times: 1 });
  emu.injectFault({ method: "getUpdates", status: 500, times: 1, performed: true });
  for (let i = 0; i < 5; i++) await alice.sendText(alice.id, `m${i}`);
  const loop = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text), {
    ...quick,
    onError: (e) => errors.push(e),
  });
  await until(() => texts.length === 5);
  await loop.stop();
  assert.deepEqual(texts, ["m0", "m1", "m2", "m3", "m4"]);
  // Six failures in a row are one run: only its first is reported.
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof TelegramError && errors[0].method === "getUpdates", String(errors[0]));
  await emu.close();
});

Deno.test("loop: getUpdates failing after start-up is reported at the first failure of a run and every tenth, to onError or the logger", async () => {
  const { emu, handle, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  const texts: string[] = [];
  const reports: { error: unknown; update: unknown }[] = [];
  const fast = { ...quick, backoff: { initial: 0.01, max: 0.02 } };
  const loop = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text), {
    ...fast,
    onError: (error, update) => void reports.push({ error, update }),
  });
  await alice.sendText(alice.id, "before");
  await until(() => texts.length === 1, 10, "the first message");
  // Twelve failures in a row, of every transient kind: the 1st (an HTML page) and the 10th (a drop) are reported.
  const faults = [
    emu.injectFault({ method: "getUpdates", html: true, times: 4 }),
    emu.injectFault({ method: "getUpdates", status: 500, times: 5 }),
    emu.injectFault({ method: "getUpdates", drop: true, times: 3 }),
  ];
  await until(() => faults.every((f) => f.remaining === 0), 10, "the twelve failures");
  await alice.sendText(alice.id, "during");
  await until(() => texts.length === 2, 10, "the message sent after the failures");
  assert.equal(reports.length, 2, reports.map((r) => String(r.error)).join("\n"));
  assert.ok(reports[0].error instanceof BadHTTPResponse, String(reports[0].error));
  assert.ok(reports[1].error instanceof NetworkError, String(reports[1].error));
  for (const { error, update } of reports) {
    assert.equal((error as BadHTTPResponse | NetworkError).method, "getUpdates");
    assert.equal(update, undefined);
  }
  // A success ended that run: the next failure starts another, reported at once.
  const again = emu.injectFault({ method: "getUpdates", status: 502, times: 1 });
  await until(() => again.remaining === 0, 10, "the next failure");
  await until(() => reports.length === 3, 10, "its report");
  assert.ok(reports[2].error instanceof TelegramError && reports[2].error.errorCode === 502);
  await loop.stop();

  // Without onError, the bot's logger hears of it, the token cut out.
  const lines: string[] = [];
  const keep = (...data: unknown[]) =>
    void lines.push(data.map((d) => d instanceof Error ? d.stack : String(d)).join(" "));
  const logged = new Bot(handle.token, { apiRoot: emu.apiRoot, logger: { debug() {}, error: keep } });
  const second = logged.messageLoop(() => {}, fast);
  await until(() => logged.me !== undefined, 10, "getMe");
  const down = emu.injectFault({ method: "getUpdates", drop: true, times: 1 });
  await until(() => down.remaining === 0 && lines.length > 0, 10, "a log line");
  await second.stop();
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0], /message loop:.*NetworkError: getUpdates: /s);
  assert.ok(!lines[0].includes(handle.token));
  await emu.close();
});

Deno.test("loop: 429 waits retry_after before polling again", async () => {
  const { emu, bot } = await setup();
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "x");
  emu.injectFault({ method: "getUpdates", error: tooManyRequests(1), times: 1 });
  const start = Date.now();
  let at = 0;
  const loop = bot.messageLoop(() => void (at = Date.now()), quick);
  await until(() => at > 0, 5);
  await loop.stop();
  assert.ok(at - start >= 950, `handled after ${at - start} ms, expected ≥ 1 s`);
  await emu.close();
});

/** The error a loop ended with explains itself, and keeps the failed call and what Telegram said. */
function keepsTheCall(e: TelegramError, original: typeof TelegramError, said: RegExp): void {
  assert.ok(e.cause instanceof original, String(e.cause));
  assert.match(e.cause.description, said);
  assert.ok(e.cause !== e);
  assert.equal(e.method, e.cause.method);
  assert.ok(e.params !== undefined, "the call's params");
  assert.deepEqual(e.params, e.cause.params);
  assert.equal(e.json.description, e.cause.description);
  assert.notEqual(e.description, e.cause.description, "the library's explanation");
}

Deno.test("loop: 401 ends the loop with UnauthorizedError, keeping the call and Telegram's error as cause", async () => {
  const emu = await BotApiEmulator.start();
  const bot = new Bot("999:not-a-real-token", { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(() => {}, quick);
  await assert.rejects(loop.done, (e: unknown) => {
    assert.ok(e instanceof UnauthorizedError);
    assert.match(e.message, /refused this bot's token/);
    keepsTheCall(e, UnauthorizedError, /^Unauthorized/);
    return true;
  });
  await emu.close();
});

Deno.test("loop: 409 from an active webhook ends the loop with a clear error, keeping the call and Telegram's error as cause", async () => {
  const { emu, bot } = await setup();
  await bot.setWebhook("http://127.0.0.1:9/hook");
  const loop = bot.messageLoop(() => {}, quick);
  await assert.rejects(loop.done, (e: unknown) => {
    assert.ok(e instanceof ConflictError);
    assert.equal(e.errorCode, 409);
    assert.ok(e.webhookActive);
    assert.match(e.message, /^getUpdates: Conflict: a webhook is set/);
    keepsTheCall(e, ConflictError, /webhook is active/);
    assert.equal(e.method, "getUpdates");
    assert.equal(e.params?.timeout, 1);
    assert.equal(e.params?.limit, 100);
    return true;
  });
  await emu.close();
});

Deno.test("loop: no handler and no handle override is refused up front", async () => {
  const bot = new Bot("1:x", { apiRoot: "http://127.0.0.1:9" });
  assert.throws(() => bot.messageLoop());
  class Echo extends Bot {
    override handle() {}
  }
  const echo = new Echo("1:x", { apiRoot: "http://127.0.0.1:9" });
  const loop = echo.messageLoop(undefined, { ...quick, stopTimeout: 0 });
  await loop.stop();
});

Deno.test("loop: two pollers with one token: the loser stops with a clear 409 error, keeping the call and Telegram's error as cause", async () => {
  const { emu, handle } = await setup();
  const a = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const b = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const first = a.messageLoop(() => {}, quick);
  const second = b.messageLoop(() => {}, quick);
  const loser = await Promise.race([
    first.done.then(() => "none", (e) => e),
    second.done.then(() => "none", (e) => e),
  ]);
  assert.ok(loser instanceof ConflictError);
  assert.equal(loser.errorCode, 409);
  assert.ok(!loser.webhookActive);
  assert.match(loser.message, /another getUpdates poller/);
  keepsTheCall(loser, ConflictError, /terminated by other getUpdates request/);
  await first.stop();
  await second.stop();
  await emu.close();
});

Deno.test("loop: a server that keeps failing is retried with growing delays, not in a hot loop", async () => {
  const { emu, bot } = await setup();
  const fault = emu.injectFault({ method: "getUpdates", status: 502, times: 1000 });
  const loop = bot.messageLoop(() => {}, { ...quick, backoff: { initial: 0.05, max: 0.4 } });
  await new Promise((r) => setTimeout(r, 1500));
  await loop.stop();
  // Delays 0.05, 0.1, 0.2, 0.4, 0.4… (at least half each, with jitter): at most ~10 calls in 1.5 s.
  assert.ok(fault.hits >= 3 && fault.hits <= 12, `${fault.hits} calls`);
  await emu.close();
});

Deno.test("loop: malformed options are refused before anything starts", () => {
  const bot = new Bot("1:x", { apiRoot: "http://127.0.0.1:9" });
  for (
    const options of [{ relax: -1 }, { timeout: Number.NaN }, { timeout: 1.5 }, { maxhold: -0.5 }, {
      limit: 0,
    }, { limit: 101 }]
  ) {
    assert.throws(() => bot.messageLoop(() => {}, options), BadInput, JSON.stringify(options));
  }
  assert.throws(() => bot.messageLoop({ chat: "nope" as never }), BadInput);
});

Deno.test("loop: without a handler, the bot's own handle gets every message", async () => {
  const { emu, handle } = await setup();
  const got: string[] = [];
  class Recorder extends Bot {
    override async handle(msg: LoopMessage) {
      await Promise.resolve();
      got.push(msg.text);
    }
  }
  const bot = new Recorder(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const loop = bot.messageLoop(undefined, quick);
  await alice.sendText(alice.id, "a");
  await alice.sendText(alice.id, "b");
  await until(() => got.length === 2);
  await loop.stop();
  assert.deepEqual(got, ["a", "b"]);
  await emu.close();
});

Deno.test("loop: relax spaces out polls that come back short, even from a server that answers at once", async () => {
  const server = WireServer.start().on("getUpdates", () => []);
  const bot = new Bot("1:relax", { apiRoot: server.url });
  const loop = bot.messageLoop(() => {}, { timeout: 0, relax: 0.25, limit: 7 });
  await new Promise((r) => setTimeout(r, 1000));
  await loop.stop();
  const calls = server.calls("getUpdates").length;
  // One poll, then one per 0.25 s: at most 5 in a second (hundreds without relax).
  assert.ok(calls >= 2 && calls <= 6, `${calls} polls in 1 s`);
  const first = server.calls("getUpdates")[0].json;
  assert.deepEqual([first?.timeout, first?.limit], [0, 7], "timeout and limit go to getUpdates as given");
  await server.close();
});

Deno.test("loop: a getUpdates answer that is no list of Updates is reported and asked again, never taken for updates", async () => {
  const update = {
    update_id: 7,
    message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "x" },
  };
  const server = WireServer.start().on(
    "getUpdates",
    () => null,
    () => ({ update_id: 1 }),
    () => [{ update_id: "7" }],
    () => [update],
    () => [],
  );
  const bot = new Bot("1:nonsense", { apiRoot: server.url });
  const errors: unknown[] = [];
  const got: number[] = [];
  const loop = bot.messageLoop({ chat: (msg) => void got.push(msg.message_id) }, {
    timeout: 0,
    relax: 0,
    backoff: { initial: 0.01, max: 0.01 },
    onError: (error) => void errors.push(error),
  });
  await until(() => got.length === 1 && server.calls("getUpdates").length >= 5, 20, "the real update");
  await loop.stop();
  assert.deepEqual(got, [1]);
  assert.equal(errors.length, 3, String(errors));
  assert.ok(
    errors.every((e) =>
      e instanceof TelepotException && /not.*list of Updates|other than a list/.test(e.message)
    ),
  );
  assert.equal(server.calls("getUpdates")[4].json?.offset, 8, "the offset follows the real update only");
  await server.close();
});
