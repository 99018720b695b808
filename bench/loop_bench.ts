// Overhead of the message loop, as ratios against bare baselines doing the same work without it.
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, UpdateQueue } from "../bot/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

const N = 1000;
const payloads = Array.from({ length: N }, (_, i) =>
  JSON.stringify({
    update_id: i + 1,
    message: { message_id: i + 1, date: 0, chat: { id: i % 50, type: "private" }, text: "hello" },
  }));

Deno.bench("queue: bare JSON.parse + handler call (baseline)", { group: "queue", baseline: true }, () => {
  let n = 0;
  for (const p of payloads) {
    const u = JSON.parse(p);
    if (u.message.text) n++;
  }
  if (n !== N) throw new Error("lost updates");
});

async function throughLoop(ordered: boolean): Promise<void> {
  const bot = new Bot("1:bench", { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const all = Promise.withResolvers<void>();
  let n = 0;
  const loop = bot.messageLoop((msg: LoopMessage) => {
    if (msg.text && ++n === N) all.resolve();
  }, { source: queue, ordered });
  for (const p of payloads) queue.put(p);
  await all.promise;
  await loop.stop();
}

Deno.bench("queue: messageLoop, ordered", { group: "queue" }, async () => {
  await throughLoop(true);
});
Deno.bench("queue: messageLoop, unordered", { group: "queue" }, async () => {
  await throughLoop(false);
});

const emu = await BotApiEmulator.start();
const user = emu.createUser({ first_name: "Bench" });

async function fill(token: string): Promise<void> {
  for (let i = 0; i < N; i++) await user.sendText(user.id, "hello", { to: token });
}

Deno.bench(
  "polling: raw getUpdates with fetch (baseline)",
  { group: "polling", baseline: true },
  async (b) => {
    const { token } = emu.createBot({ username: `raw${crypto.randomUUID().slice(0, 8)}_bot` });
    await fill(token);
    b.start();
    let offset = 0;
    let n = 0;
    while (n < N) {
      const res = await fetch(`${emu.apiRoot}/bot${token}/getUpdates`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ offset, limit: 100 }),
      });
      const { result } = await res.json();
      for (const u of result) {
        offset = u.update_id + 1;
        n++;
      }
    }
    b.end();
  },
);

Deno.bench("polling: messageLoop", { group: "polling" }, async (b) => {
  const { token } = emu.createBot({ username: `loop${crypto.randomUUID().slice(0, 8)}_bot` });
  await fill(token);
  const bot = new Bot(token, { apiRoot: emu.apiRoot });
  const all = Promise.withResolvers<void>();
  let n = 0;
  b.start();
  const loop = bot.messageLoop(() => {
    if (++n === N) all.resolve();
  }, { timeout: 1, relax: 0 });
  await all.promise;
  b.end();
  await loop.stop();
});

globalThis.addEventListener("unload", () => void emu.close());

// Taking a long backlog from the queue: UpdateQueue's ring buffer against Array push/shift.
const BACKLOG = 100_000;
// Array.shift makes the baseline quadratic: a few iterations say enough.
const few = { n: 3, warmup: 1 };
Deno.bench("backlog: Array push + shift (baseline)", { group: "backlog", baseline: true, ...few }, () => {
  const items: string[] = [];
  for (let i = 0; i < BACKLOG; i++) items.push(payloads[i % N]);
  while (items.length > 0) items.shift();
});
Deno.bench("backlog: UpdateQueue put + take", { group: "backlog", ...few }, async () => {
  const queue = new UpdateQueue();
  for (let i = 0; i < BACKLOG; i++) queue.put(payloads[i % N]);
  while (queue.size > 0) await queue.take();
});
