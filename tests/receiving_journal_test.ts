// The SQLite journal with real processes (the emulator in its own, the bot in another): no chat holds
// up another, and an update that ends the process is dead-lettered instead of crash-looping the bot.
import assert from "node:assert/strict";
import { sqliteJournal } from "../bot/sqlite_journal.ts";
import { EmulatorProcess } from "./support/emulator_process.ts";
import { type BotConfig, doneLines, reported, startBot, waitFor } from "./support/receiving_harness.ts";

async function setUp(slow: readonly [number, number]) {
  const dir = await Deno.makeTempDir({ prefix: "journal_" });
  const emu = await EmulatorProcess.start();
  const config: BotConfig = {
    apiRoot: emu.apiRoot,
    token: emu.token,
    kind: "plain",
    transport: "polling",
    journal: `${dir}/bot.db`,
    out: `${dir}/out.txt`,
    slow,
  };
  const tearDown = async () => {
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { emu, config, tearDown };
}

Deno.test("journal (SQLite): a 10,000-message flood from one chat and a handler that never settles leave the other chats' p99 latency under 1 s", async () => {
  const { emu, config, tearDown } = await setUp([20, 20]);
  const bot = startBot(config);
  try {
    const { chat: stuck } = await emu.command({ say: { chat: 0, text: "hang" } });
    const { chat: flood } = await emu.command({ send: { from: 1, chats: 1, perChat: 10_000 } });
    // Once the flood is journaled, Telegram's queue is free: what the others send comes straight in.
    await waitFor(
      async () => (await emu.command({ pending: true })).pending < 100,
      120,
      "the flood journaled",
    );
    await emu.command({ send: { from: 2, chats: 20, perChat: 10, gapMs: 50, stamp: true } });
    const probes = () => doneLines(config.out).filter((d) => d.chat !== flood && d.chat !== stuck);
    await waitFor(() => probes().length >= 200, 60, "every other chat's messages handled");
    const latencies = probes().map((d) => d.latency).sort((a, b) => a - b);
    const p99 = latencies[Math.floor(0.99 * (latencies.length - 1))];
    assert.ok(p99 < 1000, `p99 latency of the other chats ${p99} ms`);
    const flooded = doneLines(config.out).filter((d) => d.chat === flood).length;
    assert.ok(flooded < 10_000, "the flooding chat was still being worked through");
  } finally {
    bot.kill("SIGKILL");
    await bot.status;
    await tearDown();
  }
});

Deno.test("journal (SQLite): an update that ends the process is dead-lettered after 3 attempts; the bot goes on, nothing else is blamed", async () => {
  const { emu, config, tearDown } = await setUp([50, 100]);
  try {
    await emu.command({ send: { chats: 5, perChat: 3 } });
    const { chat: victim } = await emu.command({ say: { chat: 0, text: "poison" } });
    await emu.command({ send: { chats: 5, perChat: 2 } });
    for (let crash = 1; crash <= 3; crash++) {
      const bot = startBot(config);
      assert.equal((await bot.status).code, 70, `run ${crash} ended by the poison`);
    }
    const bot = startBot(config);
    await waitFor(
      () => new Set(doneLines(config.out).map((d) => `${d.chat} ${d.n}`)).size === 25,
      60,
      "the rest",
    );
    await waitFor(
      () => reported(config.out).some(([, name]) => name === "DeadLetterError"),
      30,
      "the report",
    );
    bot.kill("SIGTERM");
    assert.equal((await bot.status).code, 0);
    const victimDone = doneLines(config.out).filter((d) => d.chat === victim).map((d) => d.n);
    assert.deepEqual([...new Set(victimDone)], [1, 2, 3, 4, 5], "the poisoned chat goes on, in order");
    const journal = sqliteJournal(config.journal);
    await journal.open();
    try {
      const dead = journal.deadLetters();
      assert.equal(dead.length, 1, "only the poison is dead-lettered");
      assert.equal((dead[0].update as { message?: { text?: string } }).message?.text, "poison");
      assert.equal(dead[0].attempts, 3);
      assert.match(dead[0].reason, /process ended/);
      assert.deepEqual(journal.unacked(), []);
    } finally {
      journal.close();
    }
  } finally {
    await tearDown();
  }
});
