// Persistent delegates in one process, with the memory storage standing in for the file: a "restart"
// is a new bot on the same storage. What the real-process test (persist_crash_test.ts) cannot show
// cheaply: loadState/saveState hooks, a redelivered message not applied twice, stored events that open
// their delegate, a cancelled event forgotten, a storage that fails.
import assert from "node:assert/strict";
import { DelegatorBot, type Msg, type SeedTuple } from "../bot/delegator_bot.ts";
import { rememberOrigin } from "../bot/update_kind.ts";
import { paveEventSpace } from "../delegate/compose.ts";
import { createOpen } from "../delegate/delegators.ts";
import { perChatId, perFromId } from "../delegate/seeders.ts";
import { BadInput } from "../exception/bad_input.ts";
import { ChatHandler } from "../helper/handlers.ts";
import { createListener } from "../helper/listener.ts";
import { MemoryStorage } from "../storage/memory_storage.ts";
import { persist } from "../storage/persistence.ts";
import type { SetOptions, Storage } from "../storage/storage.ts";
import { until } from "./support/until.ts";

let nextUpdate = 1;
function message(chat: number, text = "x", updateId = nextUpdate++): Msg {
  const msg = { message_id: updateId, date: 0, chat: { id: chat, type: "private" }, text };
  rememberOrigin(msg, { kind: "message", updateId });
  return msg;
}

const log: string[] = [];

class Counter extends ChatHandler {
  static readonly stateName = "counter";
  state = { count: 0 };
  onChatMessage(msg: Msg): void {
    this.state.count++;
    log.push(`${this.id}:${this.state.count}`);
    if (msg.text?.startsWith("alarm")) {
      const event = this.scheduler.eventLater(Number(msg.text.split(" ")[1]), ["_alarm", {}]);
      if (msg.text.endsWith("cancel")) this.scheduler.cancel(event);
    }
  }
  onAlarm(): void {
    log.push(`${this.id}:alarm at ${this.state.count}`);
  }
}

class Hooked extends ChatHandler {
  #words: string[] = [];
  loadState(state: unknown): void {
    this.#words = state as string[];
  }
  saveState(): unknown {
    return this.#words;
  }
  onChatMessage(msg: Msg): void {
    this.#words.push(msg.text);
    log.push(this.#words.join(","));
  }
}

// A restart: a new bot on the same storage. A restarted process numbers its event spaces as before;
// in one process the same pair producer stands for that.
const space = paveEventSpace();
async function start(storage: Storage, cls: typeof Counter | typeof Hooked = Counter, timeout = 60) {
  const bot = new DelegatorBot("1:test", [space(perChatId(), createOpen, cls, { timeout })]);
  const persistence = await persist(bot, storage);
  return { bot, persistence };
}

async function stop(bot: DelegatorBot, persistence: { close(): Promise<void> }): Promise<void> {
  // As a killed process: its timers vanish, nothing is deleted from the storage.
  await persistence.close();
  bot.scheduler.clear();
}

Deno.test("delegate state: the count goes on in a new bot; loadState/saveState hooks; stateName keys it", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  let { bot, persistence } = await start(storage);
  await bot.handle(message(1));
  await bot.handle(message(1));
  await stop(bot, persistence);
  ({ bot, persistence } = await start(storage));
  await bot.handle(message(1));
  await stop(bot, persistence);
  assert.deepEqual(log, ["1:1", "1:2", "1:3"]);
  assert.deepEqual(storage.scan("state:").map((e) => e.key), ["state:counter:1"]);

  log.length = 0;
  ({ bot, persistence } = await start(storage, Hooked));
  await bot.handle(message(2, "a"));
  await stop(bot, persistence);
  ({ bot, persistence } = await start(storage, Hooked));
  await bot.handle(message(2, "b"));
  await stop(bot, persistence);
  assert.deepEqual(log, ["a", "a,b"]);
});

Deno.test("delegate state: a message delivered again after its state was saved is not applied twice", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  let { bot, persistence } = await start(storage);
  const first = message(5);
  await bot.handle(first);
  await stop(bot, persistence);
  // The process died after the save and before the ack: the journal hands the same update over again.
  ({ bot, persistence } = await start(storage));
  await bot.handle(message(5, "x", originOfId(first)));
  await bot.handle(message(5));
  await stop(bot, persistence);
  assert.deepEqual(log, ["5:1", "5:2"]);
});

function originOfId(msg: Msg): number {
  return msg.message_id;
}

Deno.test("delegate state: a first message handled in open() and delivered again is not applied twice either", async () => {
  const counted: number[] = [];
  class Opener {
    static readonly stateName = "opener";
    readonly listener;
    state = { count: 0 };
    constructor(seedTuple: SeedTuple) {
      this.listener = createListener(seedTuple[0]);
      this.listener.capture([{ chat: { id: seedTuple[2] as number } }]);
    }
    open(): boolean {
      counted.push(++this.state.count);
      return true; // the first message is handled here
    }
    onMessage(): void {}
    onClose(): void {}
  }
  const storage = new MemoryStorage();
  const startOpener = async () => {
    const bot = new DelegatorBot("1:test", [[perChatId(), createOpen(Opener)]]);
    return { bot, persistence: await persist(bot, storage) };
  };
  let { bot, persistence } = await startOpener();
  const first = message(6);
  await bot.handle(first);
  await stop(bot, persistence);
  ({ bot, persistence } = await startOpener());
  await bot.handle(message(6, "x", originOfId(first)));
  await stop(bot, persistence);
  assert.deepEqual(counted, [1], "the redelivery found it applied");
});

Deno.test("delegate state: a class without a name that declares state is refused, not keyed under an empty name", async () => {
  const errors: unknown[] = [];
  const logger = { debug() {}, error: (...args: unknown[]) => void errors.push(...args) };
  // Written inline, the class has no name (a class assigned to a variable takes the variable's).
  const pattern = space(
    perChatId(),
    createOpen,
    class extends ChatHandler {
      state = { n: 0 };
      onChatMessage(): void {}
    },
    { timeout: 60 },
  );
  const bot = new DelegatorBot("1:test", [pattern], { logger });
  const storage = new MemoryStorage();
  const persistence = await persist(bot, storage);
  await bot.handle(message(7));
  await stop(bot, persistence);
  assert.ok(errors.some((e) => e instanceof BadInput && /stateName/.test(e.message)), String(errors));
  assert.deepEqual(storage.scan("state:"), []);
});

Deno.test("delegate state: a class kept by two patterns (per chat, per user) is refused for the later one, not shared where the seeds meet", async () => {
  class Tally extends ChatHandler {
    state = { count: 0 };
    onChatMessage(): void {
      this.state.count++;
    }
  }
  class UserTally extends Tally {}
  const privately = (updateId: number): Msg => {
    const msg = {
      message_id: updateId,
      date: 0,
      chat: { id: 9, type: "private" },
      from: { id: 9 },
      text: "x",
    };
    rememberOrigin(msg, { kind: "message", updateId });
    return msg;
  };
  const counts = (storage: MemoryStorage) =>
    storage.scan("state:").map((
      { key, value },
    ) => [key, (value as { state: { count: number } }).state.count]);
  const run = async (second: typeof Tally, sameDelegator = false) => {
    const errors: unknown[] = [];
    const logger = { debug() {}, error: (...args: unknown[]) => void errors.push(...args) };
    const perChat = paveEventSpace(undefined, "per-chat")(perChatId(), createOpen, Tally, { timeout: 60 });
    const perUser = sameDelegator
      ? [perFromId(), perChat[1]] as const
      : paveEventSpace(undefined, "per-user")(perFromId(), createOpen, second, { timeout: 60 });
    const bot = new DelegatorBot("1:test", [perChat, perUser], { logger });
    const storage = new MemoryStorage();
    const persistence = await persist(bot, storage);
    for (const id of [1, 2]) await bot.handle(privately(id));
    await stop(bot, persistence);
    const refused = errors.filter((e) =>
      e instanceof BadInput && /one pattern per state name/.test(e.message)
    );
    return { counts: counts(storage), refused: refused.length };
  };
  assert.deepEqual(await run(Tally), { counts: [["state:Tally:9", 2]], refused: 2 });
  assert.deepEqual(await run(UserTally), {
    counts: [["state:Tally:9", 2], ["state:UserTally:9", 2]],
    refused: 0,
  });
  // One delegator in two patterns cannot tell which it serves: neither keeps state.
  assert.deepEqual(await run(Tally, true), { counts: [], refused: 4 });
});

Deno.test("stored events: what a handler scheduled before it threw is neither stored nor fired, as its state is not saved", async () => {
  const fired: string[] = [];
  class Failing extends ChatHandler {
    state = { count: 0 };
    onChatMessage(msg: Msg): void {
      this.state.count++;
      this.scheduler.eventLater(0.05, ["_alarm", { text: msg.text }]);
      if (msg.text === "fail") throw new Error("failed after scheduling");
    }
    onAlarm(event: { _alarm: { text: string } }): void {
      fired.push(event._alarm.text);
    }
  }
  const storage = new MemoryStorage();
  const bot = new DelegatorBot("1:test", [
    paveEventSpace()(perChatId(), createOpen, Failing, { timeout: 60 }),
  ], {
    logger: { debug() {}, error() {} },
  });
  const persistence = await persist(bot, storage);
  try {
    await bot.handle(message(21, "fail"));
    assert.deepEqual(storage.scan("event:"), [], "not stored");
    await bot.handle(message(21, "ok"));
    await until(() => fired.length > 0, 10);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(fired, ["ok"]);
    assert.equal((storage.get("state:Failing:21")!.value as { state: { count: number } }).state.count, 1);
  } finally {
    await stop(bot, persistence);
  }
});

Deno.test("stored events: fire after a restart and open their delegate; a cancelled one is forgotten", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  let { bot, persistence } = await start(storage);
  // Far enough ahead that the "restart" comes first on a loaded machine.
  await bot.handle(message(7, "alarm 2"));
  await bot.handle(message(8, "alarm 2 cancel"));
  assert.equal(storage.scan("event:").length, 1);
  await stop(bot, persistence);
  ({ bot, persistence } = await start(storage));
  assert.equal(bot.delegateCount, 0);
  await until(() => log.includes("7:alarm at 1"), 30);
  // No message came: the event opened chat 7's delegate, which loaded its state.
  assert.equal(bot.delegateCount, 1);
  await until(() => storage.scan("event:").length === 0, 30);
  assert.ok(!log.some((l) => l.startsWith("8:alarm")));
  await stop(bot, persistence);
});

Deno.test("close() takes the stored events off the bot: none fires unpersisted, and the next persist() schedules each once", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  const bot = new DelegatorBot("1:test", [space(perChatId(), createOpen, Counter, { timeout: 60 })]);
  let persistence = await persist(bot, storage);
  // Far enough ahead that the close comes first on a loaded machine; then waited past.
  const due = Date.now() + 2_400;
  await bot.handle(message(13, "alarm 2.4"));
  await bot.handle(message(14, "alarm 2.2"));
  await persistence.close();
  await new Promise((resolve) => setTimeout(resolve, due + 100 - Date.now()));
  assert.deepEqual(log.filter((l) => l.includes("alarm")), [], "nothing fired from the closed persistence");
  // The same bot persisted again (or a new one: a restart within the process) gets each alarm once.
  persistence = await persist(bot, storage);
  await until(() => log.filter((l) => l.includes("alarm")).length === 2, 30);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(log.filter((l) => l.includes("alarm")).sort(), ["13:alarm at 1", "14:alarm at 1"]);
  await until(() => storage.scan("event:").length === 0, 30);
  await stop(bot, persistence);
});

Deno.test("a named event space routes stored events after the patterns were reordered", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  const named = () =>
    paveEventSpace(undefined, "counters")(perChatId(), createOpen, Counter, { timeout: 60 });
  let bot = new DelegatorBot("1:test", [named()]);
  let persistence = await persist(bot, storage);
  await bot.handle(message(12, "alarm 0.2"));
  await stop(bot, persistence);
  // The restarted program paves another space first: numbered spaces would shift, the name does not.
  bot = new DelegatorBot("1:test", [
    paveEventSpace()(() => null, createOpen, Hooked, { timeout: 60 }),
    named(),
  ]);
  persistence = await persist(bot, storage);
  await until(() => log.includes("12:alarm at 1"), 30);
  await stop(bot, persistence);
  assert.throws(() => paveEventSpace(undefined, ""), BadInput);
});

Deno.test("idle timeouts: re-armed after a restart with the time left, the delegate opened to close", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  // Long enough that the "restart" comes before the deadline on a loaded machine.
  let { bot, persistence } = await start(storage, Counter, 2);
  await bot.handle(message(9));
  const { idle } = storage.get("state:counter:9")!.value as { idle: number };
  await stop(bot, persistence);
  ({ bot, persistence } = await start(storage, Counter, 2));
  assert.equal(bot.scheduler.size, 1, "the stored deadline is scheduled");
  const closed = () => (storage.get("state:counter:9")!.value as { idle: number | null }).idle === null;
  await until(closed, 30);
  assert.equal(bot.delegateCount, 0);
  assert.ok(Date.now() / 1000 >= idle - 0.05, "not before its deadline");
  // Closed by the idle timeout: the state stays, the deadline is gone.
  const record = storage.get("state:counter:9")!.value as { idle: number | null; state: { count: number } };
  assert.equal(record.idle, null);
  assert.equal(record.state.count, 1);
  await stop(bot, persistence);
});

Deno.test("a storage that fails: handle rejects with its error, and the next delivery reads afresh", async () => {
  log.length = 0;
  const storage = new MemoryStorage();
  let failing = true;
  const flaky: Storage = {
    open: () => storage.open(),
    get: (key) => storage.get(key),
    set(key: string, value: unknown, options?: SetOptions) {
      if (failing && key.startsWith("state:")) throw new Error("disk full");
      return storage.set(key, value, options);
    },
    delete: (key, version) => storage.delete(key, version),
    scan: (prefix) => storage.scan(prefix),
    close: () => storage.close(),
  };
  const bot = new DelegatorBot("1:test", [space(perChatId(), createOpen, Counter, { timeout: 60 })]);
  const persistence = await persist(bot, flaky);
  const msg = message(11);
  await assert.rejects(bot.handle(msg), /disk full/);
  assert.equal(bot.delegateCount, 0, "the delegate closed");
  failing = false;
  await bot.handle(msg);
  assert.deepEqual(log, ["11:1", "11:1"]);
  assert.equal((storage.get("state:counter:11")!.value as { state: { count: number } }).state.count, 1);
  await stop(bot, persistence);
});

Deno.test("persist: refuses a second persistence, what is no storage, and what is no bot", async () => {
  const bot = new DelegatorBot("1:test", []);
  await assert.rejects(persist(bot, {} as MemoryStorage), BadInput);
  for (const notBot of [undefined, null, "123:abc", {}, { scheduler: {}, logError: () => {} }]) {
    await assert.rejects(persist(notBot as never, new MemoryStorage()), BadInput, String(notBot));
  }
  const persistence = await persist(bot, new MemoryStorage());
  await assert.rejects(persist(bot, new MemoryStorage()), BadInput);
  await persistence.close();
});

Deno.test("delegate state: a tuple seed with undefined for telepot's None is stored, with the events its delegate schedules", async () => {
  class Counter extends ChatHandler {
    static readonly stateName = "counter";
    state = { count: 0 };
    onChatMessage(_msg: Msg): void {
      this.state.count++;
      this.scheduler.eventLater(60, ["_alarm", {}]);
    }
  }
  const seeder = (msg: Msg) => (msg.chat ? [msg.chat.id, undefined] : null);
  const storage = new MemoryStorage();
  const bot = new DelegatorBot("1:test", [
    paveEventSpace()(seeder as never, createOpen, Counter, { timeout: 60 }),
  ]);
  const persistence = await persist(bot, storage);
  try {
    const msg = { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "x" };
    rememberOrigin(msg, { kind: "message", updateId: 1 });
    await bot.handle(msg as Msg);
    const keys = storage.scan("").map((entry) => entry.key);
    assert.ok(keys.includes("state:counter:[5,null]"), keys.join(", "));
    assert.ok(keys.some((key) => key.startsWith("event:")), keys.join(", "));
  } finally {
    await persistence.close();
    bot.scheduler.clear();
  }
});
