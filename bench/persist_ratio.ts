/**
 * What persistent delegate state costs per handled message, as ratios against no persistence measured
 * in the same run (target ≤ 1.2×), printed as a report:
 *
 * 1. Through the loop: 5,000 updates over 100 chats from a queue into a SQLite journal, handled by
 *    `paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 600 })`, with and without
 *    `persist(bot, sqliteStorage(file))` (state loaded at each delegate's open, saved after every
 *    message, in the journal's file). This is the configuration persistence is meant for: a restart
 *    needs the journal as much as the state.
 * 2. The delegate alone (`bot.handle`, no journal, no loop), for the raw price of a SQLite write per
 *    message against an in-memory delegate doing nothing else.
 *
 * Rounds alternate between the two sides and the median is kept. Run: `deno run -A bench/persist_ratio.ts`
 */
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { ChatHandler } from "../helper/mod.ts";
import { persist } from "../storage/persistence.ts";
import { sqliteStorage } from "../storage/sqlite_storage.ts";

const UPDATES = 5_000;
const CHATS = 100;
const ROUNDS = 5;
const TARGET = 1.2;

class Counter extends ChatHandler {
  state = { count: 0 };
  onChatMessage(): void {
    this.state.count++;
  }
}

function message(i: number): Msg {
  return { message_id: i, date: 0, chat: { id: 1 + (i % CHATS), type: "private" }, text: "x" };
}

function makeBot(): DelegatorBot {
  return new DelegatorBot("1:bench", [paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 600 })]);
}

// The updates, then nothing until `end` resolves: a queue that stays open while they are handled.
async function* feed(first: number, end: Promise<void>): AsyncGenerator<object> {
  for (let i = 0; i < UPDATES; i++) yield { update_id: first + i, message: message(i) };
  await end;
}

async function throughLoop(persisted: boolean): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "persist_bench_" });
  const db = `${dir}/bot.db`;
  const bot = makeBot();
  const persistence = persisted ? await persist(bot, sqliteStorage(db)) : undefined;
  let finish!: () => void;
  const end = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const loop = bot.messageLoop(undefined, { source: feed(1, end), journal: db, stopTimeout: 1 });
  while (loop.handled < UPDATES) await new Promise((r) => setTimeout(r, 1));
  const elapsed = performance.now() - started;
  finish();
  await loop.stop();
  await persistence?.close();
  bot.scheduler.clear();
  await Deno.remove(dir, { recursive: true });
  return elapsed / UPDATES;
}

async function delegateAlone(persisted: boolean): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "persist_bench_" });
  const bot = makeBot();
  const persistence = persisted ? await persist(bot, sqliteStorage(`${dir}/state.db`)) : undefined;
  const started = performance.now();
  for (let i = 0; i < UPDATES; i++) await bot.handle(message(i));
  const elapsed = performance.now() - started;
  await persistence?.close();
  bot.scheduler.clear();
  await Deno.remove(dir, { recursive: true });
  return elapsed / UPDATES;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function compare(name: string, run: (persisted: boolean) => Promise<number>): Promise<number> {
  await run(false);
  await run(true);
  const plain: number[] = [];
  const persisted: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await run(false));
    persisted.push(await run(true));
  }
  const [a, b] = [median(plain), median(persisted)];
  const ratio = b / a;
  console.log(
    `${name}: ${(a * 1000).toFixed(1)} µs/message without persistence, ${(b * 1000).toFixed(1)} µs with: ${
      ratio.toFixed(2)
    }×`,
  );
  return ratio;
}

console.log(
  `persistent delegate state (SQLite), ${UPDATES} messages over ${CHATS} chats, median of ${ROUNDS}`,
);
const loopRatio = await compare("through the loop with a SQLite journal", throughLoop);
await compare("the delegate alone (bot.handle, no journal)", delegateAlone);
console.log(`target ≤ ${TARGET}× through the loop: ${loopRatio <= TARGET ? "met" : "NOT met"}`);
