/**
 * A server under slow-loris attack, in its own process so that its memory can be measured alone:
 * `deno run -A slow_server.ts <webhook|node|emulator> <limits JSON>`. Prints `{"port": n}` once
 * listening, then serves until killed.
 *
 * @module
 */
import { createServer } from "node:http";
import { Bot, guardNodeServer, nodeAdapter, webhookHandler } from "../../mod.ts";
import { BotApiEmulator } from "../../testing/mod.ts";

const [kind, limitsText] = Deno.args;
const limits = JSON.parse(limitsText ?? "{}");
const bot = new Bot("1:slow");
// Updates that arrive are handled by nobody; the server only has to read (or refuse) bodies.
let port: number;
if (kind === "webhook") {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, webhookHandler(bot, limits));
  port = server.addr.port;
} else if (kind === "node") {
  const server = guardNodeServer(createServer(nodeAdapter(webhookHandler(bot, limits))), limits);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
} else {
  const emu = await BotApiEmulator.start({ bodyLimits: limits });
  emu.createBot({ username: "slow_bot", token: "1:slow" });
  port = Number(new URL(emu.apiRoot).port);
}
const collect = (globalThis as { gc?: () => void }).gc;
if (collect !== undefined) setInterval(collect, 100);
console.log(JSON.stringify({ port }));
