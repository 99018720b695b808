/**
 * A worker of the scale-out demo: an echo bot that handles its share of the updates from Redis. Each
 * reply names the worker's process, so the demo can show who handled what. Settings come from the
 * environment: `TOKEN`, `API_ROOT`, `REDIS_URL`.
 *
 * @module
 */
import type { LoopMessage } from "../../bot/handler.ts";
import { Bot } from "../../mod.ts";
import { redisJournal } from "../../redis/mod.ts";

const bot = new Bot(Deno.env.get("TOKEN")!, { apiRoot: Deno.env.get("API_ROOT") });
bot.messageLoop((msg: LoopMessage) => bot.sendMessage(msg.chat.id, `${msg.text} ← worker ${Deno.pid}`), {
  journal: redisJournal({ url: Deno.env.get("REDIS_URL")!, leaseSeconds: 3 }),
  runForever: true,
});
