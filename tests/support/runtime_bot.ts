// A bot for other runtimes (run by tests/runtimes_test.ts): `<runtime> bot <apiRoot> <token> <mode>`.
// It echoes two messages, then stops. Modes: poll (getUpdates); webhook (node:http through
// nodeAdapter); bunserve (Bun.serve with the web-standard webhookHandler itself).
import { createServer } from "node:http";
import type { Message } from "../../api/mod.ts";
import { Bot, nodeAdapter, webhookHandler } from "../../bot/mod.ts";

declare const process: { argv: string[] };
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (req: Request) => Promise<Response> }): {
    port: number;
    stop(): void;
  };
} | undefined;

const runtime = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const [apiRoot, token, mode] = process.argv.slice(2);
const bot = new Bot(token, { apiRoot });
const me = await bot.getMe();
console.log(`started as @${me.username} under ${runtime}`);

let close = () => {};
if (mode === "webhook" || mode === "bunserve") {
  const handler = webhookHandler(bot, { secretToken: "runtime-secret" });
  let port: number;
  if (mode === "bunserve") {
    const server = Bun!.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
    port = server.port;
    close = () => server.stop();
  } else {
    const server = createServer(nodeAdapter(handler));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    close = () => server.close();
  }
  await bot.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: "runtime-secret" });
}

let echoed = 0;
const loop = bot.messageLoop(async (msg) => {
  const m = msg as Message;
  await bot.sendMessage(m.chat.id, `${runtime} ${mode} echo: ${m.text}`);
  if (++echoed === 2) void loop.stop();
}, { timeout: 1 });
await loop.done;
if (mode !== "poll") await bot.deleteWebhook();
close();
console.log(`echoed ${echoed}`);
