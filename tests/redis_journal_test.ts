// The Redis journals in this process against a real redis-server of the test's own: options checked,
// repeats left out at append, one record at a time per chat, and a partition handed over only once
// what was taken from it was acked, its unacked rest then claimed in order by the new owner.
import assert from "node:assert/strict";
import { deferred } from "../bot/deferred.ts";
import type { LoopMessage } from "../bot/handler.ts";
import type { JournalRecord } from "../bot/journal.ts";
import { Bot } from "../bot/mod.ts";
import { BadInput } from "../exception/bad_input.ts";
import { partitionOf } from "../redis/keys.ts";
import { redisJournal, redisReceiverJournal, type RedisWorkerJournal } from "../redis/mod.ts";
import { waitFor } from "./support/receiving_harness.ts";
import { RedisServer } from "./support/redis_server.ts";
import type { StallingConfig } from "./support/redis_stalling_worker.ts";
import { runAlone } from "./support/run_alone.ts";
import { closedPort } from "./support/wire_server.ts";
import { writtenText } from "./support/written_text.ts";

function record(id: number, key: string): JournalRecord {
  const chat = Number(key.slice(1));
  return {
    id,
    key,
    update: {
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: chat, type: "private" }, text: `${id}` },
    },
  };
}

/** A lane key of chat id ≥ `from` that falls into partition `p` of `partitions`. */
function keyIn(p: number, partitions: number, from = 1): string {
  for (let chat = from;; chat++) if (partitionOf(`c${chat}`, partitions) === p) return `c${chat}`;
}

Deno.test("redis journal: malformed options are refused with BadInput, naming the option", () => {
  assert.throws(
    () => redisJournal({ url: "http://x" }),
    (e) => e instanceof BadInput && /options\.url/.test(e.message),
  );
  assert.throws(() => redisJournal({ url: "redis://x", partitions: 0 }), /options\.partitions/);
  assert.throws(() => redisJournal({ url: "redis://x", leaseSeconds: -1 }), /options\.leaseSeconds/);
  assert.throws(() => redisReceiverJournal({ url: "redis://x", name: "" }), /options\.name/);
});

Deno.test("redis journal: partitionOf spreads chats evenly and is the same in every process", () => {
  const counts = new Array(16).fill(0);
  for (let chat = 1; chat <= 16_000; chat++) counts[partitionOf(`c${chat}`, 16)]++;
  for (const count of counts) assert.ok(count > 800 && count < 1200, `uneven: ${counts}`);
  assert.equal(partitionOf("c123456789", 16), partitionOf("c123456789", 16));
});

Deno.test("redis journal: an id appended before is left out, even from another receiver", async () => {
  await using redis = await RedisServer.start();
  const options = { url: redis.url, name: "dedupe", partitions: 4 };
  const a = redisReceiverJournal(options);
  const b = redisReceiverJournal(options);
  await a.open();
  await b.open();
  try {
    await a.append([record(1, "c1"), record(2, "c2"), record(3, "c1")]);
    await b.append([record(2, "c2"), record(3, "c1"), record(4, "c3")]);
    let entries = 0;
    for (let i = 0; i < 4; i++) entries += Number(await a.redis.call("XLEN", a.keys.stream(i)));
    assert.equal(entries, 4);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("redis journal: a server it cannot reach is reported as such, and leaves nothing reconnecting behind", async () => {
  const journal = new URL("../redis/mod.ts", import.meta.url).href;
  const program = `
    import { redisJournal } from ${JSON.stringify(journal)};
    const port = ${closedPort()};
    await redisJournal({ url: "redis://127.0.0.1:" + port }).open().then(
      () => console.log("opened"),
      (e) => console.log(e.constructor.name + ": " + e.message),
    );
  `;
  const { code, stdout: out, stderr } = await runAlone(program, 30);
  assert.equal(code, 0, `the process ended by itself: ${out} ${stderr}`);
  assert.match(out, /TelepotException: cannot connect to Redis: .*ECONNREFUSED/);
});

Deno.test("redis journal: opening with another number of partitions than the journal was created with is BadInput", async () => {
  await using redis = await RedisServer.start();
  const first = redisReceiverJournal({ url: redis.url, name: "sized", partitions: 4 });
  await first.open();
  try {
    const other = redisJournal({ url: redis.url, name: "sized", partitions: 8 });
    await assert.rejects(
      () => other.open(),
      (e) => e instanceof BadInput && /options\.partitions.*\b4\b/.test(e.message),
    );
  } finally {
    await first.close();
  }
});

Deno.test("redis journal: a partition is handed to a joining worker only once what was taken from it is acked; the rest follows in order", async () => {
  await using redis = await RedisServer.start();
  const options = { url: redis.url, name: "handover", partitions: 2, leaseSeconds: 1 };
  const receiving = redisReceiverJournal(options);
  await receiving.open();
  const first = redisJournal(options);
  const second = redisJournal(options);
  const seen = new Map<RedisWorkerJournal, number[]>([[first, []], [second, []]]);
  try {
    await first.open();
    first.listen((records) => seen.get(first)!.push(...records.map((r) => r.id)));
    await waitFor(() => first.partitions.length === 2, 30, "the first worker to hold both partitions");
    const k0 = keyIn(0, 2);
    const k1 = keyIn(1, 2);
    await receiving.append([
      record(1, k0),
      record(2, k1),
      record(3, k0),
      record(4, k1),
      record(5, k0),
      record(6, k1),
    ]);
    await waitFor(() => seen.get(first)!.length === 6, 30, "the records to reach the first worker");
    // One record of each chat taken (in flight), one at a time.
    const [a] = first.take(k0, 32);
    const [b] = first.take(k1, 32);
    assert.deepEqual([a.id, b.id, first.take(k0, 32).length], [1, 2, 1]);

    await second.open();
    second.listen((records) => seen.get(second)!.push(...records.map((r) => r.id)));
    // The first worker now drains one partition; while its taken record is not acked, it keeps it.
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(second.partitions, []);
    await first.attempt(a.id);
    await first.ack(a.id);
    await first.ack(b.id);
    await waitFor(() => second.partitions.length === 1, 30, "the hand-over");
    assert.deepEqual(first.partitions.length, 1);
    const moved = second.partitions[0] === 0 ? [3, 5] : [4, 6];
    await waitFor(() => seen.get(second)!.length === 2, 30, "the rest of the partition to follow");
    assert.deepEqual(seen.get(second), moved);
    const key = moved[0] === 3 ? k0 : k1;
    assert.equal(second.take(key, 32)[0].id, moved[0]);
    assert.deepEqual(first.take(key, 32), []);
    // The first worker had nothing pending there any more: it was removed from that stream's group.
    const stream = receiving.keys.stream(second.partitions[0]);
    await waitFor(
      async () => {
        const consumers = await receiving.redis.call("XINFO", "CONSUMERS", stream, "workers") as string[][];
        return consumers.every((c) => !c.includes(first.consumer));
      },
      30,
      "the first worker to leave the moved partition's group",
    );
  } finally {
    await second.close();
    await first.close();
    await receiving.close();
  }
});

Deno.test("redis journal: after redis-server comes back empty, the workers make their groups again and go on", async () => {
  let server = await RedisServer.start();
  const options = { url: server.url, name: "empty", partitions: 2, leaseSeconds: 2 };
  const receiving = redisReceiverJournal(options);
  await receiving.open();
  const handled: number[] = [];
  const bot = new Bot("123:test", { apiRoot: "http://127.0.0.1:9" });
  const logged = console.error;
  console.error = () => {}; // the worker's complaints while Redis is away
  const loop = bot.messageLoop((msg: LoopMessage) => void handled.push(msg.message_id), {
    journal: redisJournal(options),
    onError: () => {},
  });
  try {
    await receiving.append([record(1, "c1"), record(2, "c2")]);
    await waitFor(() => handled.length === 2, 20, "the first updates");
    await server[Symbol.asyncDispose]();
    server = await RedisServer.start(server.port); // nothing kept: no streams, no groups
    await waitFor(
      async () => {
        try {
          await receiving.append([record(3, "c3"), record(4, "c4")]);
          return true;
        } catch {
          return false; // the receiver's connection is still coming back
        }
      },
      20,
      "the receiver to append again",
    );
    await waitFor(() => handled.includes(3) && handled.includes(4), 30, "the updates after the restart");
  } finally {
    await loop.stop();
    console.error = logged;
    await receiving.close();
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("redis journal: an ack Redis did not take leaves the update at the head of its chat's lane", async () => {
  const server = await RedisServer.start();
  const logged = console.error;
  console.error = () => {}; // the worker's complaints while Redis is away
  const { receiving, worker, first } = await twoUpdatesTaken(server.url, "lostack", 5);
  try {
    await server[Symbol.asyncDispose]();
    await assert.rejects(worker.ack(first.id));
    assert.equal(worker.take("c5", 32)[0]?.id, 1, "still the lane's head: not followed by update 2");
    assert.deepEqual(worker.unacked().map((r) => r.id), [1, 2]);
  } finally {
    console.error = logged;
    await worker.close().catch(() => {});
    await receiving.close().catch(() => {});
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("redis journal: a worker stalled past its lease takes nothing more until a renewal says the lease held", async () => {
  await using server = await RedisServer.start();
  const { receiving, worker, seen, first } = await twoUpdatesTaken(server.url, "stall", 1);
  try {
    await worker.ack(first.id);
    // A handler that blocks the process longer than the lease: another worker may own the chat now.
    const until = Date.now() + 1_200;
    while (Date.now() < until) { /* stalled */ }
    assert.deepEqual(worker.take("c5", 32), [], "update 2 is not taken on a lease that may have lapsed");
    // Nobody else took it: the next renewal keeps the lease, and the chat goes on.
    await waitFor(() => worker.take("c5", 32)[0]?.id === 2, 10, "the lease renewed");
    assert.ok(seen.filter((id) => id === 2).length >= 2, "update 2 handed to the lane again");
  } finally {
    await worker.close();
    await receiving.close();
  }
});

Deno.test("redis journal: a lane refused while a renewal was on its way is handed its update again once that renewal answers", async () => {
  await using server = await RedisServer.start();
  const { receiving, worker, seen, first } = await twoUpdatesTaken(server.url, "inflight", 1);
  const redis = worker.redis;
  const renew = redis.telepotRenew;
  const refused = deferred<void>();
  let armed = true;
  try {
    await worker.ack(first.id);
    // Handlers burning CPU right after a renewal went out (the two-worker bench): the previous renewal's
    // term runs out before this one's answer is read, so the lane asking for update 2 meanwhile is
    // refused and ends; the answer then comes within the new term. (The client's auto-pipelining calls
    // this function again on its pipeline: only the worker's own call is the renewal going out.)
    redis.telepotRenew = function(this: unknown, count, ...args) {
      const answer = renew.call(this, count, ...args);
      if (this === redis && armed) {
        armed = false;
        while (worker.take("c5", 32).length > 0) { /* stalled, the lease not yet in doubt */ }
        refused.resolve();
      }
      return answer;
    };
    await refused.promise;
    await waitFor(() => seen.filter((id) => id === 2).length >= 2, 10, "update 2 handed to the lane again");
    assert.equal(worker.take("c5", 32)[0]?.id, 2);
  } finally {
    redis.telepotRenew = renew;
    await worker.close();
    await receiving.close();
  }
});

Deno.test("redis journal: a worker stalled past its lease reads nothing more from the partition: what is appended once another worker took it over goes to that worker at once", async () => {
  await using server = await RedisServer.start();
  const dir = await Deno.makeTempDir({ prefix: "redis_lapsed_" });
  const out = `${dir}/out.txt`;
  const resume = `${dir}/resume`;
  const options = { url: server.url, name: "lapsed", partitions: 1, leaseSeconds: 3 };
  const lines = (tag: string) =>
    writtenText(out).split("\n").filter((l) => l.startsWith(tag)).map((l) => l.slice(2));
  const config: StallingConfig = { ...options, out, resume };
  // The stalling worker lives in a process of its own: its stall stops nothing in this one.
  const stalling = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./support/redis_stalling_worker.ts", import.meta.url).pathname,
      JSON.stringify(config),
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const receiving = redisReceiverJournal(options);
  await receiving.open();
  const second = redisJournal(options);
  const got: number[] = [];
  const acks: Promise<void>[] = [];
  let appending = true;
  let watching = true;
  let appender: Promise<void> | undefined;
  let watcher: Promise<void> | undefined;
  try {
    await waitFor(() => lines("P").at(-1) === "1", 30, "the stalling worker to hold the partition");
    const consumer = lines("C")[0];
    await second.open();
    second.listen((records) => {
      for (const r of records) {
        got.push(r.id);
        acks.push(second.ack(r.id));
      }
    });
    // The stalling update sits pending under a consumer that is gone, as if a process had read it after
    // losing its lease: the holder's sweep claims it two leases later, and stalls on it in that turn of
    // its reader, which then goes straight on to reading (no other step comes before the next read).
    const stream = receiving.keys.stream(0);
    const body = JSON.stringify(stallRecord(1).update);
    await receiving.redis.multi([
      ["xadd", stream, "*", "id", 1, "key", "c6", "u", body],
      ["xreadgroup", "GROUP", "workers", "gone", "COUNT", 1, "STREAMS", stream, ">"],
    ]).exec();
    await waitFor(() => lines("S").length === 1, 60, "the first worker to stall");
    // Its lease lapses; the second worker takes the partition over and claims the update left pending.
    await waitFor(
      () => second.partitions.length === 1 && got.includes(1),
      30,
      "the second worker to take over",
    );
    assert.deepEqual(lines("R"), [], "still stalled");

    // From now on, every entry the stalled worker reads (pending under its name) was taken from the new owner.
    const readByStalled = new Set<string>();
    const look = async () => {
      const pending = await receiving.redis.call(
        "XPENDING",
        stream,
        "workers",
        "-",
        "+",
        1000,
        consumer,
      ) as string[][];
      for (const [entryId] of pending) readByStalled.add(entryId);
    };
    watcher = (async () => {
      while (watching) {
        await look();
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const appended: number[] = [];
    appender = (async () => {
      for (let id = 100; appending; id++) {
        await receiving.append([record(id, "c7")]);
        appended.push(id);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(
      () => appended.length >= 5 && got.includes(appended[4]),
      30,
      "the new owner to read new updates",
    );
    await Deno.writeTextFile(resume, "");
    await waitFor(() => lines("R").length === 1, 30, "the stalled worker to resume");
    await waitFor(
      () => lines("P").at(-1) === "0",
      30,
      "the resumed worker to learn that it lost the partition",
    );
    // Reads block a sixth of the lease at most: appends go on well past any read it made meanwhile.
    const since = appended.length;
    await waitFor(() => appended.length >= since + 200, 60, "more appends");
    appending = false;
    await appender;
    watching = false;
    await watcher;
    await look();
    assert.deepEqual(
      [...readByStalled],
      [],
      `the worker whose lease lapsed read ${readByStalled.size} new entries of the partition it no longer `
        + "held (they wait two leases for the new owner's sweep)",
    );
    await waitFor(() => appended.every((id) => got.includes(id)), 30, "every update to reach the new owner");
  } finally {
    appending = false;
    watching = false;
    await appender?.catch(() => {});
    await watcher?.catch(() => {});
    try {
      stalling.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await stalling.status;
    await Promise.allSettled(acks);
    await second.close();
    await receiving.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** An update of chat 6 whose text is "stall" (see tests/support/redis_stalling_worker.ts). */
function stallRecord(id: number): JournalRecord {
  return {
    id,
    key: "c6",
    update: {
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: 6, type: "private" }, text: "stall" },
    },
  };
}

/**
 * A receiver and the one worker of a journal of one partition, two updates of chat `c5` appended and
 * handed to the worker (`seen`: ids in the order handed), the first of them taken and attempted.
 */
async function twoUpdatesTaken(url: string, name: string, leaseSeconds: number) {
  const options = { url, name, partitions: 1, leaseSeconds };
  const receiving = redisReceiverJournal(options);
  await receiving.open();
  const worker = redisJournal(options);
  const seen: number[] = [];
  await worker.open();
  worker.listen((records) => seen.push(...records.map((r) => r.id)));
  await waitFor(() => worker.partitions.length === 1, 30, "the worker to hold the partition");
  await receiving.append([record(1, "c5"), record(2, "c5")]);
  await waitFor(() => seen.length === 2, 30, "the records to reach the worker");
  const [first] = worker.take("c5", 32);
  await worker.attempt(first.id);
  return { receiving, worker, seen, first };
}
