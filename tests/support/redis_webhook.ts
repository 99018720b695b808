// A webhook receiver process for the Redis scale-out tests: it serves webhookHandler on a loopback
// port, sets the bot's webhook to it, and appends what arrives to Redis (handling nothing), answering
// once appended. Appends `W <pid>` to `out` once its webhook is set. SIGTERM shuts it down.
import { Bot, webhookHandler } from "../../bot/mod.ts";
import { redisReceiverJournal } from "../../redis/mod.ts";
import type { ReceiverConfig } from "./redis_receiver.ts";

const config: ReceiverConfig = JSON.parse(Deno.args[0]);
const bot = new Bot(config.token, { apiRoot: config.apiRoot });
const secret = "redis-webhook-secret";
const server = Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen() {} },
  webhookHandler(bot, { secretToken: secret }),
);
const loop = bot.messageLoop(() => {}, {
  journal: redisReceiverJournal({ url: config.url, name: config.name, leaseSeconds: config.leaseSeconds }),
});
await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/`, { secret_token: secret });
await Deno.writeTextFile(config.out, `W ${Deno.pid}\n`, { append: true });
Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  await loop.stop();
  Deno.exit(0);
});
