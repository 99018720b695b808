// ioredis sends again, once reconnected, every command whose reply a dropped connection lost; Redis
// may have run it already. These tests put a proxy between the client and a real redis-server that
// lets one command reach the server, waits until the server has run it, then cuts the client's
// connection before the reply: the client resends it, and the command runs twice. Each command of the
// journal, the polling lease and the storage must come out of that as if it had run once.
import assert from "node:assert/strict";
import type { JournalRecord } from "../bot/journal.ts";
import { PollingLeadership, redisJournal, redisReceiverJournal, redisStorage } from "../redis/mod.ts";
import * as scripts from "../redis/scripts.ts";
import * as storageScripts from "../redis/storage_scripts.ts";
import { waitFor } from "./support/receiving_harness.ts";
import { RedisServer } from "./support/redis_server.ts";
import { ReplyCuttingProxy } from "./support/reply_cutting_proxy.ts";

/**
 * Starts redis-server with every script of the journal and the storage loaded: the client first sends a
 * script by its hash, and a cut on that request, which the server answers with NOSCRIPT, would run
 * nothing.
 */
async function startServer(): Promise<RedisServer> {
  const server = await RedisServer.start();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const all = Object.values({ ...scripts, ...storageScripts }).filter((v) => typeof v === "string");
  const bulk = (s: string) => `$${new TextEncoder().encode(s).length}\r\n${s}\r\n`;
  for (const lua of all) {
    await conn.write(new TextEncoder().encode(`*3\r\n${bulk("SCRIPT")}${bulk("LOAD")}${bulk(lua)}`));
    const buf = new Uint8Array(128);
    const n = await conn.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^\$40\r\n/, "script loaded");
  }
  conn.close();
  return server;
}

/** The reply the cut connection lost was a result, not an error: the command had run. */
function ran(proxy: ReplyCuttingProxy): void {
  assert.doesNotMatch(proxy.swallowed, /^-/, `the server refused the command: ${proxy.swallowed}`);
}

function record(id: number, key: string): JournalRecord {
  return {
    id,
    key,
    update: {
      update_id: id,
      message: {
        message_id: id,
        date: 0,
        chat: { id: Number(key.slice(1)), type: "private" },
        text: `${id}`,
      },
    },
  };
}

Deno.test("redis resend: an attempt whose reply was lost with the connection is counted once, though the client sends it again", async () => {
  await using server = await startServer();
  await using proxy = new ReplyCuttingProxy(server.port);
  const name = "attempt";
  const journal = redisReceiverJournal({ url: proxy.url, name });
  const direct = redisReceiverJournal({ url: server.url, name });
  await journal.open();
  await direct.open();
  try {
    assert.equal(await journal.attempt(7), 1);
    const cut = proxy.arm(`${name}:attempts`);
    const counted = await journal.attempt(7);
    await cut;
    ran(proxy);
    assert.equal(proxy.cuts, 1, "the connection was cut after the server ran the attempt");
    assert.equal(counted, 2);
    assert.equal(await direct.redis.call("HGET", direct.keys.attempts, 7), "2", "two attempts in Redis");
    // Later attempts count on from there.
    assert.equal(await journal.attempt(7), 3);
  } finally {
    await journal.close();
    await direct.close();
  }
});

Deno.test("redis resend: a dead letter whose reply was lost with the connection is written once", async () => {
  await using server = await startServer();
  await using proxy = new ReplyCuttingProxy(server.port);
  const name = "dead";
  const options = { name, partitions: 1 };
  const receiving = redisReceiverJournal({ ...options, url: server.url });
  const worker = redisJournal({ ...options, url: proxy.url });
  const seen: number[] = [];
  await receiving.open();
  await worker.open();
  try {
    worker.listen((records) => seen.push(...records.map((r) => r.id)));
    await waitFor(() => worker.partitions.length === 1, 30, "the worker to hold the partition");
    await receiving.append([record(1, "c1"), record(2, "c1")]);
    await waitFor(() => seen.length === 2, 30, "the records to reach the worker");
    const [first] = worker.take("c1", 32);
    await worker.attempt(first.id);
    const cut = proxy.arm(`${name}:dead`);
    await worker.deadLetter(first.id, 1, "it failed");
    await cut;
    ran(proxy);
    assert.equal(proxy.cuts, 1);
    const dead = await receiving.deadLetters();
    assert.deepEqual(dead.map((d) => [d.id, d.attempts, d.reason]), [[1, 1, "it failed"]]);
    assert.equal(await receiving.redis.call("HGET", receiving.keys.attempts, 1), null, "its count went");
    assert.equal(await receiving.redis.call("EXISTS", receiving.keys.tries(1)), 0, "its tokens went");
    assert.equal(worker.take("c1", 32)[0]?.id, 2, "the chat goes on");
  } finally {
    await worker.close();
    await receiving.close();
  }
});

Deno.test("redis resend: a storage write or delete whose reply was lost is applied once, and a compare-and-set is not refused as its own conflict", async () => {
  await using server = await startServer();
  await using proxy = new ReplyCuttingProxy(server.port);
  const name = "state";
  const storage = redisStorage({ url: proxy.url, name });
  const direct = redisStorage({ url: server.url, name });
  await storage.open();
  await direct.open();
  try {
    assert.equal(await storage.set("k", 1, { version: 0 }), 1);
    let cut = proxy.arm(`${name}:{state}:k`);
    assert.equal(await storage.set("k", 2, { version: 1 }), 2);
    await cut;
    ran(proxy);
    assert.deepEqual(await direct.get("k"), { value: 2, version: 2 });

    cut = proxy.arm(`${name}:{state}:k`);
    assert.equal(await storage.set("k", 3), 3, "a plain write bumps the version once");
    await cut;
    ran(proxy);
    assert.deepEqual(await direct.get("k"), { value: 3, version: 3 });

    cut = proxy.arm(`${name}:{state}:k`);
    assert.equal(await storage.delete("k", 3), true);
    await cut;
    ran(proxy);
    assert.equal(proxy.cuts, 3);
    assert.equal(await direct.get("k"), undefined);
    assert.deepEqual(await direct.scan(""), []);
    // What the delete leaves behind is no value: the key starts again from version 0.
    assert.equal(await direct.delete("k"), false);
    assert.equal(await direct.set("k", 4, { version: 0 }), 1);
    assert.deepEqual(await direct.scan(""), [{ key: "k", value: 4, version: 1 }]);
  } finally {
    await storage.close();
    await direct.close();
  }
});

Deno.test("redis resend: the polling lease taken by a request whose reply was lost is held, not asked for again", async () => {
  await using server = await startServer();
  await using proxy = new ReplyCuttingProxy(server.port);
  const name = "lead";
  const leadership = new PollingLeadership({ url: proxy.url, name, leaseSeconds: 3 });
  const marker = `${name}:leader`;
  // The request, its resend, and a third only if the process did not see that it leads.
  const askedAgain = proxy.sent(marker, 3).then(() => "asked again");
  const cut = proxy.arm(marker);
  try {
    const outcome = await Promise.race([leadership.acquire().then(() => "leads"), askedAgain]);
    await cut;
    ran(proxy);
    assert.equal(proxy.cuts, 1);
    assert.equal(outcome, "leads");
  } finally {
    await leadership.release();
  }
});
