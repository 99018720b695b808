/**
 * The client's two transports against one bare `Deno.serve` Bot API answer (in a worker, its own
 * thread): `Api` calls over `fetch` (the baseline) and over the pooled keep-alive HTTP/1.1 connections
 * a lease (`api.keepConnections()`, which every message loop takes) switches on. Each iteration is
 * 100 `sendMessage` calls at once, as a polling bot answers a batch. The process's CPU per call for
 * each is printed at the end.
 *
 * @module
 */
import process from "node:process";
import { Api } from "../api/client.ts";
import type { WorkerRequest } from "./emulator_worker.ts";

const AT_ONCE = 100;

const worker = new Worker(new URL("./emulator_worker.ts", import.meta.url), { type: "module" });
const server = await new Promise<{ apiRoot: string; token: string; chatId: number }>((resolve) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.postMessage({ mode: "baseline" } satisfies WorkerRequest);
});

const overFetch = new Api(server.token, { apiRoot: server.apiRoot });
const pooled = new Api(server.token, { apiRoot: server.apiRoot });
const release = pooled.keepConnections();

const cpu = new Map<string, { calls: number; micros: number }>();

function batchBench(name: string, api: Api, baseline: boolean): void {
  Deno.bench({
    name,
    group: `${AT_ONCE} sendMessage calls at once`,
    baseline,
    n: 200,
    warmup: 20,
    async fn(b) {
      b.start();
      const before = process.cpuUsage();
      await Promise.all(Array.from({ length: AT_ONCE }, () => api.sendMessage(server.chatId, "benchmark")));
      const used = process.cpuUsage(before);
      b.end();
      const sum = cpu.get(name) ?? { calls: 0, micros: 0 };
      sum.calls += AT_ONCE;
      sum.micros += used.user + used.system;
      cpu.set(name, sum);
    },
  });
}

batchBench("Api over fetch", overFetch, true);
batchBench("Api over pooled HTTP/1.1 connections", pooled, false);

globalThis.addEventListener("unload", () => {
  for (const [name, { calls, micros }] of cpu) {
    console.log(`${name}: ${(micros / calls).toFixed(1)} µs of CPU per call (client and server threads)`);
  }
});

Deno.bench({
  name: "shutdown (not a measurement)",
  group: "zz-teardown",
  n: 1,
  warmup: 0,
  fn() {
    release();
    worker.terminate();
  },
});
