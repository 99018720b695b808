// update_id resets (Telegram picks a new, random start after a week without updates) and a far-ahead
// id (one malformed or forged update) never make later real updates look seen or late: by polling (a
// real HTTP server playing Telegram), from a queue, and through the webhook handler.
import assert from "node:assert/strict";
import { UpdateLedger } from "../bot/ledger.ts";
import { Bot, type LoopMessage, originOf, UpdateQueue, webhookHandler } from "../bot/mod.ts";
import { until } from "./support/until.ts";
import { WireServer } from "./support/wire_server.ts";

const CHATS = 7;
const FAR_AHEAD = 9_999_999;

function update(id: number) {
  return {
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: id % CHATS, type: "private" }, text: String(id) },
  };
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Records handled update ids; checks each chat's were handled in the order they were sent. */
class Record {
  readonly ids: number[] = [];
  handle = (msg: LoopMessage) => void this.ids.push(originOf(msg)!.updateId);
  /**
   * Asserts `sent` (in sending order) were all handled once, each chat's real updates in sending order
   * (where the far-ahead one lands among them depends on how long its gap was held).
   */
  check(sent: readonly number[]): void {
    assert.deepEqual([...this.ids].sort((a, b) => a - b), [...sent].sort((a, b) => a - b));
    for (let chat = 0; chat < CHATS; chat++) {
      const of = (list: readonly number[]) => list.filter((id) => id % CHATS === chat && id !== FAR_AHEAD);
      assert.deepEqual(of(this.ids), of(sent), `chat ${chat} in order`);
    }
  }
}

/**
 * Telegram's getUpdates over real HTTP: updates wait until an offset above them confirms them; an
 * offset beyond every waiting id confirms nothing (it belongs to an older sequence of ids).
 */
function scriptedTelegram(): { server: WireServer; send: (ids: number[]) => void; waiting: () => number } {
  let waiting: ReturnType<typeof update>[] = [];
  const server = WireServer.start().on("getUpdates", (req) => {
    const offset = req.json?.offset as number | undefined;
    const top = waiting.at(-1)?.update_id;
    if (offset !== undefined && top !== undefined && offset <= top + 1) {
      waiting = waiting.filter((u) => u.update_id >= offset);
    }
    return waiting.slice(0, Number(req.json?.limit ?? 100));
  });
  return { server, send: (ids) => void waiting.push(...ids.map(update)), waiting: () => waiting.length };
}

const polling = { timeout: 0, relax: 0.02 };

// A quiet week, then Telegram numbers from a new, lower start: below every old id, or among them (ids
// 1,000–1,199 then come again, as new updates).
const RESETS = [
  { to: "much lower ids", after: range(5, 300) },
  { to: "a start among the ids handled before", after: range(900, 300) },
];

for (const durable of [false, true]) {
  for (const { to, after } of RESETS) {
    Deno.test(`ids (polling, ${durable ? "SQLite" : "memory"} journal): after a reset to ${to}, the new sequence is handled in full and confirmed`, async () => {
      const dir = await Deno.makeTempDir({ prefix: "ids_" });
      const { server, send, waiting } = scriptedTelegram();
      const bot = new Bot("1:reset", { apiRoot: server.url });
      const record = new Record();
      const loop = bot.messageLoop(record.handle, {
        ...polling,
        journal: durable ? `${dir}/bot.db` : undefined,
      });
      try {
        const before = range(1_000, 300);
        send(before);
        await until(() => record.ids.length === 300 && waiting() === 0);
        send(after);
        // Confirmed too: the offset follows the new sequence instead of staying above it.
        await until(() => record.ids.length === 600 && waiting() === 0);
        record.check([...before, ...after]);
      } finally {
        await loop.stop();
        await server.close();
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
}

Deno.test("ids (polling, memory journal): a reset while an update of the old sequence never settles: each new update handled once, none confirmed unseen", async () => {
  let waiting: ReturnType<typeof update>[] = [];
  const forgotten: number[] = [];
  const server = WireServer.start().on("getUpdates", (req) => {
    const offset = req.json?.offset as number | undefined;
    const top = waiting.at(-1)?.update_id;
    if (offset !== undefined && top !== undefined && offset <= top + 1) {
      waiting = waiting.filter((u) => u.update_id >= offset || (forgotten.push(u.update_id), false));
    }
    return waiting.slice(0, Number(req.json?.limit ?? 100));
  });
  const send = (ids: number[]) => void waiting.push(...ids.map(update));
  const bot = new Bot("1:reset", { apiRoot: server.url });
  const handled: number[] = [];
  const STUCK_CHAT = 99;
  const loop = bot.messageLoop((msg: LoopMessage) => {
    if (msg.chat.id === STUCK_CHAT) return new Promise(() => {}); // never settles
    handled.push(originOf(msg)!.updateId);
  }, { ...polling, limit: 4, stuckAfter: 0.3, onError: () => {} });
  try {
    const stuck = update(1_000);
    stuck.message.chat.id = STUCK_CHAT;
    waiting.push(stuck);
    send(range(1_001, 3));
    await until(() => handled.length === 3 && waiting.length === 0, 10, "the old sequence, 1,000 passed");
    // A quiet week; Telegram numbers from 980 now, below the old, still running 1,000 (which must not
    // set the offset: it would confirm them unseen).
    const after = range(980, 20);
    send(after.slice(0, 6));
    await until(() => handled.length === 9);
    send(after.slice(6));
    await until(() => handled.length === 23 && waiting.length === 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(handled.slice(3), after, "each once, in order");
    assert.deepEqual(
      forgotten.filter((id) => !handled.includes(id)),
      [1_000],
      "only the old 1,000 passed unhandled",
    );
  } finally {
    await loop.stop();
    await server.close();
  }
});

Deno.test("ids: after a longer quiet than Telegram keeps an update, the ledger forgets the ids it saw (not the unfinished ones)", () => {
  const ledger = new UpdateLedger();
  const day = 24 * 3600 * 1000;
  // What it knew before updates were first taken in (a journal's, on start) is no quiet of its own.
  ledger.begin(9);
  ledger.finish(9);
  assert.equal(ledger.expire(0), false);
  assert.ok(ledger.hasSeen(9));
  ledger.begin(1);
  ledger.begin(2);
  ledger.finish(1);
  ledger.expire(day / 2);
  assert.ok(ledger.hasSeen(1), "within a day: still a repeat");
  assert.equal(ledger.expire(day / 2 + day + 1), true);
  assert.ok(!ledger.hasSeen(1), "after a quiet day: forgotten");
  assert.ok(ledger.isUnfinished(2), "an unfinished one stays so");
  assert.equal(ledger.lowestUnfinished(), undefined, "but no longer sets the offset");
  assert.equal(ledger.unfinishedBelow(undefined), 1, "nor takes room in Telegram's window");
});

Deno.test("ids: the ledger remembers the latest 20,000 ids, and an unfinished one however old, each id counted once", () => {
  const ledger = new UpdateLedger();
  const seeMany = (from: number, to: number) => {
    for (let id = from; id <= to; id++) {
      ledger.begin(id);
      ledger.finish(id);
    }
  };
  ledger.begin(1); // still in flight while 20,000 newer ones come and go
  seeMany(2, 20_001);
  assert.ok(ledger.hasSeen(1) && ledger.isUnfinished(1), "its redelivery waits for it");
  assert.ok(!ledger.hasSeen(2) && ledger.hasSeen(3), "the oldest finished one is forgotten");
  ledger.finish(1);
  seeMany(20_002, 40_002);
  assert.ok(!ledger.hasSeen(1), "once finished, it is forgotten in its turn");
  // Taken, dropped (its journal refused the batch) and taken again: its window starts with the last time.
  ledger.begin(50_000);
  ledger.drop(50_000);
  ledger.begin(50_000);
  ledger.finish(50_000);
  seeMany(50_001, 69_999);
  assert.ok(ledger.hasSeen(50_000), "19,999 newer ids: still within the window");
  seeMany(70_000, 70_000);
  assert.ok(!ledger.hasSeen(50_000));
});

Deno.test("ids (polling): one far-ahead id does not hide the real updates after it", async () => {
  const { server, send, waiting } = scriptedTelegram();
  const bot = new Bot("1:ahead", { apiRoot: server.url });
  const record = new Record();
  const loop = bot.messageLoop(record.handle, polling);
  send([...range(1, 50), FAR_AHEAD]);
  await until(() => record.ids.length === 51 && waiting() === 0);
  send(range(51, 50));
  await until(() => record.ids.length === 101 && waiting() === 0);
  await loop.stop();
  await server.close();
  record.check([...range(1, 50), FAR_AHEAD, ...range(51, 50)]);
});

Deno.test("ids (queue): a reset to lower ids and a far-ahead id: every new update handled, each chat in order", async () => {
  const queue = new UpdateQueue();
  const record = new Record();
  const loop = new Bot("1:queue", { apiRoot: "http://127.0.0.1:9" }).messageLoop(record.handle, {
    source: queue,
    maxhold: 0.2,
  });
  const sent = [...range(1_000_000, 100), ...range(5, 100), FAR_AHEAD, ...range(105, 100)];
  for (const id of sent) queue.put(update(id));
  await until(() => record.ids.length === sent.length);
  // A repeat of an id handled in this process is still recognised.
  queue.put(update(150));
  await new Promise((r) => setTimeout(r, 100));
  await loop.stop();
  record.check(sent);
});

Deno.test("ids (webhook): a reset to lower ids and a far-ahead id: every new update handled, each chat in order", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const hook = webhookHandler(bot, { maxhold: 0.2 });
  const record = new Record();
  const loop = bot.messageLoop(record.handle);
  const sent = [...range(1_000_000, 100), ...range(5, 100), FAR_AHEAD, ...range(105, 100)];
  for (const id of sent) {
    const res = await hook(
      new Request("http://bot.test/", { method: "POST", body: JSON.stringify(update(id)) }),
    );
    assert.equal(res.status, 200);
  }
  assert.equal(
    (await hook(new Request("http://bot.test/", { method: "POST", body: JSON.stringify(update(150)) })))
      .status,
    200,
    "a repeat is answered",
  );
  await loop.stop();
  record.check(sent);
});
