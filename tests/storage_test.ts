// The Storage contract, for the memory, the SQLite and the Redis storage alike (Redis: a redis-server
// of the test's own); sessions for plain handlers
// through a real loop against the emulator.
import assert from "node:assert/strict";
import { Bot } from "../bot/bot.ts";
import { rememberOrigin } from "../bot/update_kind.ts";
import { BadInput } from "../exception/bad_input.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import { connect } from "../redis/connection.ts";
import { redisStorage } from "../redis/mod.ts";
import { MemoryStorage } from "../storage/memory_storage.ts";
import { withSession } from "../storage/session.ts";
import { sqliteStorage } from "../storage/sqlite_storage.ts";
import type { Storage } from "../storage/storage.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { RedisServer } from "./support/redis_server.ts";
import { until } from "./support/until.ts";

async function storages(): Promise<Array<[string, Storage, () => Promise<void>]>> {
  const dir = await Deno.makeTempDir({ prefix: "storage_" });
  const sqlite = sqliteStorage(`${dir}/s.db`);
  await sqlite.open();
  const server = await RedisServer.start();
  const redis = redisStorage({ url: server.url, name: "contract" });
  await redis.open();
  return [
    ["memory", new MemoryStorage(), async () => {}],
    ["sqlite", sqlite, async () => {
      sqlite.close();
      await Deno.remove(dir, { recursive: true });
    }],
    ["redis", redis, async () => {
      await redis.close();
      await server[Symbol.asyncDispose]();
    }],
  ];
}

Deno.test("storage: versions count writes, compare-and-set refuses a stale version with StateConflict", async () => {
  for (const [name, s, done] of await storages()) {
    assert.equal(await s.get("a"), undefined, name);
    assert.equal(await s.set("a", { n: 1 }, { version: 0 }), 1, name);
    await assert.rejects(async () => await s.set("a", { n: 2 }, { version: 0 }), StateConflict, name);
    assert.equal(await s.set("a", { n: 2 }, { version: 1 }), 2, name);
    const error = await Promise.resolve().then(() => s.set("a", { n: 3 }, { version: 1 })).catch((e) => e);
    assert.ok(error instanceof StateConflict, name);
    assert.deepEqual([error.key, error.expected, error.found], ["a", 1, 2], name);
    assert.deepEqual(await s.get("a"), { value: { n: 2 }, version: 2 }, name);
    assert.equal(await s.set("a", "free"), 3, name);
    await assert.rejects(async () => await s.delete("a", 2), StateConflict, name);
    assert.equal(await s.delete("a", 3), true, name);
    assert.equal(await s.get("a"), undefined, name);
    await done();
  }
});

Deno.test("storage: scan lists a prefix in key order; expired values read as absent", async () => {
  for (const [name, s, done] of await storages()) {
    await s.set("p:b", 2);
    await s.set("p:a", 1);
    await s.set("q:a", 3);
    await s.set("p:c", 4, { ttl: 0.05 });
    assert.deepEqual(
      (await s.scan("p:")).map((e) => [e.key, e.value]),
      [["p:a", 1], ["p:b", 2], ["p:c", 4]],
      name,
    );
    await until(async () => (await s.get("p:c")) === undefined);
    assert.deepEqual((await s.scan("p:")).map((e) => e.key), ["p:a", "p:b"], name);
    assert.deepEqual((await s.scan("")).map((e) => e.key), ["p:a", "p:b", "q:a"], name);
    assert.throws(() => s.set("x", 1, { ttl: -1 }), BadInput, name);
    assert.throws(() => s.set("x", undefined), BadInput, name);
    await done();
  }
});

Deno.test("storage: an expired value is absent for every write too, in every storage", async () => {
  for (const [name, s, done] of await storages()) {
    for (const key of ["a", "b", "c"]) {
      await s.set(key, 1);
      await s.set(key, 2, { ttl: 0.05 }); // version 2, then gone
    }
    await until(async () => (await s.get("c")) === undefined);
    assert.equal(await s.delete("a"), false, `${name}: nothing there to delete`);
    await assert.rejects(
      async () => await s.delete("b", 2),
      StateConflict,
      `${name}: not at version 2 any more`,
    );
    assert.equal(await s.set("c", 3, { version: 0 }), 1, `${name}: inserted as new, at version 1`);
    assert.deepEqual(await s.get("c"), { value: 3, version: 1 }, name);
    await done();
  }
});

Deno.test("storage: scan finds a prefix by code points, whatever its last character", async () => {
  for (const [name, s, done] of await storages()) {
    for (const key of ["k\uD7FF1", "k\uE000", "k\uFFFF1", "k😀", "k😀1", "l"]) await s.set(key, 1);
    const keys = async (prefix: string) => (await s.scan(prefix)).map((e) => e.key);
    assert.deepEqual(await keys("k\uD7FF"), ["k\uD7FF1"], name);
    assert.deepEqual(await keys("k\uFFFF"), ["k\uFFFF1"], name);
    assert.deepEqual(await keys("k😀"), ["k😀", "k😀1"], name);
    await done();
  }
});

Deno.test("storage: a key with a lone surrogate (no UTF-8 form) is refused with BadInput, in every storage", async () => {
  for (const [name, storage, close] of await storages()) {
    for (const key of ["user:\uD800", "user:\uDC00", "\uDC00\uD800"]) {
      const uses = [
        () => storage.set(key, 1),
        () => storage.get(key),
        () => storage.delete(key),
        () => storage.scan(key),
      ];
      for (const use of uses) {
        await assert.rejects(async () => await use(), BadInput, `${name}: ${JSON.stringify(key)}`);
      }
    }
    await storage.set("user:\uD83D\uDE00", "a pair is a character");
    assert.deepEqual((await storage.scan("user:")).map((e) => e.key), ["user:😀"], name);
    await close();
  }
});

Deno.test("storage: a value read is a copy, as a database gives it", () => {
  const s = new MemoryStorage();
  const value = { list: [1] };
  s.set("k", value);
  value.list.push(2);
  const read = s.get("k")!.value as { list: number[] };
  read.list.push(3);
  assert.deepEqual(s.get("k")!.value, { list: [1] });
});

Deno.test("storage: a value JSON cannot bring back as it was is refused with BadInput, in every storage", async () => {
  for (const [name, storage, close] of await storages()) {
    const refused = [
      { at: new Date(0) },
      { m: new Map() },
      [new Set([1])],
      { n: NaN },
      { big: 1n },
      new Uint8Array(2),
      [() => 1],
      { n: new Number(5) },
      [new String("s")],
      new Boolean(false),
    ];
    for (const value of refused) {
      await assert.rejects(
        async () => await storage.set("k", value),
        BadInput,
        `${name}: ${Deno.inspect(value)}`,
      );
    }
    assert.equal(await storage.get("k"), undefined, `${name}: nothing was stored`);
    await storage.set("k", { kept: 1, dropped: undefined });
    assert.deepEqual((await storage.get("k"))?.value, { kept: 1 }, `${name}: undefined fields are left out`);
    // -0 comes back as 0, which compares equal (Math.round(-0.2) in a counter must not fail a save).
    await storage.set("zero", { n: -0 });
    assert.ok(
      Object.is(((await storage.get("zero"))?.value as { n: number }).n, 0),
      `${name}: -0 is stored as 0`,
    );
    // A seed's None: an undefined item comes back as null, which seeds read the same.
    await storage.set("seed", [5, undefined]);
    assert.deepEqual((await storage.get("seed"))?.value, [5, null], `${name}: undefined items are null`);
    await close();
  }
});

Deno.test("sessions: bad options are refused with BadInput when the handler is made, not after it ran", () => {
  const base = { storage: new MemoryStorage(), initial: () => ({}) };
  const bad: Record<string, unknown>[] = [
    { ttl: -5 },
    { ttl: 0 },
    { ttl: Number.NaN },
    { ttl: "1 day" },
    { name: 42 },
    { name: "" },
    { name: "a\uD800" },
    { key: "chat" },
  ];
  for (const options of bad) {
    let ran = false;
    assert.throws(
      () => withSession(() => void (ran = true), { ...base, ...options } as never),
      BadInput,
      JSON.stringify(options),
    );
    assert.equal(ran, false);
  }
  withSession(() => {}, { ...base, ttl: 0.5, name: "s", key: () => 1 });
});

Deno.test("sessions: a storage that failed to open is opened again at the next message", async () => {
  const storage = new MemoryStorage();
  let opens = 0;
  const flaky: Storage = {
    open: async () => {
      if (opens++ === 0) throw new Error("locked for a moment");
      await storage.open();
    },
    get: (key) => storage.get(key),
    set: (key, value, options) => storage.set(key, value, options),
    delete: (key, version) => storage.delete(key, version),
    scan: (prefix) => storage.scan(prefix),
    close: () => storage.close(),
  };
  const handler = withSession<{ n: number }>((_msg, session) => {
    session!.state!.n++;
  }, { storage: flaky, initial: () => ({ n: 0 }) });
  const msg = { message_id: 1, date: 0, chat: { id: 3, type: "private" } } as never;
  await assert.rejects(handler(msg), /locked for a moment/);
  await handler(msg);
  assert.equal(opens, 2);
  assert.deepEqual(storage.get("session:3")?.value, { state: { n: 1 }, applied: [] });
});

Deno.test("sessions: an update that deleted its session, delivered again after a crash, is not applied again", async () => {
  for (const [name, storage, close] of await storages()) {
    try {
      const summaries: string[] = [];
      const options = { storage, initial: () => ({ items: [] as string[] }), name };
      const handler = withSession<{ items: string[] }>((msg, session) => {
        if (msg.text !== "done") return void session!.state!.items.push(String(msg.text));
        summaries.push(session!.state!.items.join(","));
        session!.state = undefined;
      }, options);
      // As the loop hands them on: each message knows its update.
      const message = (updateId: number, text: string) => {
        const msg = { message_id: updateId, date: 0, chat: { id: 3, type: "private" }, text };
        rememberOrigin(msg, { kind: "message", updateId });
        return msg as never;
      };
      await handler(message(1, "a"));
      await handler(message(2, "b"));
      await handler(message(3, "done"));
      // A process that handled update 3 and was killed before acknowledging it: the next one gets it.
      await handler(message(3, "done"));
      assert.deepEqual(summaries, ["a,b"], `${name}: the summary once, not an empty one again`);
      await handler(message(4, "c"));
      await handler(message(5, "done"));
      assert.deepEqual(summaries, ["a,b", "c"], `${name}: a new session after the deleted one`);
      // A deleted session's record lives as long as a session would (`ttl`), then nothing is left.
      const brief = withSession<{ items: string[] }>((_msg, session) => {
        session!.state = undefined;
      }, { ...options, name: `${name}-brief`, ttl: 0.2 });
      await brief(message(6, "done"));
      assert.ok((await storage.get(`${name}-brief:3`)) !== undefined);
      await until(
        async () => (await storage.get(`${name}-brief:3`)) === undefined,
        10,
        `${name}: the record expired`,
      );
    } finally {
      await close();
    }
  }
});

Deno.test("sessions: update ids kept beyond the latest 16 are recognised for a day after the save, then forgotten", async () => {
  const storage = new MemoryStorage();
  const handler = withSession<{ n: number }>((_msg, session) => {
    session!.state!.n++;
  }, { storage, initial: () => ({ n: 0 }) });
  const message = (updateId: number) => {
    const msg = { message_id: updateId, date: 0, chat: { id: 3, type: "private" }, text: "x" };
    rememberOrigin(msg, { kind: "message", updateId });
    return msg as never;
  };
  const applied = Array.from({ length: 20 }, (_, i) => i + 1);
  const stored = (hoursAgo: number) => ({
    state: { n: 20 },
    applied,
    saved: Date.now() / 1000 - hoursAgo * 3600,
  });
  storage.set("session:3", stored(23));
  await handler(message(2));
  assert.equal((storage.get("session:3")!.value as { state: { n: number } }).state.n, 20, "recognised");
  // Past a day Telegram sends none of them again, and a new sequence of ids may reuse the older ones.
  storage.set("session:3", stored(25));
  await handler(message(20));
  await handler(message(2));
  assert.equal((storage.get("session:3")!.value as { state: { n: number } }).state.n, 21, "a new update");
});

Deno.test("sessions: per-chat state for a plain handler, kept across loops, a stale write refused", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "session_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  const storage = new MemoryStorage();
  const errors: unknown[] = [];
  const seen: string[] = [];
  let interfered = false;
  const handler = withSession<{ count: number }>(async (msg, session) => {
    session!.state!.count += 1;
    seen.push(`${msg.chat.id}:${session!.state!.count}`);
    // Another writer, once: as another process holding the same session would.
    if (msg.text === "interfere" && !interfered && (interfered = true)) {
      storage.set(`session:${msg.chat.id}`, { state: { count: 50 }, applied: [] });
    }
    await bot.sendMessage(msg.chat.id, String(session!.state!.count));
  }, { storage, initial: () => ({ count: 0 }) });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  try {
    let loop = bot.messageLoop(handler, { timeout: 1, relax: 0, onError: (e) => void errors.push(e) });
    await alice.sendText(alice.id, "a");
    await alice.sendText(alice.id, "b");
    await bob.sendText(bob.id, "c");
    await until(() => seen.length === 3, 30);
    await loop.stop();
    loop = bot.messageLoop(handler, { timeout: 1, relax: 0, onError: (e) => void errors.push(e) });
    await alice.sendText(alice.id, "interfere");
    await until(() => seen.length === 5, 30);
    await alice.sendText(alice.id, "d");
    await until(() => seen.length === 6, 30);
    await loop.stop();
    // Chats run concurrently: each chat's own order is what counts.
    assert.deepEqual(seen.filter((s) => s.startsWith(`${bob.id}:`)), [`${bob.id}:1`]);
    assert.deepEqual(seen.filter((s) => s.startsWith(`${alice.id}:`)), [
      `${alice.id}:1`,
      `${alice.id}:2`,
      `${alice.id}:3`, // refused: the stored session was changed meanwhile
      `${alice.id}:51`, // handled again from what was stored
      `${alice.id}:52`,
    ]);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof StateConflict);
  } finally {
    await emu.close();
  }
});

Deno.test("redis storage: two connections racing on one version, exactly one write wins; keys stay under the name", async () => {
  await using server = await RedisServer.start();
  const a = redisStorage({ url: server.url, name: "race" });
  const b = redisStorage({ url: server.url, name: "race" });
  await a.open();
  await b.open();
  try {
    await a.set("state:x", 0, { version: 0 });
    for (let round = 1; round <= 20; round++) {
      const results = await Promise.allSettled([
        a.set("state:x", `a${round}`, { version: round }),
        b.set("state:x", `b${round}`, { version: round }),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      assert.equal(won.length, 1, `round ${round}`);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      assert.ok(lost.reason instanceof StateConflict);
      assert.equal((await b.get("state:x"))!.version, round + 1);
    }
    assert.deepEqual((await b.scan("state:")).map((e) => e.key), ["state:x"]);
    assert.throws(() => redisStorage({ url: "http://x" }), BadInput);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("redis storage: index entries of expired values are dropped by later writes, not kept for ever", async () => {
  await using server = await RedisServer.start();
  const storage = redisStorage({ url: server.url, name: "ttl" });
  await storage.open();
  const raw = await connect(server.url);
  try {
    for (let i = 0; i < 200; i++) await storage.set(`session:${i}`, { i }, { ttl: 0.05 });
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 200; i++) await storage.set(`state:${i}`, { i });
    const indexed = Number(await raw.call("ZCARD", "ttl:{state}"));
    assert.ok(indexed < 200 + 60, `${indexed} index entries for 200 live values`);
    assert.equal((await storage.scan("state:")).length, 200);
  } finally {
    raw.disconnect();
    await storage.close();
  }
});
