/**
 * The cost of the memory journal's `getUpdates` window, against the SQLite journal, in one run
 * (`deno run -A bench/receiving_window.ts`): 2,000 updates over 200 chats whose handlers take
 * 50–200 ms, by polling the emulator; then the same with one chat whose handler never settles (the
 * others' updates/s and their p99 latency from being sent to being handled).
 *
 * @module
 */
import { Bot, type LoopMessage } from "../bot/mod.ts";
import { sqliteJournal } from "../bot/sqlite_journal.ts";
import { BotApiEmulator } from "../testing/mod.ts";

const CHATS = 200;
const PER_CHAT = 10;

async function run(durable: boolean, stuck: boolean): Promise<{ perSecond: number; p99: number }> {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: `w${crypto.randomUUID().slice(0, 8)}_bot` });
  const users = Array.from({ length: CHATS }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const dir = await Deno.makeTempDir();
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const latencies: number[] = [];
  const total = (stuck ? CHATS - 1 : CHATS) * PER_CHAT;
  const all = Promise.withResolvers<void>();
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    if (msg.text === "hang") return await new Promise(() => {});
    latencies.push(Date.now() - Number(msg.text));
    await new Promise((r) => setTimeout(r, 50 + (msg.message_id * 37) % 151));
    if (latencies.length === total) all.resolve();
  }, { timeout: 1, relax: 0, stopTimeout: 0, journal: durable ? sqliteJournal(`${dir}/bot.db`) : undefined });
  const start = Date.now();
  if (stuck) await users[0].sendText(users[0].id, "hang");
  for (let n = 0; n < PER_CHAT; n++) {
    for (const [i, u] of users.entries()) if (!stuck || i > 0) await u.sendText(u.id, String(Date.now()));
  }
  await all.promise;
  const seconds = (Date.now() - start) / 1000;
  await loop.stop();
  await emu.close();
  await Deno.remove(dir, { recursive: true });
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(total / seconds),
    p99: latencies[Math.floor(0.99 * (latencies.length - 1))],
  };
}

for (const stuck of [false, true]) {
  const memory = await run(false, stuck);
  const sqlite = await run(true, stuck);
  console.log(
    `${stuck ? "one chat stuck" : "all chats flow"}: memory ${memory.perSecond}/s p99 ${memory.p99} ms, `
      + `SQLite ${sqlite.perSecond}/s p99 ${sqlite.p99} ms (memory/SQLite ${
        (memory.perSecond / sqlite.perSecond).toFixed(2)
      })`,
  );
}
Deno.exit(0);
