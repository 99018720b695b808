import assert from "node:assert/strict";
import { Deque } from "../bot/deque.ts";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, flavor, UpdateQueue } from "../bot/mod.ts";
import { receiverOf } from "../bot/receiver.ts";
import type { QueueItem } from "../bot/update_queue.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { until } from "./support/until.ts";

// A bot remembers the update ids its loops took, so each test gets its own.
const newBot = () => new Bot("1:queue", { apiRoot: "http://127.0.0.1:9" });

function update(id: number, text = `t${id}`, chatId = 1) {
  return {
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text },
  };
}

Deno.test("queue: JSON text, UTF-8 bytes and objects are all accepted; bad text reported", async () => {
  const queue = new UpdateQueue();
  const ids: number[] = [];
  const errors: unknown[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    onError: (e) => errors.push(e),
  });
  queue.put(JSON.stringify(update(1)));
  queue.put(new TextEncoder().encode(JSON.stringify(update(2))));
  queue.put(update(3));
  queue.put("{not json");
  queue.put("{\"no_update_id\":true}");
  await until(() => ids.length === 3 && errors.length === 2);
  await loop.stop();
  assert.deepEqual(ids, [1, 2, 3]);
  assert.ok(errors.every((e) => e instanceof BadInput));
});

Deno.test("queue: put refuses what can never be an update, at the call", () => {
  const queue = new UpdateQueue();
  const refused = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  for (const item of [null, undefined, 5, true, [update(1)], { no_update_id: true }, { update_id: "1" }]) {
    assert.throws(() => queue.put(item as never), refused("item"), JSON.stringify(item));
  }
  assert.throws(() => queue.put(update(1), "done" as never), refused("done"));
  assert.equal(queue.size, 0, "nothing refused was queued");
  queue.put(new TextEncoder().encode("{").buffer);
  assert.equal(queue.size, 1, "bytes are the loop's to parse");
});

Deno.test("queue: ordered delivery holds a gap, then fills it in order", async () => {
  const queue = new UpdateQueue();
  const ids: number[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    maxhold: 2,
  });
  queue.put(update(10));
  queue.put(update(12));
  queue.put(update(13));
  await until(() => ids.length === 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ids, [10], "12 and 13 wait for 11");
  queue.put(update(11));
  await until(() => ids.length === 4);
  await loop.stop();
  assert.deepEqual(ids, [10, 11, 12, 13]);
});

Deno.test("queue: after maxhold the held updates go, and a smaller id arriving later is still handled", async () => {
  const queue = new UpdateQueue();
  const ids: number[] = [];
  const errors: unknown[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    maxhold: 0.2,
    onError: (e) => errors.push(e),
  });
  const start = Date.now();
  queue.put(update(1));
  queue.put(update(3));
  await until(() => ids.length === 2);
  assert.ok(Date.now() - start >= 180, "3 was held about maxhold");
  queue.put(update(2));
  queue.put(update(4));
  queue.put(update(3));
  await until(() => ids.length === 4);
  await loop.stop();
  assert.deepEqual(ids, [1, 3, 2, 4]);
  assert.deepEqual(errors, []);
});

Deno.test("queue: unordered delivery passes updates as they come; duplicates are handled once", async () => {
  const queue = new UpdateQueue();
  const ids: number[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    ordered: false,
  });
  for (const id of [5, 3, 4, 3, 5]) queue.put(update(id, "x", id));
  await until(() => ids.length === 3);
  await new Promise((r) => setTimeout(r, 50));
  await loop.stop();
  assert.deepEqual(ids, [5, 3, 4]);
});

Deno.test("queue: any AsyncIterable works, and the loop ends when it does", async () => {
  async function* source() {
    for (let i = 1; i <= 3; i++) yield JSON.stringify(update(i));
  }
  const ids: number[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: source(),
  });
  await loop.done;
  assert.deepEqual(ids, [1, 2, 3]);
});

Deno.test("queue: a telepot-style queue object with get()", async () => {
  const items = [update(1), update(2)];
  const waiting: Array<(v: unknown) => void> = [];
  const queue = {
    get: () =>
      items.length ? Promise.resolve(items.shift()!) : new Promise<never>((r) => waiting.push(r as never)),
  };
  const ids: number[] = [];
  const bot = newBot();
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), { source: queue });
  await until(() => ids.length === 2);
  await loop.stop();
  // The get() pending at stop resolves later: its update is kept for the bot's next loop, not lost.
  waiting[0](update(3));
  const next = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), { source: [] });
  await until(() => ids.length === 3);
  await next.stop();
  assert.deepEqual(ids, [1, 2, 3]);
});

Deno.test("queue: payloads remember their update kind (chat_member vs my_chat_member)", async () => {
  const queue = new UpdateQueue();
  const flavors: string[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void flavors.push(flavor(msg)), { source: queue });
  const member = {
    chat: { id: 1, type: "group" },
    from: { id: 2 },
    date: 0,
    old_chat_member: {},
    new_chat_member: {},
  };
  queue.put({ update_id: 1, chat_member: member });
  queue.put({ update_id: 2, my_chat_member: { ...member } });
  queue.put({
    update_id: 3,
    channel_post: { message_id: 1, date: 0, chat: { id: -5, type: "channel" }, text: "p" },
  });
  await until(() => flavors.length === 3);
  await loop.stop();
  // Chat 1's two in order; the channel post, in another chat, may come at any point.
  assert.deepEqual(flavors.filter((f) => f !== "chat"), ["chat_member", "my_chat_member"]);
  assert.ok(flavors.includes("chat"));
});

Deno.test("queue: a routing table sends unknown flavors to the null key", async () => {
  const queue = new UpdateQueue();
  const got: string[] = [];
  const loop = newBot().messageLoop({
    chat: () => void got.push("chat"),
    null: (msg) => void got.push(`fallback:${flavor(msg)}`),
  }, { source: queue });
  queue.put(update(1));
  queue.put({ update_id: 2, poll: { id: "p", question: "q", options: [] } });
  await until(() => got.length === 2);
  await loop.stop();
  assert.deepEqual(got, ["chat", "fallback:poll"]);
});

Deno.test("queue: a later loop of the same bot does not handle an update_id again", async () => {
  const bot = newBot();
  const ids: number[] = [];
  const first = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: [update(1), update(2)],
  });
  await first.done;
  const second = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: [update(2), update(3)],
    ordered: false,
  });
  await second.done;
  assert.deepEqual(ids, [1, 2, 3]);
});

Deno.test("queue: an onError that throws or rejects is logged, and the loop goes on", async () => {
  const queue = new UpdateQueue();
  const ids: number[] = [];
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.join(" "));
  try {
    let calls = 0;
    const loop = newBot().messageLoop((msg: LoopMessage) => {
      if (msg.text === "bad") throw new Error("handler");
      ids.push(msg.message_id);
    }, {
      source: queue,
      maxAttempts: 1,
      onError: () => {
        if (calls++ === 0) throw new Error("reporter threw");
        return Promise.reject(new Error("reporter rejected"));
      },
    });
    queue.put(update(1, "bad"));
    queue.put(update(2, "bad"));
    queue.put(update(3));
    // Each bad update is reported twice: its failure, then its dead letter.
    await until(() => ids.length === 1 && logged.length === 4);
    await loop.stop();
    assert.deepEqual(ids, [3]);
    assert.match(logged[0], /update 1: .*reporter threw/s);
    assert.match(logged[3], /update 2: .*reporter rejected/s);
  } finally {
    console.error = original;
  }
});

Deno.test("queue: UpdateQueue is also a telepot-style queue and an async iterable for your own code", async () => {
  const queue = new UpdateQueue();
  queue.put("a");
  queue.put("b");
  assert.equal(queue.size, 2);
  assert.equal(await queue.get(), "a");
  assert.equal(await queue.get(), "b");
  const waiting = queue.get();
  queue.put("c");
  assert.equal(await waiting, "c", "a waiting get() takes the next item");
  queue.put("d");
  for await (const item of queue) {
    assert.equal(item, "d");
    break;
  }
  const aborted = new AbortController();
  const taking = queue.take(aborted.signal);
  aborted.abort();
  assert.equal(await taking, undefined);
  queue.put("e");
  assert.equal(queue.size, 1, "an aborted take takes nothing");
});

Deno.test("queue: an update of a kind newer than the generated spec is still delivered, under its field name", async () => {
  const queue = new UpdateQueue();
  const got: string[] = [];
  const errors: unknown[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void got.push(flavor(msg)), {
    source: queue,
    onError: (e) => errors.push(e),
  });
  queue.put({ update_id: 1, future_kind: { id: "x", a: 1, b: 2 } });
  queue.put({ update_id: 2 });
  await until(() => got.length === 1 && errors.length === 1);
  await loop.stop();
  assert.deepEqual(got, ["future_kind"]);
  assert.ok(errors[0] instanceof BadFlavor, "an update with nothing in it is reported");
});

Deno.test("queue: a routing table without a null key reports a flavor it has no entry for, and goes on", async () => {
  const queue = new UpdateQueue();
  const got: number[] = [];
  const errors: Array<[unknown, number | undefined]> = [];
  const loop = newBot().messageLoop({ chat: (msg) => void got.push(msg.message_id) }, {
    source: queue,
    onError: (e, u) => errors.push([e, u?.update_id]),
  });
  queue.put({ update_id: 1, poll: { id: "p", question: "q", options: [] } });
  queue.put(update(2));
  await until(() => got.length === 1 && errors.length === 1);
  await loop.stop();
  assert.deepEqual(got, [2]);
  assert.ok(errors[0][0] instanceof BadFlavor);
  assert.equal(errors[0][1], 1, "reported with the update it came in");
});

Deno.test("queue: a 100,000-update backlog stays in the queue: maxInFlight honoured, drained in full, each chat in order", async () => {
  const queue = new UpdateQueue();
  const total = 100_000;
  for (let id = 1; id <= total; id++) queue.put(update(id, String(id), id % 100));
  const bot = newBot();
  const receiver = receiverOf(bot);
  let handled = 0;
  let mostHeld = 0;
  let leftAtFirst: number | undefined;
  const last = new Map<number, number>();
  let outOfOrder = 0;
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    mostHeld = Math.max(mostHeld, receiver.backlog);
    leftAtFirst ??= queue.size;
    if ((last.get(msg.chat.id) ?? 0) > msg.message_id) outOfOrder++;
    last.set(msg.chat.id, msg.message_id);
    if (msg.message_id % 1000 === 0) await new Promise((r) => setTimeout(r, 1));
    handled++;
  }, { source: queue, maxInFlight: 50 });
  await until(() => handled === total, 120);
  await loop.stop();
  assert.ok(mostHeld <= 50, `the receiver held ${mostHeld} updates at once`);
  assert.equal(outOfOrder, 0);
  assert.equal(queue.size, 0);
  // The backlog waited in the queue, not in the loop's memory: when the first update was handled, no
  // more than maxInFlight had been taken from it.
  assert.ok(leftAtFirst !== undefined && leftAtFirst >= total - 50, `only ${leftAtFirst} left in the queue`);
});

Deno.test("queue: updates held behind a missing id count against maxInFlight, so the backlog stays in the queue", async () => {
  const queue = new UpdateQueue();
  const total = 2_000;
  queue.put(update(1));
  for (let id = 3; id <= total; id++) queue.put(update(id, String(id), id % 10)); // 2 never comes
  const ids: number[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    maxInFlight: 10,
    maxhold: 0.3,
  });
  await until(() => ids.length === 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ids, [1], "the others wait for 2");
  assert.ok(queue.size >= total - 2 - 10, `only ${queue.size} left in the queue while 2 is awaited`);
  await until(() => ids.length === total - 1, 30);
  await loop.stop();
  assert.deepEqual(ids, [1, ...Array.from({ length: total - 2 }, (_, i) => i + 3)], "in order, 2 skipped");
});

Deno.test("Deque: FIFO through growth and wrap-around; remove; UpdateQueue takes 200,000 in order", async () => {
  const deque = new Deque<number>();
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 37; i++) deque.push(next++);
    for (let i = 0; i < 30; i++) assert.equal(deque.shift(), expect++);
  }
  assert.equal(deque.size, next - expect);
  assert.equal(deque.peek(), expect);
  assert.ok(deque.remove(expect + 3));
  assert.ok(!deque.remove(-1));
  assert.deepEqual([...deque].slice(0, 4), [expect, expect + 1, expect + 2, expect + 4]);
  const queue = new UpdateQueue();
  for (let id = 0; id < 200_000; id++) queue.put(update(id));
  for (let id = 0; id < 200_000; id++) {
    const entry = await queue.take();
    assert.equal((entry!.item as { update_id: number }).update_id, id);
  }
  assert.equal(queue.size, 0);
});

Deno.test("queue: a get() that fails is reported and tried again after the back-off; the loop goes on", async () => {
  const failures = [new Error("queue server away"), new Error("still away")];
  let calls = 0;
  const items = [update(1), update(2)];
  const queue = {
    get: () => {
      calls++;
      if (calls === 2 || calls === 3) return Promise.reject(failures[calls - 2]);
      return items.length ? Promise.resolve(items.shift()!) : new Promise<never>(() => {});
    },
  };
  const ids: number[] = [];
  const errors: unknown[] = [];
  const loop = newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    source: queue,
    backoff: { initial: 0.01, max: 0.02 },
    onError: (e) => errors.push(e),
  });
  await until(() => ids.length === 2, 10, "both updates");
  await loop.stop();
  assert.deepEqual(ids, [1, 2]);
  assert.deepEqual(errors, failures);
});

Deno.test("queue: an iterator whose next() throws is reported and asked again; a generator that threw ends the loop", async () => {
  let step = 0;
  const flaky: Iterable<QueueItem> = {
    [Symbol.iterator]: () => ({
      next: () => {
        step++;
        if (step === 2) throw new Error("transient");
        return step <= 3 ? { value: update(step), done: false } : { value: undefined, done: true };
      },
    }),
  };
  const ids: number[] = [];
  const errors: unknown[] = [];
  const options = { backoff: { initial: 0.01, max: 0.02 }, onError: (e: unknown) => errors.push(e) };
  await newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    ...options,
    source: flaky,
  })
    .done;
  assert.deepEqual(ids, [1, 3]);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["transient"]);

  async function* broken() {
    yield update(1);
    throw new Error("gone");
  }
  ids.length = errors.length = 0;
  await newBot().messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    ...options,
    source: broken(),
  })
    .done;
  assert.deepEqual(ids, [1]);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["gone"]);
});

Deno.test("queue: a get() that always fails is asked at the back-off's pace, not in a tight loop", async () => {
  let calls = 0;
  const queue = {
    get: () => {
      calls++;
      return Promise.reject(new Error("down"));
    },
  };
  const errors: unknown[] = [];
  const loop = newBot().messageLoop(() => {}, {
    source: queue,
    backoff: { initial: 0.1, max: 0.1 },
    onError: (e) => errors.push(e),
  });
  await new Promise((r) => setTimeout(r, 500));
  await loop.stop();
  // Waits of 50–100 ms: at most about ten calls in 500 ms, however slow the machine.
  assert.ok(calls >= 1 && calls <= 12, `${calls} calls`);
  assert.equal(errors.length, calls);
});
