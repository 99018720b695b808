/**
 * The client's two transports against one bare `Deno.serve` Bot API answer in its own process: `Api`
 * calls over `fetch` (the baseline) and over the pooled keep-alive HTTP/1.1 connections a lease
 * (`api.keepConnections()`, which every message loop takes) switches on. Each iteration is 100
 * `sendMessage` calls at once, as a polling bot answers a batch. This process's CPU per call (the
 * client's alone) for each is printed at the end.
 *
 * @module
 */
import process from "node:process";
import { Api } from "../api/client.ts";
import { teardown } from "./teardown.ts";

const AT_ONCE = 100;

const SERVER = `
  const body = JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: "private" } } });
  Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (addr) => console.log(addr.port) }, async (request) => {
    await request.text();
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
`;
const serverProcess = new Deno.Command(Deno.execPath(), {
  args: ["eval", "--quiet", SERVER],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = serverProcess.stdout.pipeThrough(new TextDecoderStream()).getReader();
const { value: portLine } = await reader.read();
reader.releaseLock();
const server = { apiRoot: `http://127.0.0.1:${Number(portLine)}`, token: "1:bench", chatId: 1 };

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
    console.log(`${name}: ${(micros / calls).toFixed(1)} µs of the client's CPU per call`);
  }
});

teardown(() => {
  release();
  serverProcess.kill();
  void serverProcess.stdout.cancel().catch(() => {});
});
