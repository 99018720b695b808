import assert from "node:assert/strict";
import { Bot, DelegatorBot } from "../aio.ts";
import type { Message } from "../api/mod.ts";
import type { LoopMessage } from "../bot/handler.ts";
import { createOpen, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { UnauthorizedError } from "../exception/mod.ts";
import { ChatHandler } from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

Deno.test("aio: messageLoop is a promise that settles when the loop stops", async () => {
  const emu = await BotApiEmulator.start();
  try {
    const { token } = emu.createBot({ username: "aio_echo_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    const bot = new Bot(token, { apiRoot: emu.apiRoot });
    const loop = bot.messageLoop(async (msg: LoopMessage) => {
      const m = msg as Message;
      await bot.sendMessage(m.chat.id, `echo: ${m.text}`);
    }, { timeout: 1 });
    assert.ok(loop instanceof Promise);
    await alice.sendText(alice.id, "hello");
    const reply = await emu.nextBotMessage(alice.id, { timeout: 5 });
    assert.equal(reply.text, "echo: hello");
    let settled = false;
    loop.then(() => settled = true);
    await loop.stop();
    await loop;
    assert.ok(settled);
    assert.equal(loop.handled, 1);
  } finally {
    await emu.close();
  }
});

Deno.test("aio: awaiting the loop rejects with the error that ended it", async () => {
  const emu = await BotApiEmulator.start();
  try {
    const bot = new Bot("999:not-a-known-token", { apiRoot: emu.apiRoot });
    await assert.rejects(bot.messageLoop(() => {}, { timeout: 1 }), UnauthorizedError);
  } finally {
    await emu.close();
  }
});

Deno.test("aio: a DelegatorBot's delegates are tasks fed by an awaitable loop", async () => {
  const emu = await BotApiEmulator.start();
  try {
    const { token } = emu.createBot({ username: "aio_counter_bot" });
    const bob = emu.createUser({ first_name: "Bob" });
    class Counter extends ChatHandler {
      count = 0;
      async onChatMessage(msg: Message) {
        this.count += 1;
        await this.sender.sendMessage(`${this.count}: ${msg.text}`);
      }
    }
    const bot = new DelegatorBot(
      token,
      [paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 })],
      {
        apiRoot: emu.apiRoot,
      },
    );
    const loop = bot.messageLoop(undefined, { timeout: 1 });
    await bob.sendText(bob.id, "a");
    assert.equal((await emu.nextBotMessage(bob.id, { timeout: 5 })).text, "1: a");
    await bob.sendText(bob.id, "b");
    assert.equal((await emu.nextBotMessage(bob.id, { timeout: 5 })).text, "2: b");
    await loop.stop();
    await loop;
  } finally {
    await emu.close();
  }
});

Deno.test("aio mirrors telepot.aio's modules over the same core as mod.ts", async () => {
  const aio = await import("../aio.ts");
  const core = await import("../mod.ts");
  assert.ok(new aio.Bot("1:a") instanceof core.Bot);
  assert.ok(aio.DelegatorBot.prototype instanceof core.DelegatorBot);
  for (const ns of ["api", "delegate", "helper", "routing", "namedtuple", "exception"] as const) {
    assert.equal(typeof aio[ns], "object", ns);
  }
  assert.equal(aio.delegate.perChatId, core.perChatId);
  assert.equal(aio.helper.ChatHandler, core.ChatHandler);
  assert.equal(aio.glance, core.glance);
});

Deno.test("aio: a loop ended by a refused token, observed through done, is no unhandled rejection", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = new Bot("999:NOT-A-REGISTERED-TOKEN", {
    apiRoot: emu.apiRoot,
    logger: { debug() {}, error() {} },
  });
  const loop = bot.messageLoop(() => {});
  const error = await loop.done.then(() => undefined, (e) => e);
  assert.ok(error instanceof UnauthorizedError);
  await loop.stop();
  // An unhandled rejection of the awaitable itself would fail this test once the event loop turns.
  await new Promise((r) => setTimeout(r, 50));
});
