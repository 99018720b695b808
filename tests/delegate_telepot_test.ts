// telepot's delegation scenarios (issue 10, points 2, 3, 7 and 11), played over the emulator: listeners
// hear every message, a stray listener holds nothing up, nothing more is done for a live delegate, and
// seeds are hashed like Python's.
import assert from "node:assert/strict";
import type { Message } from "../api/types.gen.ts";
import { DelegatorBot, type Msg, type SeedTuple } from "../bot/delegator_bot.ts";
import { call, createOpen, createRun, paveEventSpace, perChatId, perMessage } from "../delegate/mod.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import {
  ChatContext,
  ChatHandler,
  type ChatHandlerOptions,
  createListener,
  schedulerOf,
} from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const sleep = (seconds: number): Promise<void> => new Promise((r) => setTimeout(r, seconds * 1000));

/** Runs `body` with an emulator and a delegator bot over `patterns` polling it, then cleans up. */
async function withBot(
  patterns: ConstructorParameters<typeof DelegatorBot>[1],
  body: (
    ctx: { emu: BotApiEmulator; bot: DelegatorBot; token: string },
  ) => Promise<void>,
): Promise<void> {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "telepot_bot" });
  const bot = new DelegatorBot(handle.token, patterns, {
    apiRoot: emu.apiRoot,
  });
  const loop = bot.messageLoop(undefined, { timeout: 1, relax: 0 });
  try {
    await body({ emu, bot, token: handle.token });
  } finally {
    await loop.stop();
    await loop.done;
    schedulerOf(bot).clear();
    await emu.close();
  }
}

const texts = (messages: Message[]): string[] => messages.map((m) => m.text ?? "");

Deno.test("telepot 2: a ChatHandler capturing the owner's chat also gets the owner's messages", async () => {
  let owner = 0;
  // Every customer's delegate relays what the owner says to its customer (as in telepot, where every
  // listener hears every message and its capture patterns pick).
  class Relay extends ChatHandler {
    constructor(seedTuple: SeedTuple, options: ChatHandlerOptions) {
      super(seedTuple, options);
      if (this.chatId !== owner) {
        this.listener.capture([{ chat: { id: owner } }]);
      }
    }
    async onChatMessage(msg: Message): Promise<void> {
      if (this.chatId === owner) return;
      const text = msg.chat.id === owner
        ? `owner says: ${msg.text}`
        : `you said: ${msg.text}`;
      await this.sender.sendMessage(text);
    }
  }
  await withBot([
    paveEventSpace()(perChatId(), createOpen, Relay, { timeout: 10 }),
  ], async ({ emu }) => {
    const boss = emu.createUser({ first_name: "Owner" });
    owner = boss.id;
    const alice = emu.createUser({ first_name: "Alice" });
    const bob = emu.createUser({ first_name: "Bob" });
    await alice.sendText(alice.id, "hi");
    await bob.sendText(bob.id, "hello");
    assert.equal(
      (await emu.nextBotMessage(alice.id, { timeout: 10 })).text,
      "you said: hi",
    );
    assert.equal(
      (await emu.nextBotMessage(bob.id, { timeout: 10 })).text,
      "you said: hello",
    );
    await boss.sendText(boss.id, "we close at six");
    assert.equal(
      (await emu.nextBotMessage(alice.id, { timeout: 10 })).text,
      "owner says: we close at six",
    );
    assert.equal(
      (await emu.nextBotMessage(bob.id, { timeout: 10 })).text,
      "owner says: we close at six",
    );
  });
});

Deno.test("telepot 2: a createRun delegate gets the answer it captured though its seeder ignores it", async () => {
  class Quiz extends ChatContext {
    async run(): Promise<void> {
      this.listener.capture([{ chat: { id: this.chatId }, text: "answer" }]);
      await this.sender.sendMessage("what is the answer?");
      const reply = await this.listener.wait({ timeout: 10 }) as Message;
      await this.sender.sendMessage(`got "${reply.text}"`);
    }
  }
  // The seeder only starts a quiz; for "answer" it returns null.
  const seeder = (msg: Msg) => msg.text === "quiz" ? msg.chat.id : null;
  await withBot([[
    seeder,
    createRun(
      class extends Quiz {
        constructor(st: SeedTuple) {
          super(st[0], st[2]);
        }
      },
    ),
  ]], async ({ emu }) => {
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "quiz");
    assert.equal(
      (await emu.nextBotMessage(alice.id, { timeout: 10 })).text,
      "what is the answer?",
    );
    await alice.sendText(alice.id, "something else");
    await alice.sendText(alice.id, "answer");
    assert.equal(
      (await emu.nextBotMessage(alice.id, { timeout: 10 })).text,
      "got \"answer\"",
    );
  });
});

Deno.test("telepot 2: a perMessage delegate with a timeout receives its own _idle event and closes", async () => {
  const opened: string[] = [];
  const closed: string[] = [];
  const reasons: unknown[] = [];
  class OneOff extends ChatHandler {
    readonly started: string;
    constructor(seedTuple: SeedTuple, options: ChatHandlerOptions) {
      super(seedTuple, options);
      this.started = seedTuple[1].text ?? "an event";
      opened.push(this.started);
    }
    async onChatMessage(msg: Message): Promise<void> {
      // Its seed is a fresh object, not a chat id: it answers in the message's chat.
      await this.bot.sendMessage(msg.chat.id, `job for ${msg.text}`);
    }
    override onClose(ex: unknown): void {
      closed.push(this.started);
      reasons.push(ex);
    }
  }
  await withBot(
    [paveEventSpace()(perMessage(), createOpen, OneOff, { timeout: 0.3 })],
    async ({ emu }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      for (const text of ["a", "b", "c"]) await alice.sendText(alice.id, text);
      await until(() => ["a", "b", "c"].every((t) => closed.includes(t)));
      assert.ok(
        reasons.every((ex) => ex instanceof IdleTerminate),
        "each closed on its own timeout",
      );
      assert.deepEqual(
        texts(emu.transcript(alice.id).filter((m) => m.from?.is_bot)),
        [
          "job for a",
          "job for b",
          "job for c",
        ],
      );
      // As in telepot, an idle event is seeded too (perMessage() takes every flavor, and its source id
      // is an object): it starts a delegate, which also times out and closes. They never pile up.
      await sleep(1);
      assert.ok(
        opened.length - closed.length <= 6,
        `${opened.length} opened, ${closed.length} closed`,
      );
    },
  );
});

Deno.test("telepot 3: a listener nobody reads never holds the bot up; removed or dropped, it is gone", async () => {
  let answered = 0;
  class Echo extends ChatHandler {
    async onChatMessage(msg: Message): Promise<void> {
      await this.sender.sendMessage(`echo ${msg.text}`);
      answered++;
    }
  }
  await withBot(
    [paveEventSpace()(perChatId(), createOpen, Echo, { timeout: 10 })],
    async ({ emu, bot, token }) => {
      const stray = createListener(bot);
      stray.capture([{ text: (t: unknown) => typeof t === "string" }]);
      const users = Array.from(
        { length: 20 },
        (_, i) => emu.createUser({ first_name: `U${i}` }),
      );
      for (let i = 0; i < 10; i++) {
        for (const u of users) await u.sendText(u.id, `m${i}`);
      }
      await until(() => answered === 200, 30);
      await until(() => emu.pendingUpdates(token).length === 0, 10);
      assert.equal(
        stray.mailbox.size,
        200,
        "it kept a copy of each (unbounded), and held nothing up",
      );
      bot.removeMailbox(stray.mailbox);
      assert.equal(stray.mailbox.size, 0);
      await users[0].sendText(users[0].id, "after");
      await until(() => answered === 201);
      assert.equal(stray.mailbox.size, 0, "removed: it hears nothing more");
    },
  );
});

Deno.test("telepot 3: a listener that is no longer referenced is dropped with what it held", async () => {
  const bot = new URL("../bot/delegator_bot.ts", import.meta.url).href;
  const helper = new URL("../helper/mod.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--v8-flags=--expose-gc",
      `import { DelegatorBot } from "${bot}";
       import { createListener } from "${helper}";
       const bot = new DelegatorBot("1:x", [], { apiRoot: "http://127.0.0.1:9" });
       let collected = false;
       const registry = new FinalizationRegistry(() => (collected = true));
       (() => {
         const forgotten = createListener(bot);
         forgotten.capture([{ n: (n) => n >= 0 }]);
         registry.register(forgotten.mailbox, "mailbox");
       })();
       for (let n = 0; n < 1000; n++) await bot.handle({ n, pad: "x".repeat(1000) });
       for (let i = 0; i < 50 && !collected; i++) {
         globalThis.gc();
         await new Promise((r) => setTimeout(r, 20));
       }
       await bot.handle({ n: -1 });
       console.log(collected ? "collected" : "kept");`,
    ],
    stdout: "piped",
  }).output();
  const out = new TextDecoder().decode((await child).stdout).trim();
  assert.equal(
    out,
    "collected",
    "the bot does not keep an unreferenced listener (and its 1,000 messages) alive",
  );
});

Deno.test("telepot 7: nothing more is done while a delegate lives — one job at a time", async () => {
  let jobs = 0;
  // telepot's "one job at a time" (here for the whole bot, so that the messages come from several
  // chats at once): the job reads no further messages; while it runs they start nothing, and when it
  // ends they are not handed to a successor.
  const job = async ([bot, msg]: SeedTuple): Promise<void> => {
    jobs++;
    await bot.sendMessage(msg.chat.id, `job ${jobs} started by ${msg.text}`);
    // Long enough that the other messages reach the bot while it runs, on a loaded machine too.
    await sleep(2);
    await bot.sendMessage(msg.chat.id, `job ${jobs} done`);
  };
  await withBot([[() => "the job", call(job)]], async ({ emu, token }) => {
    const users = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
    for (const u of users) await u.sendText(u.id, `from ${u.user.first_name}`);
    assert.equal(
      (await emu.nextBotMessage(users[0].id, { timeout: 10 })).text,
      "job 1 started by from Alice",
    );
    assert.equal(
      (await emu.nextBotMessage(users[0].id, { timeout: 10 })).text,
      "job 1 done",
    );
    await until(() => emu.pendingUpdates(token).length === 0);
    await sleep(0.3);
    assert.equal(
      jobs,
      1,
      "the two messages that came during the job ran none, then or later",
    );
    assert.equal(
      emu.transcript(users[1].id).filter((m) => m.from?.is_bot).length,
      0,
    );
    await users[2].sendText(users[2].id, "again");
    assert.equal(
      (await emu.nextBotMessage(users[2].id, { timeout: 10 })).text,
      "job 2 started by again",
    );
    assert.equal(
      (await emu.nextBotMessage(users[2].id, { timeout: 10 })).text,
      "job 2 done",
    );
  });
});

Deno.test("telepot 7: one job per chat at a time, the job taking its message at once with listener.handled()", async () => {
  let jobs = 0;
  // Per chat, a job that holds its message to the end keeps the chat's later messages back until then
  // (they are not confirmed before it is); one that takes its message at once lets them reach the bot
  // while it runs, and then nothing more is done for them, as in telepot.
  const job = async ([bot, msg]: SeedTuple): Promise<void> => {
    createListener(bot).handled();
    jobs++;
    await bot.sendMessage(msg.chat.id, `job ${jobs} started by ${msg.text}`);
    // Long enough that the other messages reach the bot while it runs, on a loaded machine too.
    await sleep(2);
    await bot.sendMessage(msg.chat.id, `job ${jobs} done`);
  };
  await withBot([[perChatId(), call(job)]], async ({ emu, token }) => {
    const alice = emu.createUser({ first_name: "Alice" });
    for (const text of ["one", "two", "three"]) await alice.sendText(alice.id, text);
    assert.equal((await emu.nextBotMessage(alice.id, { timeout: 10 })).text, "job 1 started by one");
    await until(() => emu.pendingUpdates(token).length === 0, 10);
    assert.equal((await emu.nextBotMessage(alice.id, { timeout: 10 })).text, "job 1 done");
    await sleep(0.3);
    assert.equal(jobs, 1, "the quick second and third messages ran no job");
  });
});

Deno.test("telepot 11: a tuple seed holding null is one delegate; an object seed (a list) is new each time", async () => {
  class Counter extends ChatContext {
    count = 0;
    constructor(st: SeedTuple) {
      super(st[0], Array.isArray(st[2]) ? st[2][0] : st[1].chat.id);
      this.listener.capture([{
        chat: { id: this.chatId },
        text: (t: string) => t.startsWith("t"),
      }]);
    }
    async onMessage(msg: Message): Promise<void> {
      await this.sender.sendMessage(`${msg.text}: ${++this.count}`);
    }
  }
  await withBot([
    // (chat_id, None) in Python: hashable, so one delegate for the chat.
    [
      (msg) =>
        msg.text?.startsWith("t")
          ? [msg.chat.id, msg.reply_to_message?.message_id ?? null]
          : null,
      createOpen(Counter),
    ],
    // A list in Python, any other object here: not hashable, a new delegate per message.
    [
      (msg) => msg.text?.startsWith("l") ? new Set([msg.chat.id]) : null,
      createOpen(Counter),
    ],
  ], async ({ emu }) => {
    const alice = emu.createUser({ first_name: "Alice" });
    for (const text of ["t1", "t2", "t3"]) {
      await alice.sendText(alice.id, text);
      await emu.nextBotMessage(alice.id, { timeout: 10 });
    }
    for (const text of ["l1", "l2"]) {
      await alice.sendText(alice.id, text);
      await emu.nextBotMessage(alice.id, { timeout: 10 });
    }
    assert.deepEqual(
      texts(emu.transcript(alice.id).filter((m) => m.from?.is_bot)),
      [
        "t1: 1",
        "t2: 2",
        "t3: 3",
        "l1: 1",
        "l2: 1",
      ],
    );
  });
});
