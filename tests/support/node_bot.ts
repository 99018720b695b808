// A bot that runs under Node (bundled by tests/node_test.ts): `node bot.mjs <apiRoot> <token> poll|webhook`.
// It echoes two messages, then stops; in webhook mode it serves node:http through nodeAdapter.
import { createServer } from "node:http";
import type { Message } from "../../api/mod.ts";
import { Bot, nodeAdapter, webhookHandler } from "../../bot/mod.ts";

declare const process: { argv: string[] };
const [apiRoot, token, mode] = process.argv.slice(2);
const bot = new Bot(token, { apiRoot });
const me = await bot.getMe();
console.log(`started as @${me.username} under ${typeof Deno === "undefined" ? "node" : "deno"}`);

let server: ReturnType<typeof createServer> | undefined;
if (mode === "webhook") {
  const handler = webhookHandler(bot, { secretToken: "node-secret" });
  server = createServer(nodeAdapter(handler));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await bot.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: "node-secret" });
}

let echoed = 0;
const loop = bot.messageLoop(async (msg) => {
  const m = msg as Message;
  await bot.sendMessage(m.chat.id, `node ${mode} echo: ${m.text}`);
  if (++echoed === 2) void loop.stop();
}, { timeout: 1 });
await loop.done;
if (server) {
  await bot.deleteWebhook();
  server.close();
}
console.log(`echoed ${echoed}`);
