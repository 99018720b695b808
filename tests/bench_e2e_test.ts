// The end-to-end bench harness in a tiny configuration, so it cannot rot: real bot processes against
// the bench API server in its own process, every update answered.
import assert from "node:assert/strict";
import { BenchServer, type RunSettings, runVariant } from "../bench/e2e/harness.ts";
import { modes, type Variant, VARIANTS } from "../bench/e2e/variants.ts";

const TINY: RunSettings = { updates: 200, chats: 20, retryAfter: 1, timeLimit: 120, startLimit: 120 };
const [FAST, LATENCY, FAULTS] = modes(10, 0.05);

function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.name === name);
  assert.ok(found, `no variant ${name}`);
  return found;
}

Deno.test("bench:e2e: the server counts replies, duplicates, out-of-order and wrong-chat replies", async () => {
  const server = await BenchServer.start();
  try {
    const token = "1:ledger";
    await server.control("scenario", {
      token,
      updates: 4,
      chats: 2,
      latencyMs: 0,
      faultRate: 0,
      retryAfter: 1,
    });
    const updates = await fetch(`${server.apiRoot}/bot${token}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ timeout: 0 }),
    }).then((r) => r.json());
    assert.deepEqual(updates.result, [], "nothing is released before go");
    await server.control("go", { token });
    const send = (chat_id: number, text: string) =>
      fetch(`${server.apiRoot}/bot${token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id, text }),
      }).then((r) => r.json());
    // Chat 100,001 holds updates 1 and 3; chat 100,000 holds 2 and 4.
    await send(100_001, "3");
    await send(100_001, "1");
    await send(100_001, "1");
    await send(100_000, "1");
    const status = await server.control("status", { token });
    assert.equal(status.answered, 2);
    assert.equal(status.outOfOrder, 2);
    assert.equal(status.duplicates, 1);
    assert.equal(status.wrong, 1);
    assert.equal(status.done, false);
    await send(100_000, "2");
    await send(100_000, "4");
    assert.equal((await server.control("status", { token })).done, true);
  } finally {
    await server.close();
  }
});

Deno.test("bench:e2e: every variant of the table (ours, Telegraf, grammY, the bare baselines) answers all 200 updates once, in per-chat order (Telegraf polling aside)", async () => {
  const server = await BenchServer.start();
  try {
    for (const v of VARIANTS) {
      const r = await runVariant(server, v, FAST, TINY);
      assert.equal(r.outcome, "ok", `${v.name}: ${r.reason}`);
      assert.equal(r.answered, 200, v.name);
      assert.equal(r.duplicates, 0, v.name);
      // Telegraf's polling handles a batch's updates all at once, a chat's among them: its replies
      // within a chat may come out of order (counted by the bench, not required to be none).
      if (v.program !== "telegraf.ts") assert.equal(r.outOfOrder, 0, v.name);
      assert.equal(r.wrong, 0, v.name);
      assert.ok(r.updatesPerSecond > 0 && r.cpuMsPer1k > 0 && r.peakRssMiB > 0, v.name);
    }
  } finally {
    await server.close();
  }
});

Deno.test("bench:e2e: with 10 ms of API latency our DelegatorBot still answers every update in per-chat order", async () => {
  const server = await BenchServer.start();
  try {
    const r = await runVariant(server, variant("telepot delegator, polling, memory"), LATENCY, TINY);
    assert.equal(r.outcome, "ok", r.reason);
    assert.equal(r.answered, 200);
    assert.equal(r.outOfOrder, 0);
  } finally {
    await server.close();
  }
});

Deno.test("bench:e2e: under injected faults our plain loop still answers every update", async () => {
  const server = await BenchServer.start();
  try {
    const r = await runVariant(server, variant("telepot plain, polling, memory"), FAULTS, TINY);
    assert.equal(r.outcome, "ok", r.reason);
    assert.equal(r.answered, 200);
    assert.ok(r.faults > 0, "some sendMessage calls failed");
  } finally {
    await server.close();
  }
});

Deno.test("bench:e2e: a loop option the build refuses makes the variant n/a with the loop's reason", async () => {
  const server = await BenchServer.start();
  try {
    const refused: Variant = {
      name: "telepot plain, polling, refused option",
      program: "telepot.ts",
      receive: "polling",
      settings: { style: "plain", loop: { limit: 0 } },
    };
    const r = await runVariant(server, refused, FAST, TINY);
    assert.equal(r.outcome, "n/a");
    assert.match(r.reason ?? "", /options\.limit/);
    assert.equal(r.answered, 0);
  } finally {
    await server.close();
  }
});
