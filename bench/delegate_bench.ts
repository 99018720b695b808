/**
 * Delegation micro-benchmarks as ratios against baselines (`deno bench -A bench/`). Scale figures
 * (100,000 live delegates, 1,000,000 updates, memory) come from `bench/delegate_scale.ts`.
 */
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { ChatHandler, EventScheduler, schedulerOf } from "../helper/mod.ts";

const CHATS = 1_000;
const UPDATES = 10_000;

class Counter extends ChatHandler {
  count = 0;
  onChatMessage(): void {
    this.count++;
  }
}

function message(i: number): Msg {
  return { message_id: i, date: 0, chat: { id: 1 + (i % CHATS), type: "private" }, text: "x" };
}

Deno.bench({
  name: "plain handler function",
  group: "dispatch 10,000 updates over 1,000 chats",
  baseline: true,
  async fn() {
    let n = 0;
    const handle = (msg: Msg): Promise<void> => {
      n += msg.chat.id;
      return Promise.resolve();
    };
    for (let i = 0; i < UPDATES; i++) await handle(message(i));
  },
});

Deno.bench({
  name: "DelegatorBot: paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 })",
  group: "dispatch 10,000 updates over 1,000 chats",
  async fn() {
    const bot = new DelegatorBot("1:bench", [
      paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 }),
    ]);
    for (let i = 0; i < UPDATES; i++) await bot.handle(message(i));
    schedulerOf(bot).clear();
  },
});

Deno.bench({
  name: "setTimeout + clearTimeout per event",
  group: "schedule and cancel 10,000 timeouts",
  baseline: true,
  fn() {
    const ids = [];
    for (let i = 0; i < 10_000; i++) ids.push(setTimeout(() => {}, 10_000 + i));
    for (const id of ids) clearTimeout(id);
  },
});

Deno.bench({
  name: "EventScheduler eventLater + cancel (one timer)",
  group: "schedule and cancel 10,000 timeouts",
  fn() {
    const s = new EventScheduler<number>(() => {});
    const events = [];
    for (let i = 0; i < 10_000; i++) events.push(s.eventLater(10 + i / 1000, i));
    for (const e of events) s.cancel(e);
  },
});

Deno.bench({
  name: "EventScheduler reschedule (idle refresh) of 10,000 pending events",
  group: "schedule and cancel 10,000 timeouts",
  fn() {
    const s = new EventScheduler<number>(() => {});
    const now = Date.now() / 1000;
    const events = [];
    for (let i = 0; i < 10_000; i++) events.push(s.eventAt(now + 10, i));
    for (const e of events) s.reschedule(e, now + 20);
    s.clear();
  },
});
