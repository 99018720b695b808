// The Bot API emulator in its own process, for the DelegatorBot crash test: one bot, `chats` users who
// each send `perChat` messages to it (round-robin, so chats interleave), all queued before any bot runs.
// Prints one JSON line { apiRoot, token, expected } (expected: "chatId:messageId" keys in sending order),
// then answers stdin commands line by line: "pending" prints the keys of updates not yet confirmed;
// "close" closes the emulator and exits.
import { BotApiEmulator } from "../../testing/mod.ts";

const [chats, perChat] = Deno.args.map(Number);
const emu = await BotApiEmulator.start();
const bot = emu.createBot({ username: "crash_delegator_bot" });
const users = Array.from({ length: chats }, (_, i) => emu.createUser({ first_name: `U${i}` }));
const expected: string[] = [];
for (let seq = 0; seq < perChat; seq++) {
  for (const u of users) {
    const m = await u.sendText(u.id, `m${seq}`);
    expected.push(`${u.id}:${m.message_id}`);
  }
}
console.log(JSON.stringify({ apiRoot: emu.apiRoot, token: bot.token, expected }));

const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";
for (;;) {
  const { value, done } = await lines.read();
  if (done) break;
  buffered += value;
  let nl: number;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const command = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (command === "pending") {
      const keys = emu.pendingUpdates(bot).map((u) => {
        const m = u.message as { message_id: number; chat: { id: number } };
        return `${m.chat.id}:${m.message_id}`;
      });
      console.log(JSON.stringify(keys));
    } else if (command === "close") {
      await emu.close();
      Deno.exit(0);
    }
  }
}
await emu.close();
