import assert from "node:assert/strict";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

Deno.test("delegator: the offset passes an update only once it sits in its delegate's mailbox", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "mailbox_bot" });
  // One delegate per chat that never reads its mailbox (room for one message): the chat's third
  // message can reach no mailbox, so it and what follows stay unconfirmed. Another chat flows freely.
  const started: number[] = [];
  const bot = new DelegatorBot(handle.token, [[
    (msg) => msg.chat?.id,
    ([, msg]) => {
      started.push(msg.chat.id);
      return msg.text === "block" ? () => new Promise(() => {}) : () => Promise.resolve();
    },
  ]], { apiRoot: emu.apiRoot, mailboxCapacity: 1 });
  const stuck = emu.createUser({ first_name: "Stuck" });
  const free = emu.createUser({ first_name: "Free" });
  const loop = bot.messageLoop(undefined, { timeout: 1, relax: 0, stopTimeout: 0.2 });
  for (const text of ["block", "in mailbox", "no room", "behind"]) await stuck.sendText(stuck.id, text);
  for (let i = 0; i < 3; i++) await free.sendText(free.id, `f${i}`);
  const deadline = Date.now() + 5000;
  while (started.filter((id) => id === free.id).length < 3 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await loop.stop();
  assert.equal(started.filter((id) => id === free.id).length, 3, "the other chat was not held up");
  const pending = emu.pendingUpdates(handle).map((u) => (u.message as { text: string }).text);
  assert.equal(pending[0], "no room", "confirmed up to the last message a mailbox accepted");
  assert.ok(pending.includes("behind"));
  await emu.close();
});

Deno.test("delegator: what a failing seeder, delegator or delegate logs never shows the token", async () => {
  const token = "4242:SECRET-delegator_token";
  const leak = (where: string) => new Error(`${where} at /bot${token}/ (${encodeURIComponent(token)})`);
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    const bot = new DelegatorBot(token, [
      [() => {
        throw leak("seeder");
      }, () => () => {}],
      [() => 1, () => {
        throw leak("delegator");
      }],
      [() => 2, () => () => Promise.reject(leak("delegate"))],
    ], { apiRoot: "http://127.0.0.1:9" });
    await bot.handle({ message_id: 1, chat: { id: 5, type: "private" }, date: 0, text: "hi" });
    await until(() => logged.length === 3);
  } finally {
    console.error = original;
  }
  const text = logged.map((args) => Deno.inspect(args, { depth: 10 })).join("\n");
  for (const where of ["seeder", "delegator", "delegate"]) {
    assert.ok(text.includes(`${where} at /bot<token>/`));
  }
  assert.ok(!text.includes(token) && !text.includes(encodeURIComponent(token)), text);
});
