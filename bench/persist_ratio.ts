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
 * Rounds alternate between the two sides, which side goes first alternating too (so neither always
 * inherits the other's garbage or a cold cache), and the median is kept. The figure held against the target
 * is CPU time (user + system of this process) per message, which other processes on a shared machine
 * do not inflate as they do wall time; wall time is printed beside it.
 *
 * Run: `deno run -A bench/persist_ratio.ts`
 */
import { cpuUsage } from "node:process";
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import type { QueueItem } from "../bot/update_queue.ts";
import { createOpen, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { ChatHandler } from "../helper/mod.ts";
import { persist } from "../storage/persistence.ts";
import { sqliteStorage } from "../storage/sqlite_storage.ts";
import { median } from "./median.ts";

const UPDATES = 5_000;
const CHATS = 100;
const ROUNDS = 9;
const TARGET = 1.2;

class Counter extends ChatHandler {
  state = { count: 0 };
  onChatMessage(): void {
    this.state.count++;
  }
}

/** Per message, in ms: wall time and CPU time. */
interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

function startClock(): () => Cost {
  const wall = performance.now();
  const cpu = cpuUsage();
  return () => {
    const used = cpuUsage(cpu);
    return { wall: (performance.now() - wall) / UPDATES, cpu: (used.user + used.system) / 1000 / UPDATES };
  };
}

function message(i: number): Msg {
  return { message_id: i, date: 0, chat: { id: 1 + (i % CHATS), type: "private" }, text: "x" };
}

function makeBot(): DelegatorBot {
  return new DelegatorBot("1:bench", [paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 600 })]);
}

// The updates, then nothing until `end` resolves: a queue that stays open while they are handled.
async function* feed(end: Promise<void>): AsyncGenerator<QueueItem> {
  for (let i = 0; i < UPDATES; i++) yield { update_id: i + 1, message: message(i) };
  await end;
}

async function throughLoop(persisted: boolean): Promise<Cost> {
  const dir = await Deno.makeTempDir({ prefix: "persist_bench_" });
  const db = `${dir}/bot.db`;
  const bot = makeBot();
  const persistence = persisted ? await persist(bot, sqliteStorage(db)) : undefined;
  let finish!: () => void;
  const end = new Promise<void>((resolve) => (finish = resolve));
  const clock = startClock();
  const loop = bot.messageLoop(undefined, { source: feed(end), journal: db, stopTimeout: 1 });
  while (loop.handled < UPDATES) await new Promise((r) => setTimeout(r, 1));
  // Up to what is committed: the last acks, and the states staged with them, are written as it stops.
  finish();
  await loop.stop();
  await persistence?.close();
  const cost = clock();
  bot.scheduler.clear();
  await Deno.remove(dir, { recursive: true });
  return cost;
}

async function delegateAlone(persisted: boolean): Promise<Cost> {
  const dir = await Deno.makeTempDir({ prefix: "persist_bench_" });
  const bot = makeBot();
  const persistence = persisted ? await persist(bot, sqliteStorage(`${dir}/state.db`)) : undefined;
  const clock = startClock();
  for (let i = 0; i < UPDATES; i++) await bot.handle(message(i));
  const cost = clock();
  await persistence?.close();
  bot.scheduler.clear();
  await Deno.remove(dir, { recursive: true });
  return cost;
}

const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;

async function compare(name: string, run: (persisted: boolean) => Promise<Cost>): Promise<number> {
  await run(false);
  await run(true);
  const plain: Cost[] = [];
  const persisted: Cost[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      plain.push(await run(false));
      persisted.push(await run(true));
    } else {
      persisted.push(await run(true));
      plain.push(await run(false));
    }
  }
  const cpu = [median(plain.map((c) => c.cpu)), median(persisted.map((c) => c.cpu))];
  const wall = [median(plain.map((c) => c.wall)), median(persisted.map((c) => c.wall))];
  const ratio = cpu[1] / cpu[0];
  console.log(
    `${name}: CPU ${us(cpu[0])}/message without persistence, ${us(cpu[1])} with: ${ratio.toFixed(2)}× `
      + `(wall ${us(wall[0])} and ${us(wall[1])}: ${(wall[1] / wall[0]).toFixed(2)}×)`,
  );
  return ratio;
}

console.log(
  `persistent delegate state (SQLite), ${UPDATES} messages over ${CHATS} chats, median of ${ROUNDS}`,
);
const loopRatio = await compare("through the loop with a SQLite journal", throughLoop);
await compare("the delegate alone (bot.handle, no journal)", delegateAlone);
console.log(`target ≤ ${TARGET}× through the loop (CPU time): ${loopRatio <= TARGET ? "met" : "NOT met"}`);
