// Events a persistent delegate schedules while it handles a message are held back and stored with the
// state it saves; these are the cases where the handling goes on past its message (a conversation reading
// on with listener.wait()) or an event comes due while held, and the state names the patterns keep.
import assert from "node:assert/strict";
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import type { ScheduledEvent } from "../bot/scheduler.ts";
import { rememberOrigin } from "../bot/update_kind.ts";
import { createOpen, paveEventSpace, perChatId, perFromId } from "../delegate/mod.ts";
import { ChatHandler, UserHandler } from "../helper/mod.ts";
import { MemoryStorage } from "../storage/memory_storage.ts";
import { persist } from "../storage/persistence.ts";
import { until } from "./support/until.ts";

let updates = 1;
function message(chat: number, text = "x"): Msg {
  const id = updates++;
  const msg = {
    message_id: id,
    date: 0,
    chat: { id: chat, type: "private" },
    from: { id: chat, is_bot: false, first_name: "U" },
    text,
  };
  rememberOrigin(msg, { kind: "message", updateId: id });
  return msg;
}

Deno.test("persist: an event scheduled before listener.wait() is stored as its message is acknowledged, and kept when a later step fails", async () => {
  let reminder: ScheduledEvent<Msg> | undefined;
  class Quiz extends ChatHandler {
    static readonly stateName = "quiz";
    state = { asked: 0 };
    async onChatMessage(msg: Msg): Promise<void> {
      this.state.asked++;
      reminder = this.scheduler.eventLater(3600, ["_reminder", { question: msg.text }]);
      const answer = await this.listener.wait();
      if (answer.text === "boom") throw new Error("the answer's handling failed");
    }
    onReminder(): void {}
  }
  const storage = new MemoryStorage();
  const bot = new DelegatorBot("1:T", [paveEventSpace()(perChatId(), createOpen, Quiz, { timeout: 600 })]);
  bot.logError = () => {};
  const persistence = await persist(bot, storage);
  try {
    await bot.handle(message(1, "question"));
    assert.equal(storage.scan("event:").length, 1, "stored once the question is acknowledged");
    await bot.handle(message(1, "boom"));
    assert.ok(bot.scheduler.isPending(reminder!), "the question's reminder outlives the answer's failure");
    assert.equal(storage.scan("event:").length, 1);
  } finally {
    await persistence.close();
    bot.scheduler.clear();
  }
});

Deno.test("persist: an event that comes due while its handling still runs is stored with the state, until it is handled", async () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let followUps = 0;
  let release!: () => void;
  const followUpMayEnd = new Promise<void>((resolve) => release = resolve);
  class Job extends ChatHandler {
    static readonly stateName = "job";
    state = { started: 0 };
    async onChatMessage(): Promise<void> {
      this.state.started++;
      this.scheduler.eventLater(0.01, ["_followup", {}]);
      await sleep(60);
    }
    async onFollowup(): Promise<void> {
      followUps++;
      await followUpMayEnd;
    }
  }
  const storage = new MemoryStorage();
  const bot = new DelegatorBot("1:T", [paveEventSpace()(perChatId(), createOpen, Job, { timeout: 60 })]);
  const persistence = await persist(bot, storage);
  try {
    await bot.handle(message(2));
    await until(() => followUps === 1);
    assert.equal(storage.scan("event:").length, 1, "a crash now would find the follow-up stored");
    release();
    await until(() => storage.scan("event:").length === 0);
  } finally {
    release();
    await persistence.close();
    bot.scheduler.clear();
  }
});

Deno.test("persist: state names are compared as the delegates give them: two classes naming one state clash, one class naming two does not", async () => {
  class PerChat extends ChatHandler {
    readonly stateName = "count";
    state = { n: 0 };
    onChatMessage() {
      this.state.n++;
    }
  }
  class PerUser extends UserHandler {
    readonly stateName = "count";
    state = { n: 0 };
    onChatMessage() {
      this.state.n++;
    }
  }
  class Counter extends ChatHandler {
    readonly stateName: string;
    state = { n: 0 };
    constructor(
      seedTuple: ConstructorParameters<typeof ChatHandler>[0],
      options: { stateName: string; timeout: number },
    ) {
      super(seedTuple, options);
      this.stateName = options.stateName;
    }
    onChatMessage() {
      this.state.n++;
    }
  }
  const cases = [
    {
      patterns: [
        paveEventSpace()(perChatId(), createOpen, PerChat, { timeout: 60 }),
        paveEventSpace()(perFromId(), createOpen, PerUser, { timeout: 60 }),
      ],
      refused: 1,
      keys: ["state:count:7"],
    },
    {
      patterns: [
        paveEventSpace()(perChatId(), createOpen, Counter, { stateName: "chat-count", timeout: 60 }),
        paveEventSpace()(perFromId(), createOpen, Counter, { stateName: "user-count", timeout: 60 }),
      ],
      refused: 0,
      keys: ["state:chat-count:7", "state:user-count:7"],
    },
  ];
  for (const { patterns, refused, keys } of cases) {
    const storage = new MemoryStorage();
    const bot = new DelegatorBot("1:T", patterns);
    const errors: unknown[] = [];
    bot.logError = (_what, error) => void errors.push(error);
    const persistence = await persist(bot, storage);
    try {
      await bot.handle(message(7));
      assert.equal(errors.length, refused, String(errors));
      assert.deepEqual(storage.scan("state:").map((entry) => entry.key), keys);
    } finally {
      await persistence.close();
      bot.scheduler.clear();
    }
  }
});

Deno.test("persist: the messages a conversation read on from are named by the state it saves, so none comes again as new after a crash", async () => {
  class Survey extends ChatHandler {
    static readonly stateName = "survey";
    state = { answers: [] as string[] };
    async onChatMessage(msg: Msg): Promise<void> {
      this.state.answers.push(String(msg.text));
      while (true) {
        const next = await this.listener.wait();
        this.state.answers.push(String(next.text));
        if (next.text === "done") return;
      }
    }
  }
  const storage = new MemoryStorage();
  const patterns = () => [paveEventSpace()(perChatId(), createOpen, Survey, { timeout: 600 })];
  const sent = ["start", "red", "blue", "done"].map((text) => message(3, text));
  const first = new DelegatorBot("1:T", patterns());
  const persistence = await persist(first, storage);
  for (const msg of sent) await first.handle(msg);
  await persistence.close();
  first.scheduler.clear();
  const stored = () =>
    (storage.get("state:survey:3")?.value as { state: { answers: string[] } }).state.answers;
  assert.deepEqual(stored(), ["start", "red", "blue", "done"]);

  // A restart, and Telegram sending the conversation's middle again: recognised, not answered anew.
  const second = new DelegatorBot("1:T", patterns());
  const again = await persist(second, storage);
  try {
    for (const msg of sent.slice(1)) await second.handle(msg);
    assert.deepEqual(stored(), ["start", "red", "blue", "done"]);
  } finally {
    await again.close();
    second.scheduler.clear();
  }
});
