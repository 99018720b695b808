// broadcast() against the emulator with flood control on. Telegram's limits are scaled up 10× in both
// the emulator and the throttler (300/s overall, 10/s per chat, 200/min per group), so that 5,000 chats
// take about 17 s instead of nearly 3 minutes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Api, broadcast, type BroadcastProgress, jsonLinesStore, throttle } from "../api/mod.ts";
import { BadInput, TelegramError } from "../exception/mod.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";

const SCALE = 10;
const LIMITS = { perSecond: 30 * SCALE, perChatPerSecond: 1 * SCALE, perGroupPerMinute: 20 * SCALE };

function botMessages(emu: BotApiEmulator, chat: number): number {
  return emu.transcript(chat).filter((m) => m.from?.is_bot).length;
}

Deno.test("a broadcast lists blocked users and unknown chats without stopping, reports progress, and a second run resends nothing", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 40 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  for (const user of users.slice(0, 3)) user.block(bot);
  const chats = [...users.map((u) => u.id), 987654321];
  const dir = await Deno.makeTempDir();
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle(LIMITS));
  const progress: BroadcastProgress[] = [];
  const options = {
    store: jsonLinesStore(join(dir, "news.jsonl")),
    onProgress: (p: BroadcastProgress) => progress.push(p),
  };

  const first = await broadcast(api, chats, (chat) => ({ params: { text: `hi ${chat}` } }), options);
  assert.equal(first.sent, 37);
  assert.deepEqual(
    first.failed.map((f) => [f.chat, f.reason]).sort(),
    [...users.slice(0, 3).map((u) => [u.id, "blocked"]), [987654321, "chat not found"]].sort(),
  );
  assert.match(first.failed.find((f) => f.reason === "blocked")!.description, /blocked by the user/);
  assert.deepEqual(progress.at(-1), {
    ...progress.at(-1)!,
    total: 41,
    done: 41,
    sent: 37,
    failed: 4,
    eta: 0,
  });
  assert.ok(progress.at(-1)!.rate > 0);
  for (const user of users.slice(3)) assert.equal(emu.transcript(user.id).at(-1)?.text, `hi ${user.id}`);

  const again = await broadcast(api, chats, "never sent", {
    ...options,
    store: jsonLinesStore(join(dir, "news.jsonl")),
  });
  assert.equal(again.resumed, 41);
  assert.equal(again.sent, 37);
  assert.equal(again.failed.length, 4);
  for (const user of users) assert.ok(botMessages(emu, user.id) <= 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a chat an interrupted run was sending to is reported uncertain, and sent again only with resendUncertain", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const [alice, bob] = ["Alice", "Bob"].map((first_name) => emu.createUser({ first_name }));
  const dir = await Deno.makeTempDir();
  const path = join(dir, "progress.jsonl");
  await Deno.writeTextFile(path, JSON.stringify({ chat: alice.id, state: "sending" }) + "\n{\"chat\":");
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });

  const careful = await broadcast(api, [alice.id, bob.id], "news", { store: jsonLinesStore(path) });
  assert.deepEqual(careful.uncertain, [alice.id]);
  assert.equal(careful.sent, 1);
  assert.equal(botMessages(emu, alice.id), 0);

  // The line the crash cut short was ended before this run's first record, which is whole on its own line.
  const written = await Deno.readTextFile(path);
  assert.ok(written.includes(`\n${JSON.stringify({ chat: bob.id, state: "sending" })}\n`), written);
  const eager = await broadcast(api, [alice.id, bob.id], "news", {
    store: jsonLinesStore(path),
    resendUncertain: true,
  });
  assert.deepEqual(eager.uncertain, []);
  assert.equal(eager.sent, 2);
  assert.equal(botMessages(emu, alice.id), 1);
  assert.equal(botMessages(emu, bob.id), 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("without a throttle on the client, a broadcast throttles itself with the limits it is given: no 429", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 400 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  let http429 = 0;
  const api = new Api(bot.token, {
    apiRoot: emu.apiRoot,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) http429++;
      return response;
    },
  });
  const result = await broadcast(api, users.map((u) => u.id), "hello", { throttle: LIMITS });
  assert.equal(result.sent, 400);
  assert.equal(http429, 0);
});

Deno.test("an aborted broadcast rejects with the reason, and running it again finishes without resending", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 200 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const chats = users.map((u) => u.id);
  const dir = await Deno.makeTempDir();
  const path = join(dir, "progress.jsonl");
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ perSecond: 100, burstAtStart: true }));
  const stop = new AbortController();
  const interrupted = broadcast(api, chats, "hello", {
    store: jsonLinesStore(path),
    signal: stop.signal,
    progressEvery: 0.05,
    onProgress: (p) => p.done >= 20 && stop.abort(new Error("operator stopped it")),
  });
  await assert.rejects(interrupted, /operator stopped it/);
  const reached = users.filter((u) => botMessages(emu, u.id) === 1).length;
  assert.ok(reached >= 20 && reached < 200, `${reached} reached before the abort`);

  const rest = await broadcast(api, chats, "hello", { store: jsonLinesStore(path) });
  assert.equal(rest.sent + rest.uncertain.length, 200);
  for (const user of users) assert.ok(botMessages(emu, user.id) <= 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("chats only queued in the throttle when a broadcast is stopped were never sent: the next run sends them", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 30 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const chats = users.map((u) => u.id);
  const dir = await Deno.makeTempDir();
  const path = join(dir, "progress.jsonl");
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  api.transformers.use(throttle({ perSecond: 5, burstAtStart: true }));
  const stop = new AbortController();
  const interrupted = broadcast(api, chats, "hello", {
    store: jsonLinesStore(path),
    signal: stop.signal,
    progressEvery: 0.05,
    onProgress: (p) => p.done >= 8 && stop.abort(new Error("operator stopped it")),
  });
  await assert.rejects(interrupted, /operator stopped it/);
  const rest = await broadcast(api, chats, "hello", { store: jsonLinesStore(path) });
  // Uncertain: only a call on the wire when it stopped (one at a time at 5 a second).
  assert.ok(rest.uncertain.length <= 1, `uncertain: ${rest.uncertain.length}`);
  for (const user of users) {
    if (!rest.uncertain.includes(user.id)) assert.equal(botMessages(emu, user.id), 1, `user ${user.id}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a store that cannot record a delivered chat as sent ends the broadcast; the chat is not called failed", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 3 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const records: string[] = [];
  const store = {
    load: () => Promise.resolve(new Map()),
    record(entry: { chat: number | string; state: string }) {
      if (entry.state === "sent") return Promise.reject(new Error("ENOSPC: no space left on device"));
      records.push(`${entry.chat}:${entry.state}`);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  await assert.rejects(broadcast(api, users.map((u) => u.id), "hello", { store, concurrency: 1 }), /ENOSPC/);
  assert.deepEqual(records, [`${users[0].id}:sending`]);
  assert.equal(botMessages(emu, users[1].id), 0, "nothing sent after the store failed");
});

/** A child process's stdout, line by line, as it comes. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

function runChild(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./support/broadcast_child.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

Deno.test("5,000 chats with 3 % blocked: killed with SIGKILL mid-way and run again, nobody gets it twice, no 429, blocked listed", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 5000 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const blocked = new Set<number>();
  for (let i = 0; i < users.length; i += 33) {
    if (blocked.size === 150) break;
    users[i].block(bot);
    blocked.add(users[i].id);
  }
  assert.equal(blocked.size, 150);
  const dir = await Deno.makeTempDir();
  const chatsFile = join(dir, "chats.json");
  await Deno.writeTextFile(chatsFile, JSON.stringify(users.map((u) => u.id)));
  const args = [emu.apiRoot, bot.token, chatsFile, join(dir, "progress.jsonl"), JSON.stringify(LIMITS)];

  const output: string[] = [];
  const first = runChild(args);
  for await (const line of lines(first.stdout)) {
    output.push(line);
    const done = /^progress (\d+)\//.exec(line);
    if (done && Number(done[1]) >= 1500) first.kill("SIGKILL");
  }
  const killed = await first.status;
  assert.equal(killed.signal, "SIGKILL", "the first run was killed, not finished");
  assert.ok(!output.some((line) => line.startsWith("result")));

  const second = runChild(args);
  for await (const line of lines(second.stdout)) output.push(line);
  assert.equal((await second.status).code, 0);

  assert.equal(output.filter((line) => line === "HTTP 429").length, 0, "no 429 on the wire");
  assert.ok(
    output.some((line) => /^progress \d+\/5000 sent=\d+ failed=\d+ rate=[\d.]+\/s eta=[\d.]+s$/.test(line)),
  );
  const result = JSON.parse(output.find((line) => line.startsWith("result "))!.slice(7));
  assert.ok(result.resumed >= 1500, `the second run resumed after ${result.resumed} chats`);
  assert.equal(result.sent + result.failed.length + result.uncertain.length, 5000);
  assert.ok(
    result.uncertain.length <= 100,
    `${result.uncertain.length} uncertain (at most the calls in flight)`,
  );
  // Every blocked user is listed but those the killed run was sending to: what became of those is unknown.
  const uncertain = new Set<number>(result.uncertain);
  const failed = new Set<number>(result.failed.map((f: { chat: number }) => f.chat));
  assert.deepEqual(failed, blocked.difference(uncertain));
  assert.ok(result.failed.every((f: { reason: string }) => f.reason === "blocked"));

  let twice = 0;
  for (const user of users) {
    const count = botMessages(emu, user.id);
    if (count > 1) twice++;
    if (blocked.has(user.id)) assert.equal(count, 0);
    else if (!uncertain.has(user.id)) assert.equal(count, 1, `chat ${user.id}`);
  }
  assert.equal(twice, 0, "nobody got the message twice");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a malformed argument or option of a broadcast is a BadInput before any chat is sent to or the store is read", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 5 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const chats = users.map((u) => u.id);
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  let loads = 0;
  const watched = {
    load: () => (loads++, Promise.resolve(new Map())),
    record: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const bad: [string, () => Promise<unknown>][] = [
    [
      "broadcast options.onProgress",
      () => broadcast(api, chats, "news", { store: watched, onProgress: "yes" as never }),
    ],
    [
      "broadcast options.signal",
      () => broadcast(api, chats, "news", { store: watched, signal: "stop" as never }),
    ],
    ["broadcast options", () => broadcast(api, chats, "news", null as never)],
    ["broadcast options.store", () => broadcast(api, chats, "news", { store: {} as never })],
    [
      "broadcast options.resendUncertain",
      () => broadcast(api, chats, "news", { resendUncertain: 1 as never }),
    ],
    ["broadcast chats", () => broadcast(api, 5 as never, "news")],
    ["broadcast chats", () => broadcast(api, null as never, "news")],
    ["broadcast api", () => broadcast(null as never, chats, "news")],
    ["broadcast message", () => broadcast(api, chats, { method: 5 } as never)],
    [
      "throttle.perSecond",
      () => broadcast(api, chats, "news", { store: watched, throttle: { perSecond: -1 } }),
    ],
  ];
  for (const [argument, run] of bad) {
    await assert.rejects(run, (e) => e instanceof BadInput && e.argument === argument, argument);
  }
  assert.throws(() => jsonLinesStore(5 as never), BadInput);
  assert.equal(loads, 0);
  for (const user of users) assert.equal(botMessages(emu, user.id), 0);
});

Deno.test("a broadcast whose message function throws rejects with it, and nothing is sent after that", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 40 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const dir = await Deno.makeTempDir();
  const store = join(dir, "run.jsonl");
  const failing = users[2].id;
  const failure = await broadcast(api, users.map((u) => u.id), (chat) => {
    if (chat === failing) throw new Error("no template for this chat");
    return `hello ${chat}`;
  }, { concurrency: 4, store: jsonLinesStore(store), throttle: LIMITS }).then(() => undefined, (e) => e);
  assert.match(String(failure), /no template for this chat/);
  const sent = () => users.filter((u) => botMessages(emu, u.id) > 0).length;
  const atRejection = sent();
  // The calls still in the throttle's queue then are dropped unsent, so the store may have no line yet.
  const written = () => Deno.readTextFile(store).catch(() => "");
  const lines = (await written()).length;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(sent(), atRejection, "no worker went on sending");
  assert.ok(atRejection < users.length);
  assert.equal((await written()).length, lines, "nor writing to the closed store");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a 429 given up on is not final (the next run sends it); a 500 leaves the chat uncertain, never sent twice", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
  const dir = await Deno.makeTempDir();
  const path = join(dir, "progress.jsonl");
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  // One chat at a time: Alice's call gets the 429 (beyond what a throttle waits), Bob's the 500 after
  // the message was posted.
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(100) });
  emu.injectFault({ method: "sendMessage", status: 500, performed: true });
  const chats = [alice.id, bob.id, carol.id];
  const first = await broadcast(api, chats, "news", { store: jsonLinesStore(path), concurrency: 1 });
  assert.deepEqual(first.failed.map((f) => [f.chat, f.reason]), [[alice.id, "flood"]]);
  assert.deepEqual(first.uncertain, [bob.id]);
  assert.equal(first.sent, 1);
  const again = await broadcast(api, chats, "news", { store: jsonLinesStore(path) });
  assert.deepEqual(again.failed, []);
  assert.deepEqual(again.uncertain, [bob.id]);
  assert.equal(again.sent, 2);
  assert.deepEqual(chats.map((chat) => botMessages(emu, chat)), [1, 1, 1]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a message every chat refuses ends the broadcast after the first few chats; the corrected message, run with the same store, reaches everyone", async () => {
  await using emu = await BotApiEmulator.start({ flood: LIMITS });
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 100 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  let requests = 0;
  const api = new Api(bot.token, {
    apiRoot: emu.apiRoot,
    fetch: (input, init) => {
      if (String(input).endsWith("/sendMessage")) requests++;
      return fetch(input, init);
    },
  });
  api.transformers.use(throttle(LIMITS));
  const dir = await Deno.makeTempDir();
  const path = join(dir, "bad.jsonl");

  const broken = { params: { text: "<b>v2 is out", parse_mode: "HTML" } };
  await assert.rejects(
    broadcast(api, users, broken, { store: jsonLinesStore(path), concurrency: 10 }),
    (error) =>
      error instanceof TelegramError && error.errorCode === 400 && /parse entities/.test(error.description),
  );
  // Until the fifth refusal is back, at most the other nine calls under way were sent too; the calls
  // still queued then are dropped unsent, however slow the machine.
  assert.ok(requests <= 5 + 9, `${requests} of 100 chats were sent the broken message`);

  const fixed = { params: { text: "<b>v2 is out</b>", parse_mode: "HTML" } };
  const again = await broadcast(api, users, fixed, { store: jsonLinesStore(path) });
  assert.deepEqual([again.sent, again.failed, again.uncertain, again.resumed], [100, [], [], 0]);
  for (const user of users) assert.equal(botMessages(emu, user), 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a chat that refused with an unclassified error is tried again by the next run; refusals that differ do not end a broadcast", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 8 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  const dir = await Deno.makeTempDir();
  const path = join(dir, "mixed.jsonl");
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  // One chat at a time: the first six chats refuse it, each in its own words (chat-specific, say).
  for (let i = 0; i < 6; i++) {
    emu.injectFault({
      method: "sendMessage",
      error: { error_code: 400, description: `Bad Request: odd ${i}` },
    });
  }
  const first = await broadcast(api, users, "news", { store: jsonLinesStore(path), concurrency: 1 });
  assert.equal(first.sent, 2);
  assert.deepEqual(first.failed.map((f) => [f.chat, f.reason]), users.slice(0, 6).map((u) => [u, "error"]));
  const again = await broadcast(api, users, "news", { store: jsonLinesStore(path) });
  assert.deepEqual([again.sent, again.failed, again.resumed], [8, [], 2]);
  for (const user of users) assert.equal(botMessages(emu, user), 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("400s that may be about the chat (TOPIC_CLOSED, CHANNEL_PRIVATE, one not known) never end a broadcast, this run or the next", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const dir = await Deno.makeTempDir();
  for (const description of ["TOPIC_CLOSED", "CHANNEL_PRIVATE", "SOMETHING_NEW_ABOUT_THIS_CHAT"]) {
    const users = Array.from({ length: 8 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
    const path = join(dir, `${description}.jsonl`);
    const refuse = () =>
      emu.injectFault({
        method: "sendMessage",
        times: 5,
        error: { error_code: 400, description: `Bad Request: ${description}` },
      });
    // One chat at a time: the first five chats refuse, each run, as chats that cannot take it would.
    refuse();
    const first = await broadcast(api, users, "news", { store: jsonLinesStore(path), concurrency: 1 });
    assert.equal(first.sent, 3, description);
    assert.deepEqual(first.failed.map((f) => [f.chat, f.reason]), users.slice(0, 5).map((u) => [u, "error"]));
    // They are tried again first (the order given), refuse again, and do not end the run either.
    refuse();
    const again = await broadcast(api, users, "news", { store: jsonLinesStore(path), concurrency: 1 });
    assert.deepEqual([again.sent, again.failed.length, again.resumed], [3, 5, 3], description);
    for (const [i, user] of users.entries()) assert.equal(botMessages(emu, user), i < 5 ? 0 : 1);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a message some chats' texts break (can't parse entities) ends the run early, but those chats do not end the next run", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 12 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const dir = await Deno.makeTempDir();
  const path = join(dir, "names.jsonl");
  // The first five chats' texts are built from a name with a stray "<": their HTML does not parse.
  const broken = new Set(users.slice(0, 5));
  const message = (chat: number | string) => ({
    params: { text: broken.has(chat as number) ? "<b>Hi <Ann</b>" : "<b>Hi Bob</b>", parse_mode: "HTML" },
  });
  await assert.rejects(
    broadcast(api, users, message, { store: jsonLinesStore(path), concurrency: 1 }),
    (error) => error instanceof TelegramError && /^Bad Request: can't parse entities/.test(error.description),
  );
  assert.ok(users.every((user) => botMessages(emu, user) === 0), "ended at the fifth chat");

  // The same chats lead the next run and refuse again; the run still reaches everyone else.
  const again = await broadcast(api, users, message, { store: jsonLinesStore(path), concurrency: 1 });
  assert.equal(again.sent, 7);
  assert.deepEqual(again.failed.map((f) => [f.chat, f.reason]), users.slice(0, 5).map((u) => [u, "error"]));
  for (const [i, user] of users.entries()) assert.equal(botMessages(emu, user), i < 5 ? 0 : 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the calls a broadcast drops when it ends early take no turn of the throttle: it sends nothing more than what reached the server", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 61 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  const outsider = users.pop()!;
  let requests = 0;
  const api = new Api(bot.token, {
    apiRoot: emu.apiRoot,
    fetch: (input, init) => {
      if (String(input).endsWith("/sendMessage")) requests++;
      return fetch(input, init);
    },
  });
  // A burst of 18, then 20 a second: most of the 60 calls wait in the throttle when the run ends.
  const throttler = throttle({ perSecond: 20, burstAtStart: true });
  api.transformers.use(throttler);
  const broken = { params: { text: "<b>v2 is out", parse_mode: "HTML" } };
  await assert.rejects(broadcast(api, users, broken), /can't parse entities/);
  await api.sendMessage(outsider, "unrelated");
  // Before, each dropped call first took its turn of the overall rate (counted as sent, never reaching
  // the server), and a message outside the broadcast waited behind all of them.
  assert.equal(throttler.stats.sent, requests, `${throttler.stats.sent} turns, ${requests} requests`);
  assert.ok(requests < 60, `${requests} requests`);
  assert.equal(botMessages(emu, outsider), 1);
});

Deno.test("refusals of one kind whose details differ from chat to chat (byte offsets in each chat's text) end a broadcast early too", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const users = Array.from({ length: 12 }, (_, i) => emu.createUser({ first_name: `U${i}` }).id);
  const api = new Api(bot.token, { apiRoot: emu.apiRoot });
  const descriptions = new Set<string>();
  api.transformers.use(async (call, next) => {
    try {
      return await next(call);
    } catch (error) {
      if (error instanceof TelegramError) descriptions.add(error.description);
      throw error;
    }
  });
  // Each chat's greeting is longer than the one before, so each refusal names another byte offset.
  const message = (chat: number | string) => ({
    params: { text: `Hi${"!".repeat(users.indexOf(chat as number))} <i`, parse_mode: "HTML" },
  });
  await assert.rejects(broadcast(api, users, message, { concurrency: 1 }), /can't parse entities/);
  assert.equal(descriptions.size, 5, [...descriptions].join("\n"));
  assert.ok(users.every((user) => botMessages(emu, user) === 0));
});
