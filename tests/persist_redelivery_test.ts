// State in a storage of its own with the memory journal, polling: a bot process killed with kill -9
// while one chat's update holds the offset back gets every update of that window again from Telegram
// (the emulator, in a process of its own, keeping them). A chat's messages handled in that window, many
// more than 16, are each recognised by its persistent delegate's state, or by its session, and none is
// applied twice.
import assert from "node:assert/strict";
import { sqliteStorage } from "../storage/sqlite_storage.ts";
import { EmulatorProcess } from "./support/emulator_process.ts";
import type { Config } from "./support/redelivery_bot.ts";
import { startSupportBot, taggedLines } from "./support/support_bot.ts";
import { until } from "./support/until.ts";

const MESSAGES = 30;

const startBot = (config: Config): Deno.ChildProcess => startSupportBot("redelivery_bot.ts", config);

for (const mode of ["delegate", "session"] as const) {
  Deno.test(`kill -9 with a window of ${MESSAGES} handled updates unconfirmed, memory journal, ${mode} state: none is applied twice`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "persist_redelivery_" });
    const emu = await EmulatorProcess.start();
    const config: Config = {
      apiRoot: emu.apiRoot,
      token: emu.token,
      storage: `${dir}/state.db`,
      out: `${dir}/out.txt`,
      mode,
      hang: true,
    };
    const counted = (chat: number) => taggedLines(config.out, "C").filter(([c]) => Number(c) === chat);
    // Sent before the bot polls, so that one getUpdates brings them all: a window held back by an
    // unfinished update is not asked for more while less than three quarters of it is free.
    // First, and never finished by this process: the offset stays below everything after it.
    await emu.command({ say: { chat: 1, text: "hang" } });
    let chat = 0;
    for (let i = 0; i < MESSAGES; i++) ({ chat } = await emu.command({ say: { chat: 0, text: `m${i}` } }));
    let bot = startBot(config);
    const storage = sqliteStorage(config.storage);
    try {
      await until(() => counted(chat).length === MESSAGES, 60, "every message counted");
      const { pending } = await emu.command({ pending: true });
      assert.ok(pending > MESSAGES, "the window is still unconfirmed at the kill");
      bot.kill("SIGKILL");
      await bot.status;

      bot = startBot({ ...config, hang: false });
      await until(
        async () => (await emu.command({ pending: true })).pending === 0,
        60,
        "everything confirmed",
      );
      await storage.open();
      const key = mode === "delegate" ? `state:Counter:${chat}` : `session:${chat}`;
      const stored = storage.get(key)?.value as { state: { count: number } };
      assert.equal(stored.state.count, MESSAGES, "each message counted once");
      assert.equal(counted(chat).length, MESSAGES, "none handled again by the restarted bot");
      assert.equal((stored as unknown as { applied: unknown[] }).applied.length, MESSAGES);

      // Once the offset has passed them, the next save names only the latest again.
      await emu.command({ say: { chat: 0, text: "one more" } });
      await until(() => counted(chat).length === MESSAGES + 1, 60, "one more message counted");
      const after = storage.get(key)?.value as {
        state: { count: number };
        applied: unknown[];
        saved?: number;
      };
      assert.equal(after.state.count, MESSAGES + 1);
      assert.equal(after.applied.length, 16);
      assert.equal(after.saved, undefined);
    } finally {
      bot.kill("SIGKILL");
      await bot.status;
      storage.close();
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
