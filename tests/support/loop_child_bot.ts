// A bot process for the crash tests: polls the emulator given by argv, appends each handled update_id to
// a file once its (slightly slow) handling is done, and stops gracefully on SIGTERM (runForever).
import type { LoopMessage } from "../../bot/handler.ts";
import { Bot } from "../../bot/mod.ts";

const [apiRoot, token, outPath] = Deno.args;
const bot = new Bot(token, { apiRoot });
const out = await Deno.open(outPath, { append: true, create: true });
const encoder = new TextEncoder();

bot.messageLoop(async (msg: LoopMessage) => {
  await new Promise((r) => setTimeout(r, 2));
  out.writeSync(encoder.encode(`${msg.message_id}:${msg.chat.id}\n`));
}, { timeout: 1, relax: 0, runForever: "listening", backoff: { initial: 0.05, max: 0.2 } });
