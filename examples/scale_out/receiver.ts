/**
 * The receiver of the scale-out demo: it waits for the polling lead, then polls `getUpdates` and
 * appends each batch to Redis, confirming the offset once appended; it handles nothing. Several can
 * run: one polls, the others wait to take over. Settings: `TOKEN`, `API_ROOT`, `REDIS_URL`.
 *
 * @module
 */
import { Bot } from "../../mod.ts";
import { PollingLeadership, redisReceiverJournal } from "../../redis/mod.ts";

const options = { url: Deno.env.get("REDIS_URL")!, leaseSeconds: 3 };
const leadership = new PollingLeadership(options);
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
Deno.addSignalListener("SIGINT", () => stop.abort());
const lost = await leadership.acquire(stop.signal).catch(async () => {
  // Stopped while waiting to lead: nothing was received here.
  await leadership.release();
  Deno.exit(0);
});
const bot = new Bot(Deno.env.get("TOKEN")!, { apiRoot: Deno.env.get("API_ROOT") });
await bot.messageLoop(() => {}, {
  journal: redisReceiverJournal(options),
  signal: AbortSignal.any([lost, stop.signal]),
}).done;
await leadership.release();
