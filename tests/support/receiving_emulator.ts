// The Bot API emulator in a process of its own, for the receiving tests: a bot process is killed and
// restarted against it while it keeps its state. Prints `{"apiRoot","token"}` on one line, then answers
// one JSON command per stdin line with one JSON line:
//   {"send":{"chats":N,"perChat":M}}  users 1..N each send "1".."M" to the bot, round-robin → {"sent":k}
//   {"flood":{"chat":i,"count":M}}      user i sends M more messages, numbered on from its last → {"sent":k}
//   {"say":{"chat":i,"text":t}}         user i sends text t → {"sent":1}
//   {"probe":{"from":i,"chats":N,"rounds":M,"gapMs":g}}  users i..i+N-1 send "<k>@<ms since epoch>",
//                                      round by round, g ms apart → {"sent":k}
//   {"pending":true}                   → {"pending":count,"firstId":id} (updates not yet confirmed)
import { BotApiEmulator, type ScriptedUser } from "../../testing/mod.ts";

const emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05, webhookTimeout: 30 });
const bot = emu.createBot({ username: "receiving_bot" });
const users: ScriptedUser[] = [];
const sentBy = new Map<ScriptedUser, number>();
const encoder = new TextEncoder();

function user(i: number): ScriptedUser {
  while (users.length <= i) users.push(emu.createUser({ first_name: `U${users.length}` }));
  return users[i];
}

async function say(u: ScriptedUser): Promise<void> {
  const n = (sentBy.get(u) ?? 0) + 1;
  sentBy.set(u, n);
  await u.sendText(u.id, String(n));
}

function answer(value: unknown): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
}

answer({ apiRoot: emu.apiRoot, token: bot.token });
let pending = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  pending += chunk;
  let nl: number;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const command = JSON.parse(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    if (command.send) {
      const { chats, perChat } = command.send;
      for (let n = 0; n < perChat; n++) for (let c = 0; c < chats; c++) await say(user(c));
      answer({ sent: chats * perChat });
    } else if (command.flood) {
      for (let n = 0; n < command.flood.count; n++) await say(user(command.flood.chat));
      answer({ sent: command.flood.count, chat: user(command.flood.chat).id });
    } else if (command.say) {
      await user(command.say.chat).sendText(user(command.say.chat).id, command.say.text);
      answer({ sent: 1, chat: user(command.say.chat).id });
    } else if (command.probe) {
      const { from, chats, rounds, gapMs } = command.probe;
      for (let r = 1; r <= rounds; r++) {
        for (let c = from; c < from + chats; c++) await user(c).sendText(user(c).id, `${r}@${Date.now()}`);
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      answer({ sent: chats * rounds });
    } else if (command.pending) {
      const { queue } = emu.bot(bot.token);
      answer({ pending: queue.pending, firstId: queue.firstId });
    }
  }
}
await emu.close();
