// A DelegatorBot process for the crash tests: one delegate per chat, each message handled slowly
// (50–200 ms, fixed per message), then appended to a file as "run chatId messageId". The delegate is a
// ChatHandler (createOpen) or, with "conversation", a createRun delegate reading its chat with
// listener.wait(). Polls the emulator given by argv; stops gracefully on SIGTERM (runForever).
import type { Message } from "../../api/types.gen.ts";
import { DelegatorBot, type SeedTuple } from "../../bot/delegator_bot.ts";
import { createOpen, createRun, paveEventSpace, perChatId } from "../../delegate/mod.ts";
import { ChatContext, ChatHandler } from "../../helper/mod.ts";

const [apiRoot, token, outPath, run, mode] = Deno.args;
const out = await Deno.open(outPath, { append: true, create: true });
const encoder = new TextEncoder();

async function handleSlowly(msg: Message): Promise<void> {
  await new Promise((r) => setTimeout(r, 50 + (msg.message_id * 37 + msg.chat.id) % 151));
  out.writeSync(encoder.encode(`${run} ${msg.chat.id} ${msg.message_id}\n`));
}

class SlowChat extends ChatHandler {
  onChatMessage(msg: Message): Promise<void> {
    return handleSlowly(msg);
  }
}

class Conversation extends ChatContext {
  readonly #first: Message;
  constructor(seedTuple: SeedTuple) {
    super(seedTuple[0], seedTuple[2]);
    this.#first = seedTuple[1] as Message;
    this.listener.capture([{ chat: { id: this.chatId } }]);
  }
  async run(): Promise<void> {
    for (let msg = this.#first;; msg = await this.listener.wait() as Message) await handleSlowly(msg);
  }
}

const bot = new DelegatorBot(token, [
  mode === "conversation"
    ? [perChatId(), createRun(Conversation)]
    : paveEventSpace()(perChatId(), createOpen, SlowChat, { timeout: 60 }),
], { apiRoot });
bot.messageLoop(undefined, {
  timeout: 1,
  relax: 0,
  stopTimeout: 10,
  runForever: "listening",
  backoff: { initial: 0.05, max: 0.2 },
});
