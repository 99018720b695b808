// A worker process for the Redis scale-out tests and bench: `messageLoop` on a Redis worker journal,
// a plain handler or a DelegatorBot with a ChatHandler per chat. A handler starting on a message
// appends `S <chat> <n> <update_id> <pid>` to `out`. Each handled message takes `slowMs`
// (a timer) plus `cpuMs` of CPU work, then is appended to `out` as `D <chat> <n> <update_id> <pid> <ms since epoch>`.
// Whenever the partitions it holds change, it appends `J <pid> <count>`. SIGTERM stops it gracefully.
// "poison" ends the process (exit code 70); "throw" throws.
import process from "node:process";
import { DelegatorBot } from "../../bot/delegator_bot.ts";
import { Bot, type LoopMessage, originOf } from "../../bot/mod.ts";
import { paveEventSpace } from "../../delegate/compose.ts";
import { createOpen } from "../../delegate/delegators.ts";
import { perChatId } from "../../delegate/seeders.ts";
import { ChatHandler } from "../../helper/handlers.ts";
import { redisJournal } from "../../redis/mod.ts";
import type { ReceiverConfig } from "./redis_receiver.ts";

/** What a worker process is told. */
export interface WorkerConfig extends ReceiverConfig {
  readonly kind: "plain" | "delegator";
  readonly slowMs: number;
  readonly cpuMs: number;
}

const config: WorkerConfig = JSON.parse(Deno.args[0]);
const out = await Deno.open(config.out, { append: true, create: true });
const encoder = new TextEncoder();

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

// CPU work measured in CPU time, not wall time, so that a busy machine does not shorten it.
function burn(ms: number): void {
  const used = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const until = used() + ms;
  let x = 0;
  while (used() < until) for (let i = 0; i < 1000; i++) x += Math.sqrt(x + i);
}

async function work(msg: LoopMessage): Promise<void> {
  if (msg.text === "poison") Deno.exit(70);
  if (msg.text === "throw") throw new Error("this update always fails");
  write(`S ${msg.chat.id} ${Number(msg.text)} ${originOf(msg)?.updateId ?? -1} ${Deno.pid}`);
  if (config.slowMs > 0) await new Promise((r) => setTimeout(r, config.slowMs));
  if (config.cpuMs > 0) burn(config.cpuMs);
  write(`D ${msg.chat.id} ${Number(msg.text)} ${originOf(msg)?.updateId ?? -1} ${Deno.pid} ${Date.now()}`);
}

class PerChat extends ChatHandler {
  async onChatMessage(msg: LoopMessage): Promise<void> {
    await work(msg);
  }
}

const options = { apiRoot: config.apiRoot };
const bot = config.kind === "plain"
  ? new Bot(config.token, options)
  : new DelegatorBot(
    config.token,
    [paveEventSpace()(perChatId(), createOpen, PerChat, { timeout: 60 })],
    options,
  );
const journal = redisJournal({
  url: config.url,
  name: config.name,
  leaseSeconds: config.leaseSeconds,
  drainSeconds: 10,
});
let held = -1;
setInterval(() => {
  const now = journal.partitions.length;
  if (now !== held) write(`J ${Deno.pid} ${held = now}`);
}, 50);
bot.messageLoop(config.kind === "plain" ? work : undefined, { journal, runForever: true, onError: () => {} });
