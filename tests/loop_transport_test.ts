// A message loop holds a lease on its client's pooled connections while it runs: its getMe, getUpdates
// and a handler's calls leave through them, not through fetch, and when the loop ends the connections
// close (this test runs with Deno's resource and op sanitizers, which a connection left open fails).
import assert from "node:assert/strict";
import { Bot } from "../bot/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

Deno.test("a message loop sends its calls over pooled connections and closes them when it ends", async () => {
  const emu = await BotApiEmulator.start();
  const original = globalThis.fetch;
  let throughFetch = 0;
  // Counts and passes on: the requests still go out through the real fetch.
  globalThis.fetch = (input, init) => {
    throughFetch++;
    return original(input, init);
  };
  try {
    const bot = new Bot(emu.createBot({ username: "pooled_bot" }).token, { apiRoot: emu.apiRoot });
    const alice = emu.createUser({ first_name: "Alice" });
    const replies: string[] = [];
    const loop = bot.messageLoop({
      chat: async (msg) => {
        const reply = await bot.sendMessage(msg.chat.id, `echo ${msg.text}`);
        replies.push(String(reply.text));
      },
    }, { timeout: 1, relax: 0 });
    await alice.sendText(alice.id, "hi");
    await until(() => replies.length === 1);
    await loop.stop();
    await loop.done;
    assert.deepEqual(replies, ["echo hi"]);
    assert.equal(throughFetch, 0, "getMe, getUpdates and sendMessage went over the pool");
    await bot.getMe();
    assert.equal(throughFetch, 1, "once the loop has ended, calls are back on fetch");
  } finally {
    globalThis.fetch = original;
    await emu.close();
  }
});
