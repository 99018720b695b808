import assert from "node:assert/strict";
import {
  type DelegateHandle,
  type DelegationPattern,
  DelegatorBot,
  type Msg,
  type SeedTuple,
} from "../bot/delegator_bot.ts";
import { Mailbox } from "../bot/mailbox.ts";
import { seedKey } from "../bot/seed_key.ts";
import { call, createOpen, createRun, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { BadInput } from "../exception/bad_input.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { ChatHandler, createListener, ListenerContext, schedulerOf } from "../helper/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";
import { until } from "./support/until.ts";

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

// Whether a message field holds this seed: by value for what is hashable, by identity otherwise.
function sameSeed(value: unknown, seed: unknown): boolean {
  const a = seedKey(value);
  const b = seedKey(seed);
  if (a === undefined || b === undefined) return value === seed;
  return typeof a === "object" ? typeof b === "object" && Deno.inspect(a) === Deno.inspect(b) : a === b;
}

/** A delegate recording what it handles; `gate` (if set) holds each message until released. */
class Recorder extends ListenerContext {
  static log: string[] = [];
  static closed: unknown[] = [];
  static gates = new Map<unknown, Promise<void>>();
  constructor(seedTuple: SeedTuple) {
    super(seedTuple[0], seedTuple[2]);
    // Like telepot's delegates, it captures its own messages: those carrying its seed.
    this.listener.capture([
      (msg: Msg) => ["seed", "a", "b"].some((f) => f in msg && sameSeed(msg[f], this.id)),
    ]);
  }
  async onMessage(msg: Msg): Promise<void> {
    const gate = Recorder.gates.get(this.id);
    if (gate) await gate;
    if (msg.fail) throw new Error(`boom ${msg.n}`);
    if (msg.stop) this.close();
    const id = typeof this.id === "string"
      ? `"${this.id}"`
      : typeof this.id === "bigint"
      ? `${this.id}n`
      : String(this.id);
    Recorder.log.push(`${id}:${msg.n}`);
  }
  override onClose(ex: unknown): void {
    Recorder.closed.push(ex);
  }
}

function botWith(patterns: DelegationPattern[]): DelegatorBot {
  Recorder.log = [];
  Recorder.closed = [];
  Recorder.gates = new Map();
  return new DelegatorBot("123:TEST", patterns);
}

/** Whether `promise` has settled after a few turns of the event loop. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 5; i++) await tick();
  return settled;
}

Deno.test("seedKey: primitives by value, tuples by value in their own key space, other objects unhashable", () => {
  assert.equal(seedKey(5), 5);
  assert.equal(seedKey("5"), "5");
  assert.equal(seedKey(5n), 5n);
  assert.ok(seedKey([1, "a", [2n]]) instanceof Object, "nested arrays are hashable");
  assert.deepEqual(seedKey([1, "a", [2n]]), seedKey([1, "a", [2n]]));
  assert.notDeepEqual(seedKey([1, "a", [2n]]), seedKey([1, "a", [3n]]));
  assert.notDeepEqual(seedKey([1, 2]), seedKey([12]));
  assert.notDeepEqual(seedKey(["1"]), seedKey([1]));
  assert.notEqual(seedKey([1]), "(n1;)");
  assert.equal(seedKey({}), undefined);
  assert.equal(seedKey([{}]), undefined);
  assert.equal(seedKey(new Date()), undefined);
});

Deno.test("seedKey: like Python's tuples, an array holding null (None) is hashable; objects stand for lists", () => {
  assert.deepEqual(seedKey([5, null]), seedKey([5, null]), "(5, None) is one key");
  assert.deepEqual(seedKey([5, null]), seedKey([5, undefined]), "null and undefined both stand for None");
  assert.notDeepEqual(seedKey([5, null]), seedKey([5, 0]));
  assert.notDeepEqual(seedKey([5, null]), seedKey([5, "null"]));
  assert.notDeepEqual(seedKey([null]), seedKey([]));
  assert.notEqual(seedKey([[null], 1]), undefined, "nested tuples with None");
  for (const list of [{}, new Set([1]), new Map(), [5, {}], [5, new Set()]]) {
    assert.equal(seedKey(list), undefined, "a list, dict or set (or a tuple holding one) is not hashable");
  }
});

Deno.test("DelegatorBot: one delegate per hashable seed; tuples compared by value", async () => {
  let created = 0;
  const seeds: unknown[] = [];
  const bot = botWith([[(msg) => msg.seed, (st) => {
    created++;
    seeds.push(st[2]);
    return createOpen(Recorder)(st);
  }]]);
  await bot.handle({ seed: 1, n: 1 });
  await bot.handle({ seed: 1, n: 2 });
  await bot.handle({ seed: "1", n: 3 });
  await bot.handle({ seed: [1, "x"], n: 4 });
  await bot.handle({ seed: [1, "x"], n: 5 });
  await bot.handle({ seed: 1n, n: 6 });
  await bot.handle({ seed: [[1, 2n], "y"], n: 7 });
  await bot.handle({ seed: [[1, 2n], "y"], n: 8 });
  await bot.handle({ seed: 1n, n: 9 });
  await until(() => Recorder.log.length === 9);
  assert.equal(created, 5);
  assert.deepEqual(seeds, [1, "1", [1, "x"], 1n, [[1, 2n], "y"]]);
  assert.equal(bot.delegateCount, 5);
  assert.deepEqual(Recorder.log.filter((l) => l.startsWith("1n:")), ["1n:6", "1n:9"]);
  assert.deepEqual(Recorder.log.filter((l) => l.startsWith("1:")), ["1:1", "1:2"]);
  assert.ok(Recorder.log.includes("1,x:4") && Recorder.log.includes("1,x:5"));
});

Deno.test("DelegatorBot: a non-hashable seed always gets a new delegate; null and undefined get none", async () => {
  let created = 0;
  const bot = botWith([[(msg) => msg.seed, (st) => {
    created++;
    return createOpen(Recorder)(st);
  }]]);
  await bot.handle({ seed: {}, n: 1 });
  await bot.handle({ seed: {}, n: 2 });
  await bot.handle({ seed: null, n: 3 });
  await bot.handle({ n: 4 });
  await until(() => Recorder.log.length === 2);
  assert.equal(created, 2);
  assert.equal(bot.delegateCount, 0, "unhashable delegates are not recorded");
});

Deno.test("DelegatorBot: every pattern is evaluated; one message may start several delegates", async () => {
  const bot = botWith([
    [(msg) => msg.a, createOpen(Recorder)],
    [(msg) => msg.b, createOpen(Recorder)],
  ]);
  await bot.handle({ a: "A", b: "B", n: 1 });
  await bot.handle({ a: "A", n: 2 });
  await until(() => Recorder.log.length === 3);
  assert.deepEqual(Recorder.log.sort(), ["\"A\":1", "\"A\":2", "\"B\":1"]);
  assert.equal(bot.delegateCount, 2);
});

Deno.test("DelegatorBot: one seed in order, a stuck delegate never delays another seed", async () => {
  const bot = botWith([[(msg) => msg.seed, createOpen(Recorder)]]);
  const stuck = deferred();
  Recorder.gates.set("slow", stuck.promise);
  const slow = [1, 2, 3].map((n) => bot.handle({ seed: "slow", n }));
  for (let n = 1; n <= 3; n++) await bot.handle({ seed: "fast", n });
  assert.deepEqual(Recorder.log, ["\"fast\":1", "\"fast\":2", "\"fast\":3"]);
  assert.equal(await settledSoon(slow[0]), false, "held while its delegate is stuck on it");
  stuck.resolve();
  await Promise.all(slow);
  assert.deepEqual(Recorder.log.slice(3), ["\"slow\":1", "\"slow\":2", "\"slow\":3"]);
});

Deno.test("DelegatorBot: handle resolves once the delegate has handled the message, not when it is queued", async () => {
  const bot = botWith([[(msg) => msg.seed, createOpen(Recorder)]]);
  const gate = deferred();
  Recorder.gates.set(1, gate.promise);
  const first = bot.handle({ seed: 1, n: 1 }); // a new delegate, held by the gate
  const second = bot.handle({ seed: 1, n: 2 }); // queued in its mailbox
  assert.equal(await settledSoon(first), false, "the first message is being handled");
  assert.equal(await settledSoon(second), false, "the second one is only queued");
  assert.deepEqual(Recorder.log, []);
  gate.resolve();
  await first;
  await second;
  assert.deepEqual(Recorder.log, ["1:1", "1:2"], "both handled before their promises resolved");
  let resolvedAfter = -1;
  Recorder.gates.set(1, new Promise((r) => setTimeout(r, 50)));
  await bot.handle({ seed: 1, n: 3 }).then(() => (resolvedAfter = Recorder.log.length));
  assert.equal(resolvedAfter, 3);
});

Deno.test("DelegatorBot: a conversation's message counts as handled when it asks for the next one", async () => {
  const steps: string[] = [];
  const next = deferred();
  class Asking extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      this.listener.capture([{ seed: this.id }]);
    }
    async onMessage(msg: Msg): Promise<void> {
      steps.push(`got ${msg.n}`);
      await next.promise;
      const answer = await this.listener.wait();
      steps.push(`answer ${answer.n}`);
      await new Promise((r) => setTimeout(r, 30));
      steps.push(`done ${answer.n}`);
    }
  }
  const bot = botWith([[(msg) => msg.seed, createOpen(Asking)]]);
  const question = bot.handle({ seed: 1, n: 1 });
  assert.equal(await settledSoon(question), false, "not yet asked for the next message");
  next.resolve();
  await question;
  assert.deepEqual(
    steps,
    ["got 1"],
    "handled once it waits for the answer, which it could not get otherwise",
  );
  await bot.handle({ seed: 1, n: 2 });
  assert.deepEqual(steps, ["got 1", "answer 2", "done 2"], "the answer is handled when onMessage returns");
});

Deno.test("DelegatorBot: a failing delegate and one that ends without reading settle what they hold", async () => {
  using recorded = recordConsoleErrors();
  class Failing extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      this.listener.capture([{ seed: this.id }]);
    }
    async onMessage(msg: Msg): Promise<void> {
      await new Promise((r) => setTimeout(r, 20));
      throw new Error(`failed on ${msg.n}`);
    }
  }
  const bot = botWith([[(msg) => msg.seed, createOpen(Failing)]]);
  const held = [1, 2, 3].map((n) => bot.handle({ seed: 5, n }));
  await Promise.all(held); // resolves (never rejects): the delegate closed on 1, 2 and 3 were never read
  assert.equal(recorded.calls.length, 2);
  assert.match(String(recorded.calls[0][0]), /closed by an error/, "the failure is reported");
  assert.match(String(recorded.calls[1]), /2 message\(s\) dropped/, "so are the messages it never read");
  assert.equal(bot.delegateCount, 0);
  const ending = deferred();
  const task = async (st: SeedTuple): Promise<void> => {
    createListener(st[0]).capture([{ seed: st[2] }]);
    await ending.promise; // never reads what it captured
  };
  const bot2 = botWith([[(msg) => msg.seed, call(task)]]);
  const pending = [1, 2].map((n) => bot2.handle({ seed: 6, n }));
  assert.equal(await settledSoon(pending[1]), false, "captured and unread while the task runs");
  ending.resolve();
  await Promise.all(pending);
});

Deno.test("DelegatorBot: a throwing delegate closes with onClose(error), is forgotten, and the seed starts anew", async () => {
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  let created = 0;
  const bot = botWith([[(msg) => msg.seed, (st) => {
    created++;
    return createOpen(Recorder)(st);
  }]]);
  await bot.handle({ seed: 7, n: 1 });
  await bot.handle({ seed: 7, n: 2, fail: true });
  await until(() => Recorder.closed.length === 1);
  assert.ok(Recorder.closed[0] instanceof Error && Recorder.closed[0].message === "boom 2");
  assert.equal(errors.length, 1, "an unexpected error is reported");
  await until(() => bot.delegateCount === 0);
  await bot.handle({ seed: 7, n: 3 });
  await until(() => Recorder.log.length === 2);
  assert.equal(created, 2);
  assert.deepEqual(Recorder.log, ["7:1", "7:3"]);
});

Deno.test("DelegatorBot: nothing more is done for messages a closing delegate never read (telepot)", async () => {
  using recorded = recordConsoleErrors();
  const bot = botWith([[(msg) => msg.seed, createOpen(Recorder)]]);
  const gate = deferred();
  Recorder.gates.set(9, gate.promise);
  const handled = [
    bot.handle({ seed: 9, n: 1, stop: true }),
    bot.handle({ seed: 9, n: 2 }),
    bot.handle({ seed: 9, n: 3 }),
  ];
  Recorder.gates.delete(9);
  gate.resolve();
  await Promise.all(handled);
  assert.deepEqual(
    Recorder.log,
    [],
    "2 and 3 went to the live delegate, which closed on 1 without reading them",
  );
  assert.equal(Recorder.closed.length, 1);
  assert.equal(bot.delegateCount, 0, "no successor was started for them");
  assert.match(String(recorded.calls[0]), /2 message\(s\) dropped/, "dropped, but not silently");
  await bot.handle({ seed: 9, n: 4 });
  assert.deepEqual(Recorder.log, ["9:4"], "the next message starts a new delegate");
});

Deno.test("DelegatorBot: a background task says its first message is handled with listener.handled()", async () => {
  const stop = deferred();
  let ticks = 0;
  const reminder = async (st: SeedTuple): Promise<void> => {
    const listener = createListener(st[0]); // made at once: it reads this delegate's mailbox
    listener.handled(); // the request is taken; what follows runs in the background
    while (await Promise.race([stop.promise.then(() => false), tick().then(() => true)])) ticks++;
  };
  const bot = botWith([[(msg) => msg.seed, call(reminder)]]);
  await bot.handle({ seed: 1, n: 1 });
  await bot.handle({ seed: 1, n: 2 }); // the task lives: nothing more is done
  assert.equal(bot.delegateCount, 1);
  await until(() => ticks > 0);
  stop.resolve();
  await until(() => bot.delegateCount === 0);
});

Deno.test("DelegatorBot: a message arriving while a delegate's onClose runs starts a new delegate, not lost", async () => {
  const goodbye = deferred();
  const started: number[] = [];
  class Leaving extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      started.push(st[1].n);
      this.listener.capture([{ seed: this.id }]);
    }
    onMessage(msg: Msg): void {
      Recorder.log.push(`${msg.n}`);
      if (msg.stop) this.close();
    }
    override onClose(): Promise<void> {
      return goodbye.promise; // a slow goodbye, as an async onClose sending a message would be
    }
  }
  const bot = botWith([[(msg) => msg.seed, createOpen(Leaving)]]);
  await bot.handle({ seed: 1, n: 1, stop: true });
  await bot.handle({ seed: 1, n: 2 });
  assert.deepEqual(Recorder.log, ["1", "2"], "handled by a new delegate while the first one was closing");
  assert.deepEqual(started, [1, 2]);
  goodbye.resolve();
});

Deno.test("DelegatorBot: delegators may return a startable object, a function or a [fn, args, options] triple", async () => {
  const seen: string[] = [];
  const started: { alive: boolean; handle?: DelegateHandle }[] = [];
  const startable = () => {
    const state: { alive: boolean; handle?: DelegateHandle } = { alive: true };
    started.push(state);
    return {
      start(h?: DelegateHandle) {
        state.handle = h;
        seen.push("started");
      },
      isAlive: () => state.alive,
    };
  };
  class Runner {
    constructor(readonly seedTuple: SeedTuple, readonly tag: string) {}
    run(): Promise<void> {
      seen.push(`run ${this.tag} ${this.seedTuple[2]}`);
      return Promise.resolve();
    }
  }
  const bot = botWith([
    [(msg) => msg.s, startable],
    [(msg) => msg.f, createRun(Runner, "tagged")],
    [
      (msg) => msg.t,
      call(
        (st: SeedTuple, a: number, options: { b: number }) => seen.push(`call ${st[2]} ${a} ${options.b}`),
        1,
        { b: 2 },
      ),
    ],
  ]);
  await bot.handle({ s: 1 });
  await bot.handle({ s: 1 });
  assert.deepEqual(seen, ["started"], "alive: nothing more is done for the second message");
  started[0].alive = false;
  await bot.handle({ s: 1 });
  assert.deepEqual(seen, ["started", "started"], "isAlive() false: a new delegate");
  started[1].handle!.ended();
  assert.equal(bot.delegateCount, 0, "ended() forgets it at once");
  await bot.handle({ f: "F" });
  await bot.handle({ t: "T" });
  await tick();
  assert.deepEqual(seen.slice(2), ["run tagged F", "call T 1 2"]);
  await until(() => bot.delegateCount === 0);
});

Deno.test("createOpen: open(initialMsg, seed) first; a truthy result (or promise of one) means the message was handled", async () => {
  const opened: string[] = [];
  class Opening extends Recorder {
    override open(initialMsg: Msg, seed: unknown): unknown {
      opened.push(`${seed}:${initialMsg.n}`);
      if (initialMsg.handled === "sync") return true;
      if (initialMsg.handled === "async") return Promise.resolve(true);
      return Promise.resolve(false);
    }
  }
  const bot = botWith([[(msg) => msg.seed, createOpen(Opening)]]);
  await bot.handle({ seed: 1, n: 1, handled: "sync" });
  await bot.handle({ seed: 1, n: 2 });
  await bot.handle({ seed: 2, n: 3, handled: "async" });
  await bot.handle({ seed: 2, n: 4 });
  await bot.handle({ seed: 3, n: 5 });
  await until(() => Recorder.log.length === 3);
  assert.deepEqual(opened.sort(), ["1:1", "2:3", "3:5"]);
  assert.deepEqual(Recorder.log.sort(), ["1:2", "2:4", "3:5"]);
});

Deno.test("DelegatorBot: a [fn, args, options] triple runs fn(...args, options)", async () => {
  const seen: unknown[][] = [];
  const bot = botWith([[
    (msg) => msg.seed,
    (st) => [(...a: unknown[]) => seen.push(a), [st[2], "x"], { flag: true }],
  ]]);
  await bot.handle({ seed: 4 });
  assert.deepEqual(seen, [[4, "x", { flag: true }]]);
  assert.equal(bot.delegateCount, 0, "a synchronous task has ended");
});

Deno.test("DelegatorBot: a promise-returning task (aio style) lives until its promise settles", async () => {
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  let created = 0;
  const read: number[] = [];
  const finish = new Map<unknown, { resolve: () => void; reject: (e: Error) => void }>();
  const task = async (st: SeedTuple): Promise<void> => {
    created++;
    const listener = createListener(st[0]);
    listener.capture([{ seed: st[2] }]);
    read.push(st[1].n);
    if (st[2] === 1) read.push((await listener.wait()).n);
    await new Promise<void>((resolve, reject) => finish.set(st[2], { resolve, reject }));
  };
  const bot = botWith([[(msg) => msg.seed, call(task)]]);
  await bot.handle({ seed: 1, n: 1 }); // handled: the task asked for its next message
  const second = bot.handle({ seed: 1, n: 2 }); // its current message until the task ends
  const third = bot.handle({ seed: 2, n: 3 }); // a task without a wait holds its first message to the end
  await until(() => finish.size === 2);
  assert.equal(await settledSoon(second), false);
  assert.equal(await settledSoon(third), false);
  assert.equal(created, 2, "the live task got its seed's second message");
  assert.deepEqual(read.sort(), [1, 2, 3]);
  assert.equal(bot.delegateCount, 2, "alive while the promise is pending");
  finish.get(1)!.resolve();
  finish.get(2)!.reject(new Error("task failed"));
  await second;
  await third;
  await until(() => bot.delegateCount === 0);
  assert.ok(errors.some((e) => e.some((x) => x instanceof Error && x.message === "task failed")));
  await bot.handle({ seed: 1, n: 4 });
  assert.equal(created, 3, "a settled task is forgotten: its seed starts a new one");
});

Deno.test("DelegatorBot: a message a handler has no method for is reported once and ignored; the delegate goes on", async () => {
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  const closes: unknown[] = [];
  let handled = 0;
  class ChatOnly extends ChatHandler {
    onChatMessage(): void {
      handled++;
    }
    override onClose(ex: unknown): void {
      closes.push(ex);
    }
  }
  const bot = new DelegatorBot("1:T", [
    paveEventSpace()(perChatId(), createOpen, ChatOnly, { timeout: 30 }),
  ]);
  const msg = { message_id: 1, date: 0, chat: { id: 3, type: "private" }, text: "x" };
  await bot.handle(msg);
  await bot.handle({ ...msg, edit_date: 1 });
  await bot.handle({ ...msg, edit_date: 2 });
  await bot.handle(msg);
  await until(() => handled === 2);
  assert.deepEqual(closes, [], "the delegate stayed open");
  assert.equal(errors.length, 1, "reported once per class and flavor");
  assert.match(String(errors[0].join(" ")), /onEditedChatMessage/);
  assert.equal(bot.delegateCount, 1);
  schedulerOf(bot).clear();
});

Deno.test("DelegatorBot: malformed delegation patterns are BadInput at construction", () => {
  assert.throws(() => new DelegatorBot("1:T", [[() => 1]] as never), BadInput);
  assert.throws(() => new DelegatorBot("1:T", {} as never), BadInput);
  assert.throws(
    () => new DelegatorBot("1:T", [], { mailboxCapacity: 2 } as never),
    (e) => e instanceof BadInput && e.message.includes("unbounded"),
    "the removed option is refused, not ignored",
  );
  assert.throws(() => new Mailbox(64 as never), BadInput);
});

Deno.test("DelegatorBot: a throwing seeder or a delegator result of the wrong shape is reported and skipped", async () => {
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  const bot = botWith([
    [() => 1, () => 42 as never],
    [() => {
      throw new Error("seeder failed");
    }, createOpen(Recorder)],
    [(msg) => msg.seed, createOpen(Recorder)],
  ]);
  await bot.handle({ seed: 1, n: 1 });
  await until(() => Recorder.log.length === 1);
  assert.ok(errors.some((e) => e[1] instanceof BadInput));
  assert.ok(errors.some((e) => e[1] instanceof Error && e[1].message === "seeder failed"));
  assert.equal(bot.delegateCount, 1);
});

Deno.test("DelegatorBot: inside a handler, listener.wait() is the delegate's own next message", async () => {
  const transcript: string[] = [];
  class Conversation extends ListenerContext {
    constructor(st: SeedTuple) {
      super(st[0], st[2]);
      this.listener.capture([{ chat: this.id }]);
    }
    async onMessage(first: Msg): Promise<void> {
      const second = await this.listener.wait();
      const third = await this.listener.wait({ timeout: 1 });
      transcript.push(`${this.id}: ${first.text} ${second.text} ${third.text}`);
      this.close();
    }
  }
  const bot = botWith([[(msg) => msg.chat, createOpen(Conversation)]]);
  for (const text of ["a", "b", "c"]) {
    await bot.handle({ chat: 1, text });
    await bot.handle({ chat: 2, text: text.toUpperCase() });
  }
  await until(() => transcript.length === 2);
  assert.deepEqual(transcript.sort(), ["1: a b c", "2: A B C"]);
});

Deno.test("DelegatorBot: a listener made outside a delegator gets copies of what it captures, holding nothing up", async () => {
  const bot = botWith([]);
  const listener = createListener(bot);
  listener.capture([{ n: (n: number) => n > 1 }]);
  for (let n = 1; n <= 200; n++) await bot.handle({ n }); // nobody reads it: nothing waits for it
  assert.equal(listener.mailbox.size, 199, "unbounded: every captured message kept, none dropped");
  assert.deepEqual(await listener.wait({ timeout: 1 }), { n: 2 });
  bot.removeMailbox(listener.mailbox);
  assert.equal(listener.mailbox.size, 0, "removing it drops what it held");
  await bot.handle({ n: 300 });
  assert.equal(listener.mailbox.size, 0, "and it receives nothing more");
});

Deno.test("Mailbox: FIFO through growth and wrap-around; receipts held until the reader moves on or closes", async () => {
  const { Receipt } = await import("../bot/receipt.ts");
  const box = new Mailbox<number>();
  const receipts = Array.from({ length: 11 }, () => new Receipt());
  const settled: number[] = [];
  for (let i = 0; i < 3; i++) box.put(i, receipts[i]);
  assert.equal(box.poll(), 0);
  for (let i = 3; i < 10; i++) box.put(i, receipts[i]);
  assert.equal(box.size, 9);
  receipts.slice(0, 10).forEach((r, i) => {
    r.release(); // the sender's own hold: from now on only the mailbox holds them
    r.settled().then(() => settled.push(i));
  });
  await tick();
  assert.deepEqual(settled, [], "0 is the reader's current item, the others wait");
  assert.equal(box.poll(), 1);
  await tick();
  assert.deepEqual(settled, [0], "asking for the next item released the current one");
  box.release();
  await tick();
  assert.deepEqual(settled, [0, 1], "release(): the reader finished with it");
  assert.deepEqual([box.poll(), box.poll(), box.poll()], [2, 3, 4]);
  box.close();
  await tick();
  assert.deepEqual(
    settled.sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    "close() releases the rest",
  );
  box.put(10, receipts[10]);
  assert.equal(box.size, 0, "a closed mailbox takes nothing");
  receipts[10].release();
  assert.equal(await settledSoon(receipts[10].settled()), true, "and holds nothing");
});

Deno.test("Mailbox: whenAvailable calls back asynchronously, once, and can be withdrawn", async () => {
  const box = new Mailbox<string>();
  let calls = 0;
  box.whenAvailable(() => calls++);
  assert.throws(() => box.whenAvailable(() => {}), BadInput);
  box.put("x");
  assert.equal(calls, 0, "never synchronously");
  await tick();
  assert.equal(calls, 1);
  assert.equal(await box.take(), "x");
  box.whenAvailable(() => calls++);
  assert.equal(box.cancelWait(), true);
  box.put("y");
  await tick();
  assert.equal(calls, 1);
  const later = box.take();
  assert.equal(await later, "y");
});

Deno.test("Mailbox: a waiting take whose item was cleared before it woke keeps waiting, and loses nothing", async () => {
  const box = new Mailbox<string>();
  const first = box.take();
  box.put("cleared");
  assert.deepEqual(box.clear(), ["cleared"]);
  await tick();
  assert.equal(box.size, 0, "the cleared item is not taken a second time");
  box.put("kept");
  assert.equal(await first, "kept");
  assert.equal(box.size, 0);

  const closing = box.take();
  box.put("dropped");
  assert.deepEqual(box.close(), ["dropped"]);
  assert.equal(await settledSoon(closing), false, "a take on a closed mailbox does not resolve");
  assert.equal(box.size, 0);
});

Deno.test("ChatHandler idle timeout: every non-event message refreshes it; silence closes with IdleTerminate", async () => {
  const closes: unknown[] = [];
  let handled = 0;
  class Quiet extends ChatHandler {
    onChatMessage(): void {
      handled++;
    }
    override onClose(ex: unknown): void {
      closes.push(ex);
    }
  }
  const bot = new DelegatorBot("1:T", [paveEventSpace()(perChatId(), createOpen, Quiet, { timeout: 0.8 })]);
  const msg = { message_id: 1, date: 0, chat: { id: 3, type: "private" }, text: "x" };
  const started = Date.now();
  for (let i = 0; i < 6; i++) {
    await bot.handle(msg);
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.equal(
    closes.length,
    0,
    "kept alive for 900 ms (more than its 0.8 s timeout) by messages 150 ms apart",
  );
  assert.equal(bot.delegateCount, 1);
  await until(() => closes.length === 1);
  assert.ok(closes[0] instanceof IdleTerminate);
  assert.ok(Date.now() - started >= 750 + 800 - 50, "closed no earlier than 0.8 s after the last message");
  assert.equal(handled, 6);
  assert.equal(bot.delegateCount, 0);
  assert.equal(schedulerOf(bot).size, 0, "nothing left scheduled");
});

Deno.test("DelegatorBot: a handler whose constructor throws after super() leaves no idle event to open a delegate later", async () => {
  using recorded = recordConsoleErrors();
  let constructed = 0;
  class Fussy extends ChatHandler {
    constructor(seedTuple: SeedTuple, options: { timeout: number }) {
      super(seedTuple, options);
      constructed++;
      if (this.chatId === 4) throw new Error("chat 4 is refused");
    }
    onChatMessage(): void {}
  }
  const bot = new DelegatorBot("1:T", [paveEventSpace()(perChatId(), createOpen, Fussy, { timeout: 0.2 })]);
  await bot.handle({ message_id: 1, date: 0, chat: { id: 4, type: "private" }, text: "x" });
  assert.equal(constructed, 1);
  assert.equal(bot.delegateCount, 0);
  assert.equal(schedulerOf(bot).size, 0, "its idle event was cancelled with it");
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(constructed, 1, "no delegate was opened for chat 4 by a stale idle event");
  assert.equal(recorded.calls.filter((c) => String(c[0]).includes("delegator failed")).length, 1);
  // Another chat's delegate keeps its own idle event.
  await bot.handle({ message_id: 2, date: 0, chat: { id: 5, type: "private" }, text: "y" });
  assert.equal(schedulerOf(bot).size, 1);
  await until(() => bot.delegateCount === 0 && schedulerOf(bot).size === 0);
});

Deno.test("DelegatorBot: a constructor that opens another chat's delegate, then throws, leaves that delegate its idle event", async () => {
  using _recorded = recordConsoleErrors();
  const closed: number[] = [];
  class Relay extends ChatHandler {
    constructor(seedTuple: SeedTuple, options: { timeout: number }) {
      super(seedTuple, options);
      if (this.chatId !== 4) return;
      // The bot dispatches at once: chat 5's delegate is made inside this constructor.
      void (seedTuple[0] as DelegatorBot).handle({
        message_id: 9,
        date: 0,
        chat: { id: 5, type: "private" },
      });
      throw new Error("chat 4 is refused");
    }
    onChatMessage(): void {}
    override onClose(): void {
      closed.push(Number(this.chatId));
    }
  }
  const bot = new DelegatorBot("1:T", [paveEventSpace()(perChatId(), createOpen, Relay, { timeout: 0.2 })]);
  await bot.handle({ message_id: 1, date: 0, chat: { id: 4, type: "private" }, text: "x" });
  assert.equal(bot.delegateCount, 1, "chat 5's delegate lives");
  assert.equal(schedulerOf(bot).size, 1, "with its idle event; chat 4's was cancelled");
  await until(() => closed.includes(5), 10, "chat 5's idle close");
  assert.deepEqual(closed, [5]);
  assert.equal(schedulerOf(bot).size, 0);
});

Deno.test("DelegatorBot: a capture template that throws ends its delegate with the error, and the bot goes on", async () => {
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  class Picky extends ListenerContext {
    constructor(seedTuple: SeedTuple) {
      super(seedTuple[0], seedTuple[2]);
      this.listener.capture([(msg: Msg) => msg.text.length > 0]);
    }
    onMessage(msg: Msg): void {
      Recorder.log.push(`${this.id}:${msg.n}`);
    }
    override onClose(ex: unknown): void {
      Recorder.closed.push(ex);
    }
  }
  const bot = botWith([[(msg) => msg.seed, createOpen(Picky)]]);
  await bot.handle({ seed: 1, n: 1, text: "a" });
  await bot.handle({ seed: 1, n: 2 });
  await until(() => Recorder.closed.length === 1);
  assert.ok(Recorder.closed[0] instanceof TypeError);
  assert.equal(errors.length, 1, "the template's error is reported, not only handed to onClose");
  assert.equal(bot.delegateCount, 0);
  await bot.handle({ seed: 2, n: 3, text: "b" });
  await until(() => Recorder.log.length === 2);
  assert.deepEqual(Recorder.log, ["1:1", "2:3"]);
});

Deno.test("DelegatorBot: what a delegate or its onClose fails with is logged without the token", async () => {
  const { ChatHandler, schedulerOf } = await import("../helper/mod.ts");
  const { paveEventSpace, perChatId } = await import("../delegate/mod.ts");
  const token = "123456:SECRET-token-for-redaction";
  using recorded = recordConsoleErrors();
  class Leaky extends ChatHandler {
    onChatMessage(): never {
      throw new Error(`request to /bot${token}/sendMessage failed`);
    }
    override onClose(): never {
      throw new Error(`cleanup for ${encodeURIComponent(token)} failed`);
    }
  }
  const bot = new DelegatorBot(token, [paveEventSpace()(perChatId(), createOpen, Leaky, { timeout: 10 })], {
    apiRoot: "http://127.0.0.1:9",
  });
  await bot.handle({ message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "hi" });
  await until(() => recorded.calls.length === 2);
  const printed = recorded.calls.map((args) =>
    args.map((a) => a instanceof Error ? `${a.message} ${a.stack}` : String(a)).join(" ")
  );
  assert.match(printed[0], /delegate closed by an error/);
  assert.match(printed[1], /onClose failed/);
  for (const line of printed) {
    assert.ok(!line.includes(token) && !line.includes(encodeURIComponent(token)), line);
    assert.match(line, /<token>/);
  }
  schedulerOf(bot).clear();
});

Deno.test("createListener: two listeners made in one delegate each have a queue of their own", async () => {
  const got: string[] = [];
  class Conversation {
    readonly texts;
    readonly owner;
    constructor(seedTuple: SeedTuple) {
      this.texts = createListener(seedTuple[0]);
      this.owner = createListener(seedTuple[0]);
      this.texts.capture([{ chat: { id: 1 } }]);
      this.owner.capture([{ chat: { id: 2 } }]);
    }
    async run(): Promise<void> {
      got.push(String((await this.texts.wait({ timeout: 5 })).text));
      got.push(String((await this.owner.wait({ timeout: 5 })).text));
    }
  }
  const bot = new DelegatorBot("1:T", [[
    (msg: Msg) => msg.chat?.id === 1 ? 1 : null,
    createRun(Conversation),
  ]]);
  const message = (chat: number, text: string) => ({
    message_id: 0,
    date: 0,
    chat: { id: chat, type: "private" },
    text,
  });
  await bot.handle(message(1, "start"));
  await bot.handle(message(2, "from the owner")); // only the second listener captures it
  await bot.handle(message(1, "second"));
  assert.deepEqual(got, ["second", "from the owner"]);
});
