// Stored events and the state their handling changes, with the SQLite journal and storage in one file:
// a bot process killed with kill -9 (the emulator, in a process of its own, keeping the updates) loses
// neither an alarm nor its effect on the state.
import assert from "node:assert/strict";
import { type SqliteStorage, sqliteStorage } from "../storage/sqlite_storage.ts";
import { EmulatorProcess } from "./support/emulator_process.ts";
import type { Config } from "./support/event_bot.ts";
import { startSupportBot, taggedLines } from "./support/support_bot.ts";
import { until } from "./support/until.ts";

const startBot = (config: Config): Deno.ChildProcess => startSupportBot("event_bot.ts", config);

/** What a test checks once the bot killed itself and a new one started on the same file. */
interface Restarted {
  /** The chat the messages came from. */
  readonly chat: number;
  /** The lines both bot processes wrote. */
  readonly out: string;
  /** The journal's file, opened. */
  readonly storage: SqliteStorage;
}

/**
 * Starts the bot with `flags`, has `provoke` send what makes it kill itself (returning the chat), waits
 * for the kill, starts it again without killing, and hands the result to `check`.
 */
async function afterKill(
  flags: Pick<Config, "killOnAlarm" | "killAfterRemind" | "chainAlarm">,
  provoke: (emu: EmulatorProcess) => Promise<number>,
  check: (run: Restarted) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "persist_events_" });
  const emu = await EmulatorProcess.start();
  const config: Config = {
    apiRoot: emu.apiRoot,
    token: emu.token,
    db: `${dir}/bot.db`,
    out: `${dir}/out.txt`,
    ...flags,
  };
  let bot = startBot(config);
  const storage = sqliteStorage(config.db);
  try {
    await until(() => taggedLines(config.out, "R").length === 1, 60, "the bot to start");
    const chat = await provoke(emu);
    await until(() => taggedLines(config.out, "K").length === 1, 60, "the kill");
    await bot.status;
    bot = startBot({ ...config, killOnAlarm: false, killAfterRemind: false });
    await storage.open();
    await check({ chat, out: config.out, storage });
  } finally {
    bot.kill("SIGKILL");
    await bot.status;
    storage.close();
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// The alarm comes due while "slow 1500" is handled: the delegate handles it next, and its save joins the
// one staged with that update's ack, which waits (50 ms) since "slow 3000" is held behind it.
async function alarmAmongSlowMessages(emu: EmulatorProcess): Promise<number> {
  const { chat } = await emu.command({ say: { chat: 0, text: "alarm 1" } });
  await emu.command({ say: { chat: 0, text: "slow 1500" } });
  await emu.command({ say: { chat: 0, text: "slow 3000" } });
  return chat;
}

function stateOf(storage: SqliteStorage, chat: number): { count: number; alarms: number } | undefined {
  return (storage.get(`state:Reminder:${chat}`)?.value as
    | { state: { count: number; alarms: number } }
    | undefined)?.state;
}

Deno.test("kill -9 after an alarm was handled, its effect staged with an update's ack: the alarm stays stored until that commits, and fires again", async () => {
  await afterKill({ killOnAlarm: true }, alarmAmongSlowMessages, async ({ chat, out, storage }) => {
    // The first run handled the alarm once before it was killed.
    assert.deepEqual(taggedLines(out, "A")[0].slice(0, 2).map(Number), [chat, 1]);
    await until(() => stateOf(storage, chat)?.count === 2, 60, "both slow messages counted and stored");
    // The alarm is deleted in the transaction that commits its effect.
    await until(() => storage.scan("event:").length === 0, 60, "no alarm left stored");
    assert.deepEqual(stateOf(storage, chat), { count: 2, alarms: 1 }, "the alarm's effect is stored once");
  });
});

Deno.test("kill -9 after an alarm's handling, staged with an update's ack, scheduled another event: handled again after the restart, it is stored once", async () => {
  await afterKill(
    { killOnAlarm: true, chainAlarm: true },
    alarmAmongSlowMessages,
    async ({ out, storage }) => {
      await until(() => taggedLines(out, "A").length === 2, 60, "the alarm handled again");
      const later = () =>
        storage.scan("event:").filter((entry) => "_later" in (entry.value as { data: object }).data);
      await until(() => storage.scan("event:").length === later().length, 60, "the alarm deleted");
      assert.equal(later().length, 1, "the event the alarm's handling scheduled, stored once");
    },
  );
});

Deno.test("kill -9 after a handler scheduled an alarm, before its update was acknowledged: handled again, it schedules the alarm once", async () => {
  const remind = async (emu: EmulatorProcess) =>
    (await emu.command({ say: { chat: 0, text: "remind 1" } })).chat;
  await afterKill({ killAfterRemind: true }, remind, async ({ chat, out, storage }) => {
    await until(() => stateOf(storage, chat)?.alarms === 1, 60, "the alarm");
    // Past its time: any second alarm would have come too.
    await new Promise((r) => setTimeout(r, 1500));
    await until(() => storage.scan("event:").length === 0, 60, "no alarm left stored");
    assert.deepEqual(stateOf(storage, chat), { count: 1, alarms: 1 });
    assert.equal(taggedLines(out, "A").length, 1, "one alarm fired");
  });
});
