// A bot process for the receiving tests, one per run of the matrix: `kind` picks the handler (a plain
// loop, or a DelegatorBot with a ChatHandler, a createOpen class, or a listener.wait() conversation),
// `transport` polling or a webhook served here, `journal` a SQLite file or "" for memory. Each handled
// message is appended to `out` as `S <chat> <n> <pid>` when its handling starts, takes `slow` ms
// (50–200 in the matrix), and is then appended as `D <chat> <n> <update_id> <pid> <latency>` (latency:
// ms from the time stamped in a "<n>@<ms>" text to the handler's start, else 0). "hang" never settles;
// "poison" ends the process (exit code 70); what onError receives is appended as
// `E <update_id> <error class>`.
// Polling: SIGTERM stops through runForever. Webhook: SIGTERM shuts the server (answering what is in
// flight), then stops the loop, as a webhook bot has to.
import { DelegatorBot, type SeedTuple } from "../../bot/delegator_bot.ts";
import { Bot, type LoopMessage, originOf, webhookHandler } from "../../bot/mod.ts";
import { paveEventSpace } from "../../delegate/compose.ts";
import { createOpen } from "../../delegate/delegators.ts";
import { perChatId } from "../../delegate/seeders.ts";
import { ListenerContext } from "../../helper/contexts.ts";
import { ChatHandler } from "../../helper/handlers.ts";
import type { BotConfig } from "./receiving_harness.ts";

const config: BotConfig = JSON.parse(Deno.args[0]);
const out = await Deno.open(config.out, { append: true, create: true });
const encoder = new TextEncoder();
const [low, high] = config.slow;

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

async function work(msg: LoopMessage): Promise<void> {
  const started = Date.now();
  if (msg.text === "hang") return await new Promise(() => {});
  if (msg.text === "poison") Deno.exit(70);
  const [n, stamp] = String(msg.text).split("@").map(Number);
  write(`S ${msg.chat.id} ${n} ${Deno.pid}`);
  await new Promise((r) => setTimeout(r, low + ((msg.chat.id * 7919 + n * 104729) % (high - low + 1))));
  const id = originOf(msg)?.updateId ?? -1;
  write(`D ${msg.chat.id} ${n} ${id} ${Deno.pid} ${stamp ? started - stamp : 0}`);
}

class Worker extends ChatHandler {
  async onChatMessage(msg: LoopMessage): Promise<void> {
    await work(msg);
  }
}

class Opener extends ListenerContext {
  constructor(seedTuple: SeedTuple) {
    super(seedTuple[0], seedTuple[2]);
    const chat = seedTuple[2];
    this.listener.capture([(msg: LoopMessage) => msg.chat?.id === chat]);
  }
  override open(initialMsg: LoopMessage): unknown {
    return work(initialMsg).then(() => true);
  }
  async onMessage(msg: LoopMessage): Promise<void> {
    await work(msg);
  }
}

class Conversation extends Opener {
  override open(): unknown {
    return false;
  }
  // One long conversation: every later message of the chat is read with listener.wait().
  override async onMessage(first: LoopMessage): Promise<void> {
    await work(first);
    for (;;) await work(await this.listener.wait({ timeout: 60 }));
  }
}

function makeBot(): Bot {
  const options = { apiRoot: config.apiRoot };
  switch (config.kind) {
    case "plain":
      return new Bot(config.token, options);
    case "chathandler":
      return new DelegatorBot(config.token, [
        paveEventSpace()(perChatId(), createOpen, Worker, { timeout: 60 }),
      ], options);
    case "open":
      return new DelegatorBot(config.token, [[perChatId(), createOpen(Opener)]], options);
    case "wait":
      return new DelegatorBot(config.token, [[perChatId(), createOpen(Conversation)]], options);
  }
}

const bot = makeBot();
const handler = config.kind === "plain" ? work : undefined;
const journal = config.journal === "" ? undefined : config.journal;
const loopOptions = {
  timeout: 1,
  relax: 0,
  backoff: { initial: 0.05, max: 0.2 },
  journal,
  onError: (error: unknown, update?: { update_id: number }) =>
    write(`E ${update?.update_id ?? -1} ${(error as Error)?.constructor?.name}`),
};

if (config.transport === "polling") {
  bot.messageLoop(handler, { ...loopOptions, runForever: true });
} else {
  const secret = "receiving-secret";
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    webhookHandler(bot, { secretToken: secret }),
  );
  const loop = bot.messageLoop(handler, loopOptions);
  await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/`, { secret_token: secret });
  Deno.addSignalListener("SIGTERM", async () => {
    await server.shutdown();
    await loop.stop();
    Deno.exit(0);
  });
}
console.log("ready");
