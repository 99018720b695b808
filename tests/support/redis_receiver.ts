// A polling receiver process for the Redis scale-out tests: it waits for the polling lead, then polls
// getUpdates and appends to Redis (handling nothing), until SIGTERM or the lead is lost. When it
// leads it appends `L <pid>` to `out`.
import { Bot } from "../../bot/mod.ts";
import { PollingLeadership, redisReceiverJournal } from "../../redis/mod.ts";

/** What a receiver process is told. */
export interface ReceiverConfig {
  readonly apiRoot: string;
  readonly token: string;
  readonly url: string;
  readonly name: string;
  readonly out: string;
  readonly leaseSeconds: number;
}

const config: ReceiverConfig = JSON.parse(Deno.args[0]);
const settings = { url: config.url, name: config.name, leaseSeconds: config.leaseSeconds };
const leadership = new PollingLeadership(settings);
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
const lost = await leadership.acquire(stop.signal).catch(async () => {
  // Stopped while waiting to lead: nothing was received here.
  await leadership.release();
  Deno.exit(0);
});
await Deno.writeTextFile(config.out, `L ${Deno.pid}\n`, { append: true });
const bot = new Bot(config.token, { apiRoot: config.apiRoot });
const loop = bot.messageLoop(() => {}, {
  journal: redisReceiverJournal(settings),
  signal: AbortSignal.any([lost, stop.signal]),
  timeout: 1,
  relax: 0,
  backoff: { initial: 0.05, max: 0.2 },
});
await loop.done;
await leadership.release();
Deno.exit(0);
