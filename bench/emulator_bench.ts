/**
 * Throughput of the Bot API emulator over loopback HTTP, against a bare Deno.serve baseline answering the
 * same shape of body (the ratio is what to watch). Targets (issue 3): at least 20,000 updates/s through
 * getUpdates and 10,000 sendMessage/s. Servers run in workers (their own threads); calls come from fetch
 * and from a lean keep-alive HTTP/1.1 client, since fetch alone spends more CPU per call than the emulator.
 * Each bench iteration is a batch of calls; the rates are printed at the end.
 *
 * @module
 */
import { postMany } from "./emulator_raw_client.ts";
import type { WorkerRequest } from "./emulator_worker.ts";
import { teardown } from "./teardown.ts";

interface Target {
  apiRoot: string;
  token: string;
  chatId: number;
  worker: Worker;
}

function spawn(mode: "emulator" | "emulator-deadlines" | "baseline"): Promise<Target> {
  const worker = new Worker(new URL("./emulator_worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve) => {
    worker.onmessage = (e) => resolve({ ...e.data, worker });
    worker.postMessage({ mode } satisfies WorkerRequest);
  });
}

function ask(target: Target, request: WorkerRequest): Promise<unknown> {
  return new Promise((resolve) => {
    target.worker.onmessage = (e) => resolve(e.data);
    target.worker.postMessage(request);
  });
}

const emulator = await spawn("emulator");
const baseline = await spawn("baseline");
const guarded = await spawn("emulator-deadlines");

const SEND_BATCH = 2000;
const CONCURRENCY = 64;
const UPDATE_BATCH = 10_000;

async function sendMessages(target: Target, count: number): Promise<void> {
  const url = `${target.apiRoot}/bot${target.token}/sendMessage`;
  const body = JSON.stringify({ chat_id: target.chatId, text: "benchmark message" });
  let next = 0;
  const lane = async () => {
    while (next++ < count) {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      if (!r.ok) throw new Error(`sendMessage failed: ${r.status}`);
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

async function drainUpdates(target: Target, expected: number): Promise<void> {
  let offset = 0;
  let seen = 0;
  while (seen < expected) {
    const r = await fetch(`${target.apiRoot}/bot${target.token}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ offset, limit: 100, timeout: 0 }),
    });
    const answer = await r.json();
    const updates = answer.result as { update_id: number }[];
    if (updates.length === 0) throw new Error("queue ran dry");
    seen += updates.length;
    offset = updates[updates.length - 1].update_id + 1;
  }
  await fetch(`${target.apiRoot}/bot${target.token}/getUpdates?offset=${offset}&limit=1`).then((r) =>
    r.body?.cancel()
  );
}

function sendRaw(target: Target, count: number): Promise<void> {
  const port = Number(new URL(target.apiRoot).port);
  const body = JSON.stringify({ chat_id: target.chatId, text: "benchmark message" });
  return postMany(port, `/bot${target.token}/sendMessage`, body, count, 16);
}

const totals = new Map<string, { ops: number; ms: number }>();

function record(name: string, ops: number, ms: number): void {
  const t = totals.get(name) ?? { ops: 0, ms: 0 };
  t.ops += ops;
  t.ms += ms;
  totals.set(name, t);
}

type Send = (target: Target, count: number) => Promise<void>;

// A bench of batches of SEND_BATCH calls that `send` makes to `target`; their rate is printed as `what`.
function benchSends(
  bench: { name: string; group: string; baseline: boolean },
  what: string,
  send: Send,
  target: Target,
): void {
  Deno.bench({
    ...bench,
    n: 20,
    warmup: 3,
    async fn(b) {
      b.start();
      const t0 = performance.now();
      await send(target, SEND_BATCH);
      record(what, SEND_BATCH, performance.now() - t0);
      b.end();
    },
  });
}

// One group per client: the bare server is the baseline, the emulator's ratio to it is the measurement.
function sendMessageGroup(client: string, label: string, send: Send) {
  const group = `sendMessage (${label})`;
  for (const [target, isBaseline] of [[baseline, true], [emulator, false]] as const) {
    const name = isBaseline
      ? `baseline: bare Deno.serve, ${SEND_BATCH} POSTs, ${client}`
      : `emulator: ${SEND_BATCH} sendMessage, ${client}`;
    benchSends(
      { name, group, baseline: isBaseline },
      isBaseline ? `baseline requests (${label})` : group,
      send,
      target,
    );
  }
}

sendMessageGroup("fetch", "fetch", sendMessages);
sendMessageGroup("raw HTTP client", "raw client", sendRaw);

// The price of connection deadlines (`deadlines: true`, node:http instead of Deno.serve), against the
// emulator without them: the ratio is why they are off by default.
for (const [target, isBaseline] of [[emulator, true], [guarded, false]] as const) {
  const what = isBaseline ? "sendMessage (raw client), no deadlines" : "sendMessage (raw client), deadlines";
  benchSends(
    { name: `${what}: ${SEND_BATCH} sendMessage`, group: "connection deadlines", baseline: isBaseline },
    what,
    sendRaw,
    target,
  );
}

Deno.bench({
  name: `emulator: ${UPDATE_BATCH} updates through getUpdates (limit 100)`,
  group: "getUpdates",
  n: 10,
  warmup: 2,
  async fn(b) {
    await ask(emulator, { fill: UPDATE_BATCH });
    b.start();
    const t0 = performance.now();
    await drainUpdates(emulator, UPDATE_BATCH);
    record("updates via getUpdates", UPDATE_BATCH, performance.now() - t0);
    b.end();
  },
});

globalThis.addEventListener("unload", () => {
  for (const [name, t] of totals) {
    console.log(`${name}: ${Math.round(t.ops / (t.ms / 1000)).toLocaleString("en-US")}/s`);
  }
});

teardown(() => {
  emulator.worker.terminate();
  baseline.worker.terminate();
  guarded.worker.terminate();
});
