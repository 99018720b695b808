// Persistence with real processes: the emulator in its own process, a bot process (the README's
// MessageCounter, state in a SQLite storage, or in a Redis storage on a redis-server of the test's
// own) killed with kill -9 and restarted. The count goes on, an
// alarm set before the kill fires after the restart, one an hour ahead is still waiting, an idle
// timeout fires with the time it had left; and a state save refused because another process wrote the
// seed's state is reported, and its message handled again from the stored state.
import assert from "node:assert/strict";
import { redisStorage } from "../redis/mod.ts";
import { sqliteStorage } from "../storage/sqlite_storage.ts";
import type { Storage } from "../storage/storage.ts";
import { EmulatorProcess } from "./support/emulator_process.ts";
import type { Config } from "./support/persist_bot.ts";
import { waitFor } from "./support/receiving_harness.ts";
import { RedisServer } from "./support/redis_server.ts";
import { startSupportBot, taggedLines } from "./support/support_bot.ts";

const IDLE = 20;
// Seconds ahead of the alarm set before the kill.
const ALARM = 15;

const startBot = (config: Config): Deno.ChildProcess => startSupportBot("persist_bot.ts", config);

async function say(
  emu: EmulatorProcess,
  user: number,
  text: string,
): Promise<number> {
  const { chat } = await emu.command({ say: { chat: user, text } });
  return chat;
}

function counts(out: string, chat: number): string[][] {
  return taggedLines(out, "C").filter(([c]) => Number(c) === chat);
}

for (const kind of ["sqlite", "redis"] as const) {
  Deno.test(`kill -9 and restart, ${kind} storage: counter state, a scheduled event and an idle timeout survive; a conflicting save is reported and not acked`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "persist_" });
    const server = kind === "redis" ? await RedisServer.start() : undefined;
    const emu = await EmulatorProcess.start();
    const config: Config = {
      apiRoot: emu.apiRoot,
      token: emu.token,
      db: `${dir}/bot.db`,
      redis: server?.url,
      out: `${dir}/out.txt`,
      timeout: IDLE,
    };
    const { out } = config;
    let bot = startBot(config);
    const storage: Storage = server
      ? redisStorage({ url: server.url })
      : sqliteStorage(config.db);
    try {
      await waitFor(
        () => taggedLines(out, "R").length === 1,
        60,
        "the first bot to start",
      );

      // The idle chat first: its timeout is left running while the rest happens.
      const idleChat = await say(emu, 3, "hello");
      await waitFor(
        () => counts(out, idleChat).length === 1,
        60,
        "the idle chat's message",
      );
      // A gap between its deadline and the restart's, so a full timeout re-armed at the restart would show.
      await new Promise((r) => setTimeout(r, 5000));
      const counterChat = await say(emu, 0, "one");
      for (const text of ["two", "three"]) await say(emu, 0, text);
      await waitFor(
        () => counts(out, counterChat).length === 3,
        60,
        "three counted messages",
      );
      const hourChat = await say(emu, 2, "alarm 3600");
      // Far enough ahead (as far as the idle chat's deadline) for the kill to come first under load;
      // it still fires before the idle timeout is waited for below.
      const alarmChat = await say(emu, 1, `alarm ${ALARM}`);

      await storage.open();
      await waitFor(
        async () => (await storage.scan("event:")).length === 2,
        60,
        "both alarms stored",
      );
      // And both alarm messages handled to the end: their counters' states stored with their acks.
      await waitFor(
        async () =>
          (await storage.get(`state:MessageCounter:${hourChat}`)) !== undefined
          && (await storage.get(`state:MessageCounter:${alarmChat}`)) !== undefined,
        60,
        "the alarm chats' states stored",
      );
      const idleKey = `state:MessageCounter:${idleChat}`;
      const deadline = ((await storage.get(idleKey))!.value as { idle: number }).idle;
      assert.ok(
        deadline > Date.now() / 1000,
        "the idle deadline is still ahead at the kill",
      );

      const alarmWhen = (await storage.scan("event:")).map((e) => (e.value as { when: number }).when)
        .reduce((a, b) => Math.min(a, b));
      bot.kill("SIGKILL");
      await bot.status;
      // What the test is about needs the kill before the alarm's time: a machine that slow says so.
      assert.ok(alarmWhen > Date.now() / 1000, "the alarm is still ahead at the kill");
      assert.equal(taggedLines(out, "A").length, 0, "no alarm fired before the kill");
      bot = startBot(config);
      await waitFor(
        () => taggedLines(out, "R").length === 2,
        60,
        "the restarted bot",
      );
      const [restored, restartMs, pid] = taggedLines(out, "R")[1].map(Number);
      // Two alarms and the idle timeouts of the four open counters.
      assert.equal(restored, 6);

      // The count goes on.
      await say(emu, 0, "four");
      await waitFor(
        () => counts(out, counterChat).length === 4,
        60,
        "the fourth message",
      );
      assert.deepEqual(counts(out, counterChat).map(([, n]) => Number(n)), [
        1,
        2,
        3,
        4,
      ]);
      assert.equal(Number(counts(out, counterChat)[3][3]), pid);

      // The alarm set before the kill fires in the new process; the hour-long one still waits.
      await waitFor(
        () => taggedLines(out, "A").length === 1,
        60,
        "the alarm after the restart",
      );
      assert.deepEqual(taggedLines(out, "A")[0].map(Number), [alarmChat, 0, pid]);
      await waitFor(
        async () => (await storage.scan("event:")).length === 1,
        60,
        "the fired alarm forgotten",
      );
      const [hour] = await storage.scan("event:");
      const hourData = hour.value as {
        when: number;
        data: { _alarm: { source: { id: number } } };
      };
      assert.equal(hourData.data._alarm.source.id, hourChat);
      assert.ok(hourData.when > Date.now() / 1000 + 3000);

      // Another process writes the counter's state behind the live delegate's back: its next save is
      // refused, reported, and the message handled again from what that process stored.
      const counterKey = `state:MessageCounter:${counterChat}`;
      const storedCount = async () =>
        ((await storage.get(counterKey))?.value as { state: { count: number } } | undefined)?.state.count;
      // A count is printed before its state is committed: the write waits for the fourth's commit.
      await waitFor(async () => (await storedCount()) === 4, 60, "the fourth count stored");
      const current = (await storage.get(counterKey))!;
      await storage.set(counterKey, {
        ...(current.value as object),
        state: { count: 100 },
      }, {
        version: current.version,
      });
      await say(emu, 0, "five");
      await waitFor(
        () => counts(out, counterChat).length === 6,
        60,
        "the refused message handled again",
      );
      const [, refused, retried] = [
        counts(out, counterChat)[3],
        ...counts(out, counterChat).slice(4),
      ];
      assert.equal(Number(refused[1]), 5, "counted on the stale state first");
      assert.equal(
        Number(retried[1]),
        101,
        "then again from the other process's state",
      );
      assert.equal(
        refused[2],
        retried[2],
        "the same update, not acked in between",
      );
      assert.deepEqual(taggedLines(out, "E").map(([id, name]) => [id, name]), [[
        refused[2],
        "StateConflict",
      ]]);
      await waitFor(async () => (await storedCount()) === 101, 60, "the retried count stored");

      // The idle timeout fires in the new process with the time it had left, not a full timeout.
      await waitFor(
        () => taggedLines(out, "I").some(([c]) => Number(c) === idleChat),
        60,
        "the idle timeout",
      );
      const [, idleCount, firedMs, idlePid] = taggedLines(out, "I").find(([c]) => Number(c) === idleChat)!
        .map(
          Number,
        );
      assert.equal(idlePid, pid);
      assert.equal(idleCount, 1);
      assert.ok(firedMs >= deadline * 1000 - 50, "not before its deadline");
      assert.ok(
        firedMs < restartMs + IDLE * 1000,
        "re-armed with what was left, not a full timeout",
      );
    } finally {
      bot.kill("SIGKILL");
      await bot.status;
      await storage.close();
      await emu.close();
      await server?.[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

// Exactly-once state: whatever was in flight at the kill, each chat's stored count ends equal to the
// messages it sent. With the storage in the journal's file the state is committed with the update's
// acknowledgement; in a file of its own it is saved first and a redelivered update is recognised.
for (const shared of [true, false]) {
  const where = shared ? "in the journal's file" : "in a file of its own";
  Deno.test(`kill -9 mid-flood, storage ${where}: every chat's count ends equal to its messages`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "persist_flood_" });
    const emu = await EmulatorProcess.start();
    const CHATS = 20;
    const PER_CHAT = 30;
    const config: Config = {
      apiRoot: emu.apiRoot,
      token: emu.token,
      db: `${dir}/bot.db`,
      storage: shared ? undefined : `${dir}/state.db`,
      out: `${dir}/out.txt`,
      timeout: 600,
    };
    let bot = startBot(config);
    const storage = sqliteStorage(config.storage ?? config.db);
    try {
      await waitFor(
        () => taggedLines(config.out, "R").length === 1,
        60,
        "the bot to start",
      );
      await emu.command({ send: { chats: CHATS, perChat: PER_CHAT } });
      await waitFor(
        () => taggedLines(config.out, "C").length >= (CHATS * PER_CHAT) / 3,
        120,
        "a third handled",
      );
      bot.kill("SIGKILL");
      await bot.status;
      const before = taggedLines(config.out, "C").length;
      assert.ok(before < CHATS * PER_CHAT, "killed mid-flood");
      bot = startBot(config);
      await storage.open();
      const counts = () =>
        storage.scan("state:MessageCounter:").map((e) =>
          (e.value as { state: { count: number } }).state.count
        );
      await waitFor(
        () => counts().length === CHATS && counts().every((n) => n >= PER_CHAT),
        180,
        "every chat's messages handled",
      );
      assert.deepEqual(counts(), Array(CHATS).fill(PER_CHAT));
      assert.deepEqual(taggedLines(config.out, "E"), [], "nothing reported");
    } finally {
      bot.kill("SIGKILL");
      await bot.status;
      storage.close();
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
