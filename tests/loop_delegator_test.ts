import assert from "node:assert/strict";
import { DelegatorBot, type Msg, type SeedTuple } from "../bot/delegator_bot.ts";
import { UpdateQueue } from "../bot/update_queue.ts";
import { createOpen, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { ChatHandler, ListenerContext } from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { runAlone } from "./support/run_alone.ts";
import { until } from "./support/until.ts";

Deno.test("delegator: the offset passes an update only once its delegate has handled it", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "acking_bot" });
  // One delegate per chat. In one chat the first message is never handled: it, and the chat's later
  // messages behind it, stay unconfirmed. Another chat flows freely.
  const handled: string[] = [];
  class Chat extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      this.listener.capture([{ chat: { id: this.id } }]);
    }
    onMessage(msg: Msg): Promise<void> {
      if (msg.text === "block") return new Promise(() => {});
      handled.push(msg.text);
      return Promise.resolve();
    }
  }
  const bot = new DelegatorBot(handle.token, [[(msg) => msg.chat?.id, createOpen(Chat)]], {
    apiRoot: emu.apiRoot,
  });
  const stuck = emu.createUser({ first_name: "Stuck" });
  const free = emu.createUser({ first_name: "Free" });
  const loop = bot.messageLoop(undefined, { timeout: 1, relax: 0, stopTimeout: 0.2 });
  for (const text of ["block", "queued", "behind"]) await stuck.sendText(stuck.id, text);
  for (let i = 0; i < 3; i++) await free.sendText(free.id, `f${i}`);
  await until(() => handled.length === 3);
  await loop.stop();
  assert.deepEqual(handled, ["f0", "f1", "f2"], "the other chat was not held up");
  const pending = emu.pendingUpdates(handle).map((u) => (u.message as { text: string }).text);
  assert.deepEqual(
    pending.slice(0, 3),
    ["block", "queued", "behind"],
    "nothing confirmed past the unhandled one",
  );
  await emu.close();
});

Deno.test("delegator: what a failing seeder, delegator or delegate logs never shows the token", async () => {
  const token = "4242:SECRET-x9Qv_tok3n"; // random as a real secret, not made of words the logs hold
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

Deno.test("delegator: a graceful stop lets a delegate finish its message and confirms it; a stuck one holds the stop only for stopTimeout", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "stopping_bot" });
  const started: string[] = [];
  const finished: string[] = [];
  class Chat extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      this.listener.capture([{ chat: { id: this.id } }]);
    }
    async onMessage(msg: Msg): Promise<void> {
      started.push(msg.text);
      if (msg.text === "block") return await new Promise(() => {});
      await new Promise((r) => setTimeout(r, 300));
      finished.push(msg.text);
    }
  }
  const bot = new DelegatorBot(handle.token, [[(msg) => msg.chat?.id, createOpen(Chat)]], {
    apiRoot: emu.apiRoot,
  });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  const loop = bot.messageLoop(undefined, { timeout: 1, relax: 0, stopTimeout: 1 });
  await alice.sendText(alice.id, "slow");
  await bob.sendText(bob.id, "block");
  await until(() => started.length === 2);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    loop.stop(),
    new Promise((_, reject) =>
      timer = setTimeout(() => reject(new Error("stop waited past stopTimeout")), 5000)
    ),
  ]).finally(() => clearTimeout(timer));
  assert.deepEqual(finished, ["slow"], "stop waited for the delegate's message");
  const pending = emu.pendingUpdates(handle).map((u) => (u.message as { text: string }).text);
  assert.deepEqual(pending, ["block"], "what finished is confirmed, the stuck one is not");
});

Deno.test("delegator: a stopped loop's process ends by itself, its delegates still open (their idle timeouts wait in the background)", async () => {
  const mod = new URL("../mod.ts", import.meta.url).href;
  const testing = new URL("../testing/mod.ts", import.meta.url).href;
  const program = `
    import { ChatHandler, createOpen, DelegatorBot, paveEventSpace, perChatId } from ${JSON.stringify(mod)};
    import { BotApiEmulator } from ${JSON.stringify(testing)};
    const emu = await BotApiEmulator.start();
    const { token } = emu.createBot({ username: "idle_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    class Echo extends ChatHandler {
      async onChatMessage(msg) { await this.sender.sendMessage(msg.text); }
    }
    const bot = new DelegatorBot(token, [paveEventSpace()(perChatId(), createOpen, Echo, { timeout: 3600 })], {
      apiRoot: emu.apiRoot,
    });
    const loop = bot.messageLoop(undefined, { timeout: 1 });
    await alice.sendText(alice.id, "hi");
    await emu.nextBotMessage(alice.id, { timeout: 30 });
    await loop.stop();
    await emu.close();
    console.log("open delegates:", bot.delegateCount);
  `;
  const { code, stdout, stderr } = await runAlone(program, 30);
  assert.equal(code, 0, `the process ended by itself: ${stderr}`);
  assert.match(stdout, /open delegates: 1/);
});

Deno.test("delegator: while its loop runs, the bot's events keep the process alive (a queue-fed loop's idle timeout fires)", async () => {
  const closed = Promise.withResolvers<unknown>();
  class Quiet extends ChatHandler {
    onChatMessage(): void {}
    override onClose(error: unknown): void {
      closed.resolve(error);
    }
  }
  const bot = new DelegatorBot("1:queued", [
    paveEventSpace()(perChatId(), createOpen, Quiet, { timeout: 0.2 }),
  ], { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const loop = bot.messageLoop(undefined, { source: queue });
  queue.put({
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "x" },
  });
  // Nothing but the idle timer is pending here: unheld, the test would end with the promise unresolved.
  assert.ok(await closed.promise instanceof IdleTerminate);
  await loop.stop();
});
