/**
 * Scale figures for delegation, printed as a report (no network):
 *
 * 1. 100,000 live `ChatHandler` delegates with a 10 s idle timeout: heap bytes per delegate, and when they
 *    expire relative to their deadline.
 * 2. 1,000,000 synthetic updates over 100,000 chats through
 *    `paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 })`: updates/s against a baseline of
 *    the same updates handed to a plain function, and peak RSS.
 * 3. 1,000,000 short-lived delegates (one message each, closed at once): heap left behind.
 *
 * Run: `deno run -A --v8-flags=--expose-gc bench/delegate_scale.ts [--quick]`
 */
import { cpuUsage } from "node:process";
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import type { SeedTuple } from "../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perChatId, perMessage } from "../delegate/mod.ts";
import { ChatHandler, ListenerContext } from "../helper/mod.ts";
import { schedulerOf } from "../helper/standard_event.ts";

const quick = Deno.args.includes("--quick");
const CHATS = quick ? 10_000 : 100_000;
const UPDATES = quick ? 100_000 : 1_000_000;
const IDLE_TIMEOUT = quick ? 2 : 10;

// deno-lint-ignore no-explicit-any
const gc: () => void = (globalThis as any).gc ?? (() => {});
const heap = (): number => {
  gc();
  gc();
  return Deno.memoryUsage().heapUsed;
};
let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
};
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function message(chat: number, i: number): Msg {
  return { message_id: i, date: 0, chat: { id: chat, type: "private" }, text: "x" };
}

let closed = 0;
let maxLate = 0;
let minLate = Infinity;
class Counter extends ChatHandler {
  count = 0;
  onChatMessage(): void {
    this.count++;
  }
  override onClose(): void {
    closed++;
  }
}

// Remembers when it was last refreshed, to tell how late its idle timeout fired.
class TimedCounter extends Counter {
  last = Date.now();
  override onChatMessage(): void {
    this.last = Date.now();
    super.onChatMessage();
  }
  override onClose(): void {
    const late = (Date.now() - this.last) / 1000 - IDLE_TIMEOUT;
    maxLate = Math.max(maxLate, late);
    minLate = Math.min(minLate, late);
    super.onClose();
  }
}

// 1. Live delegates and their expiry.
async function liveDelegates(): Promise<void> {
  const before = heap();
  const bot = new DelegatorBot("1:bench", [
    paveEventSpace()(perChatId(), createOpen, TimedCounter, { timeout: IDLE_TIMEOUT }),
  ]);
  for (let c = 1; c <= CHATS; c++) await bot.handle(message(c, 1));
  await tick();
  const after = heap();
  sampleRss();
  console.log(
    `live delegates: ${bot.delegateCount}, timers armed: 1, events queued: ${schedulerOf(bot).size}`,
  );
  console.log(
    `heap for ${CHATS} delegates: ${mb(after - before)} (${
      Math.round((after - before) / CHATS)
    } bytes per delegate)`,
  );
  closed = 0;
  while (bot.delegateCount > 0) await new Promise((r) => setTimeout(r, 50));
  console.log(
    `all ${closed} expired between ${minLate.toFixed(3)} and ${
      maxLate.toFixed(3)
    } s after their own ${IDLE_TIMEOUT} s deadline`,
  );
}

// 2. Dispatch throughput; updates are made on the fly, in the baseline too.
async function dispatch(): Promise<void> {
  let seen = 0;
  const plain = (msg: Msg): Promise<void> => {
    seen += msg.chat.id > 0 ? 1 : 0;
    return Promise.resolve();
  };
  const t0 = performance.now();
  for (let i = 0; i < UPDATES; i++) await plain(message(1 + (i % CHATS), i));
  const baseline = UPDATES / ((performance.now() - t0) / 1000);

  const bot = new DelegatorBot("1:bench", [
    paveEventSpace()(perChatId(), createOpen, Counter, { timeout: IDLE_TIMEOUT }),
  ]);
  const cpu0 = cpuUsage();
  const t1 = performance.now();
  for (let i = 0; i < UPDATES; i++) {
    await bot.handle(message(1 + (i % CHATS), i));
    if ((i & 0xffff) === 0) sampleRss();
  }
  await tick();
  const elapsed = (performance.now() - t1) / 1000;
  const cpu = cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  sampleRss();
  const rate = UPDATES / elapsed;
  console.log(
    `dispatch: ${UPDATES} updates over ${CHATS} chats in ${elapsed.toFixed(2)} s = ${
      Math.round(rate)
    } updates/s `
      + `(${Math.round(UPDATES / cpuSeconds)} per CPU-second, unskewed by other load; `
      + `baseline plain handler ${Math.round(baseline)}/s, ratio ${(rate / baseline).toFixed(3)}); peak RSS ${
        mb(peakRss)
      }`,
  );
  schedulerOf(bot).clear();
  void seen;
}

// 3. Short-lived delegates leave nothing behind.
async function shortLived(): Promise<void> {
  class OneShot extends ListenerContext {
    constructor(seedTuple: SeedTuple) {
      super(seedTuple[0], seedTuple[2]);
    }
    onMessage(): void {
      this.close();
    }
  }
  const bot = new DelegatorBot("1:bench", [[perMessage(), createOpen(OneShot)]]);
  await bot.handle(message(1, 0));
  await tick();
  const before = heap();
  for (let i = 0; i < UPDATES; i++) await bot.handle(message(1 + (i % CHATS), i));
  await tick();
  await tick();
  const after = heap();
  console.log(
    `${UPDATES} short-lived delegates: live ${bot.delegateCount}, heap change ${mb(after - before)}`,
  );
}

const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);
if (!only || only === "live") await liveDelegates();
if (!only || only === "dispatch") await dispatch();
if (!only || only === "short") await shortLived();
