/**
 * A server under slow-loris attack, in its own process so that its memory can be measured alone:
 * `deno run -A slow_server.ts <kind> <limits JSON>` (or `bun slow_server.ts …`, `node slow_server.ts …`
 * with Node 22's type stripping, for the kinds that run there). Prints `{"port": n}` once listening, then serves until killed. Kinds:
 * - `webhook`: webhookHandler under Deno.serve;
 * - `node`: nodeAdapter on node:http behind guardNodeServer;
 * - `serve-webhook`: webhookHandler through serveWebhook (Deno, Bun or Node);
 * - `bunserve`: webhookHandler under Bun.serve, `idleTimeout` from the limits;
 * - `emulator`, `emulator-deadlines`: the emulator without and with its connection deadlines.
 *
 * @module
 */
import { createServer } from "node:http";
import { Bot, guardNodeServer, nodeAdapter, serveWebhook, webhookHandler } from "../../mod.ts";

interface Runtimes {
  Deno?: {
    args: string[];
    serve(options: object, handler: (r: Request) => Promise<Response>): { addr: { port: number } };
  };
  Bun?: { serve(options: object): { port: number }; gc(force: boolean): void };
  process?: { argv: string[] };
}
const { Deno: deno, Bun: bun, process } = globalThis as Runtimes;
const [kind, limitsText] = deno?.args ?? process!.argv.slice(2);
const limits = JSON.parse(limitsText ?? "{}");
const bot = new Bot("1:slow");
// Updates that arrive are handled by nobody; the server only has to read (or refuse) bodies.
let port: number;
if (kind === "webhook") {
  port =
    deno!.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, webhookHandler(bot, limits)).addr.port;
} else if (kind === "bunserve") {
  const handle = webhookHandler(bot, limits);
  port = bun!.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: limits.idleTimeout, fetch: handle }).port;
} else if (kind === "node") {
  const server = guardNodeServer(createServer(nodeAdapter(webhookHandler(bot, limits))), limits);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
} else if (kind === "serve-webhook") {
  const server = await serveWebhook(webhookHandler(bot, limits), { port: 0, ...limits });
  port = Number(new URL(server.origin).port);
} else {
  const deadlines = kind === "emulator-deadlines" ? limits : false;
  const { BotApiEmulator } = await import("../../testing/mod.ts");
  const emu = await BotApiEmulator.start({ bodyLimits: limits, deadlines });
  emu.createBot({ username: "slow_bot", token: "1:slow" });
  emu.createBot({ username: "other_bot", token: "2:other" });
  port = Number(new URL(emu.apiRoot).port);
}
const collect = (globalThis as { gc?: () => void }).gc ?? (bun && (() => bun.gc(false)));
if (collect !== undefined) setInterval(collect, 100);
console.log(JSON.stringify({ port }));
