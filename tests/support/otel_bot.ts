// A bot run by tests/otel_test.ts under OTEL_DENO=true: answers one message, then stops and exits.
import { Bot } from "../../mod.ts";

const [apiRoot, token] = Deno.args;
const bot = new Bot(token, { apiRoot, debug: true });
let answered: () => void;
const answeredOnce = new Promise<void>((resolve) => answered = resolve);
const loop = bot.messageLoop({
  chat: async (msg) => {
    await bot.sendMessage(msg.chat.id, `echo ${msg.text}`);
    answered();
  },
});
await answeredOnce;
await loop.stop();
console.log("done");
