// A DelegatorBot process for the crash test: one ChatHandler per chat (createOpen, perChatId), each
// message handled slowly (50–200 ms, fixed per message), then appended to a file as
// "run chatId messageId". Polls the emulator given by argv; stops gracefully on SIGTERM (runForever).
import type { Message } from "../../api/types.gen.ts";
import { DelegatorBot } from "../../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perChatId } from "../../delegate/mod.ts";
import { ChatHandler } from "../../helper/mod.ts";

const [apiRoot, token, outPath, run] = Deno.args;
const out = await Deno.open(outPath, { append: true, create: true });
const encoder = new TextEncoder();

class SlowChat extends ChatHandler {
  async onChatMessage(msg: Message): Promise<void> {
    await new Promise((r) => setTimeout(r, 50 + (msg.message_id * 37 + msg.chat.id) % 151));
    out.writeSync(encoder.encode(`${run} ${msg.chat.id} ${msg.message_id}\n`));
  }
}

const bot = new DelegatorBot(token, [paveEventSpace()(perChatId(), createOpen, SlowChat, { timeout: 60 })], {
  apiRoot,
});
bot.messageLoop(undefined, {
  timeout: 1,
  relax: 0,
  stopTimeout: 10,
  runForever: "listening",
  backoff: { initial: 0.05, max: 0.2 },
});
