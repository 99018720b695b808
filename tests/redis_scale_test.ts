// Scale-out on Redis Streams with real processes: a redis-server of the test's own, the emulator in
// its own process, polling receivers (one leads) and three workers. 10,000 updates over 500 chats;
// a worker or the polling leader killed with kill -9 mid-run and started again later; all workers
// restarted one by one. Every update handled, each chat in order, duplicates only where a kill allows.
import assert from "node:assert/strict";
import { RedisReceiverJournal } from "../redis/mod.ts";
import { waitFor } from "./support/receiving_harness.ts";
import { type Cluster, handled, verdict } from "./support/redis_cluster.ts";
import { Cluster as Processes } from "./support/redis_cluster.ts";

const CHATS = 500;
const PER_CHAT = 20;
const TOTAL = CHATS * PER_CHAT;
// The journal's default.
const PARTITIONS = 16;

function distinct(cluster: Cluster): number {
  return verdict(handled(cluster)).distinct;
}

/** Waits until worker `pid` holds at least one partition. */
async function holding(cluster: Cluster, pid: number): Promise<void> {
  await waitFor(
    () => cluster.lines("J").some(([p, count]) => Number(p) === pid && Number(count) > 0),
    60,
    `worker ${pid} to hold a partition`,
  );
}

/** Partitions the workers `pids` hold now, by their latest reports. */
function heldBy(cluster: Cluster, pids: readonly number[]): number {
  const latest = new Map<number, number>();
  for (const [pid, count] of cluster.lines("J")) latest.set(Number(pid), Number(count));
  return pids.reduce((sum, pid) => sum + (latest.get(pid) ?? 0), 0);
}

function describe(cluster: Cluster): string {
  const v = verdict(handled(cluster));
  return `${v.distinct} of ${TOTAL} handled, ${v.duplicates.size} duplicated, disorder: ${
    v.disordered.slice(0, 3)
  }`;
}

Deno.test("redis: 3 workers, 10,000 updates over 500 chats, one worker killed with kill -9 mid-run and started again: all handled, in order, duplicates only among the killed worker's", async () => {
  await using cluster = await Processes.start();
  cluster.receiver();
  // The victim's handlers are the slowest, so that the kill lands while it is handling updates, even on
  // a machine so busy that the test reads the victim's lines well after they were written.
  const workers = [20, 400, 20].map((slowMs) => cluster.worker({ kind: "plain", slowMs, cpuMs: 0 }));
  for (const w of workers) await holding(cluster, w.pid);
  const sending = cluster.emulator.command({ send: { chats: CHATS, perChat: PER_CHAT } });
  const victim = workers[1];
  const count = (tag: "D" | "S") => handled(cluster, tag).filter((d) => d.pid === victim.pid).length;
  await waitFor(() => count("D") >= 300 && count("S") - count("D") >= 20, 120, "the victim mid-update");
  await cluster.kill(victim, "SIGKILL");
  const survivors = [workers[0].pid, workers[2].pid];
  // Its partitions wait for its lease to expire, then the two others take them over.
  await waitFor(
    () => heldBy(cluster, survivors) === PARTITIONS,
    60,
    "the others to take its partitions over",
  );
  const atTakeOver = distinct(cluster);
  const again = cluster.worker({ kind: "plain", slowMs: 20, cpuMs: 0 });
  await sending;
  await waitFor(() => distinct(cluster) >= TOTAL, 180, `every update (${describe(cluster)})`);
  await holding(cluster, again.pid);

  const v = verdict(handled(cluster));
  assert.equal(v.distinct, TOTAL);
  assert.deepEqual(v.disordered, []);
  for (const [message, pids] of v.duplicates) {
    assert.ok(pids.includes(victim.pid), `${message} handled twice, not by the killed worker: ${pids}`);
  }
  // What ran twice is what the killed worker was running then: at most one message per chat, each
  // started first by it.
  const started = verdict(handled(cluster, "S"));
  assert.ok(started.duplicates.size > 0, "the kill came while the worker was handling updates");
  const chatsRepeated = new Set<string>();
  for (const [message, pids] of started.duplicates) {
    assert.equal(
      pids[0],
      victim.pid,
      `${message} started twice, first by ${pids[0]}, not by the killed worker`,
    );
    assert.equal(pids.length, 2, `${message} started ${pids.length} times`);
    const chat = message.split(" ")[0];
    assert.ok(!chatsRepeated.has(chat), `chat ${chat} has more than one message started twice`);
    chatsRepeated.add(chat);
  }
  assert.ok(atTakeOver < TOTAL, "the others took over mid-run");
});

Deno.test("redis: the polling leader killed with kill -9 mid-run and started again: another receiver takes the lead, all handled once, in order", async () => {
  await using cluster = await Processes.start();
  const receivers = [cluster.receiver(), cluster.receiver()];
  const workers = [0, 1, 2].map(() => cluster.worker({ kind: "plain", slowMs: 20, cpuMs: 0 }));
  for (const w of workers) await holding(cluster, w.pid);
  await waitFor(() => cluster.lines("L").length === 1, 60, "a leader");
  const leaderPid = Number(cluster.lines("L")[0][0]);
  const leader = receivers.find((r) => r.pid === leaderPid)!;
  const sending = cluster.emulator.command({ send: { chats: CHATS, perChat: PER_CHAT } });
  await waitFor(() => distinct(cluster) >= 1500, 120, "handling to start");
  await cluster.kill(leader, "SIGKILL");
  const atKill = distinct(cluster);
  await waitFor(() => cluster.lines("L").length === 2, 60, "the other receiver to lead");
  cluster.receiver();
  await sending;
  await waitFor(() => distinct(cluster) >= TOTAL, 180, `every update (${describe(cluster)})`);

  const v = verdict(handled(cluster));
  assert.equal(v.distinct, TOTAL);
  assert.deepEqual(v.disordered, []);
  assert.equal(v.duplicates.size, 0, `duplicated: ${[...v.duplicates.keys()].slice(0, 5)}`);
  assert.equal(verdict(handled(cluster, "S")).duplicates.size, 0, "no handler started twice");
  assert.ok(atKill < TOTAL, "the kill came mid-run");
  assert.notEqual(Number(cluster.lines("L")[1][0]), leaderPid);
});

Deno.test("redis: rolling restart of 3 DelegatorBot workers one by one under load: 0 lost, 0 duplicated, in order", async () => {
  await using cluster = await Processes.start();
  cluster.receiver();
  const spec = { kind: "delegator" as const, slowMs: 10, cpuMs: 0 };
  let workers = [0, 1, 2].map(() => cluster.worker(spec));
  for (const w of workers) await holding(cluster, w.pid);
  const waves = 5;
  const perWave = PER_CHAT / waves;
  let sent = 0;
  const restarted: Deno.ChildProcess[] = [];
  for (let wave = 0; wave < waves; wave++) {
    sent += (await cluster.emulator.command({ send: { chats: CHATS, perChat: perWave } })).sent;
    await waitFor(() => distinct(cluster) >= sent - CHATS * perWave / 2, 120, "the wave to be under way");
    const old = workers[wave];
    if (!old) continue;
    const status = await cluster.kill(old, "SIGTERM");
    assert.equal(status.code, 0, "a worker stops gracefully on SIGTERM");
    const fresh = cluster.worker(spec);
    restarted.push(fresh);
    await holding(cluster, fresh.pid);
  }
  workers = restarted;
  await waitFor(() => distinct(cluster) >= TOTAL, 180, `every update (${describe(cluster)})`);

  const v = verdict(handled(cluster));
  assert.equal(v.distinct, TOTAL);
  assert.deepEqual(v.disordered, []);
  assert.equal(v.duplicates.size, 0, `duplicated: ${[...v.duplicates.entries()].slice(0, 5).join("; ")}`);
  assert.equal(verdict(handled(cluster, "S")).duplicates.size, 0, "no handler started twice");
  assert.equal(workers.length, 3);
});

Deno.test("redis: an update that ends the worker process and one that always throws are dead-lettered after 3 attempts, counted across processes; the rest is handled", async () => {
  await using cluster = await Processes.start(1);
  cluster.receiver();
  const spec = { kind: "plain" as const, slowMs: 0, cpuMs: 0 };
  let worker = cluster.worker(spec);
  let crashes = 0;
  // A supervisor: the worker is started again each time the poison update ends it.
  const supervising = (async () => {
    for (;;) {
      const status = await worker.status;
      if (status.code !== 70) return;
      crashes++;
      cluster.children.delete(worker);
      worker = cluster.worker(spec);
    }
  })();
  await cluster.emulator.command({ send: { chats: 5, perChat: 2 } });
  await cluster.emulator.command({ say: { chat: 0, text: "poison" } });
  await cluster.emulator.command({ say: { chat: 1, text: "throw" } });
  await cluster.emulator.command({ send: { chats: 5, perChat: 2 } });
  const journal = new RedisReceiverJournal({ url: cluster.redis.url, name: cluster.name });
  await journal.open();
  let dead;
  try {
    await waitFor(async () => (await journal.deadLetters()).length === 2, 120, "two dead letters");
    await waitFor(() => distinct(cluster) === 20, 60, "the other updates");
    dead = await journal.deadLetters();
  } finally {
    await journal.close();
  }
  const texts = dead.map((d) => (d.update.message as { text: string }).text).sort();
  assert.deepEqual(texts, ["poison", "throw"]);
  for (const letter of dead) assert.equal(letter.attempts, 3);
  assert.equal(crashes, 3);
  assert.deepEqual(verdict(handled(cluster)).disordered, []);
  await cluster.kill(worker, "SIGTERM");
  await supervising;
});

Deno.test("redis: a webhook receiver answers once appended; killed with kill -9 mid-run and started again, nothing is lost or handled twice", async () => {
  await using cluster = await Processes.start();
  const workers = [0, 1].map(() => cluster.worker({ kind: "plain", slowMs: 5, cpuMs: 0 }));
  for (const w of workers) await holding(cluster, w.pid);
  const first = cluster.receiver("webhook");
  await waitFor(() => cluster.lines("W").length === 1, 60, "the webhook to be set");
  const total = 2000;
  const sending = cluster.emulator.command({ send: { chats: 100, perChat: total / 100 } });
  await waitFor(() => distinct(cluster) >= 500, 120, "handling to start");
  await cluster.kill(first, "SIGKILL");
  const atKill = distinct(cluster);
  cluster.receiver("webhook");
  await sending;
  await waitFor(() => distinct(cluster) >= total, 180, "every update");

  const v = verdict(handled(cluster));
  assert.equal(v.distinct, total);
  assert.deepEqual(v.disordered, []);
  assert.equal(v.duplicates.size, 0, `duplicated: ${[...v.duplicates.keys()].slice(0, 5)}`);
  assert.equal(verdict(handled(cluster, "S")).duplicates.size, 0, "no handler started twice");
  assert.ok(atKill < total, "the kill came mid-run");
  assert.equal(cluster.lines("W").length, 2);
});
