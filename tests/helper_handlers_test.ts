import assert from "node:assert/strict";
import { DelegatorBot, type Msg, type SeedTuple } from "../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perApplication, perChatId } from "../delegate/mod.ts";
import { BadInput } from "../exception/bad_input.ts";
import { EventNotFound } from "../exception/event_not_found.ts";
import { IdleTerminate } from "../exception/idle_terminate.ts";
import { StopListening } from "../exception/stop_listening.ts";
import {
  CallbackQueryOriginHandler,
  ChatHandler,
  EventScheduler,
  IdleEventCoordinator,
  InlineUserHandler,
  Monitor,
  openable,
  schedulerOf,
  StandardEventScheduler,
  UserHandler,
} from "../helper/mod.ts";
import { until } from "./support/until.ts";

const bot = new DelegatorBot("1:T", []);
const chatMsg = (chat: number, extra: Msg = {}) => ({
  message_id: 1,
  date: 0,
  chat: { id: chat, type: "private" },
  from: { id: chat, is_bot: false, first_name: "U" },
  text: "x",
  ...extra,
});
const seed = (s: unknown, msg: Msg = {}): SeedTuple => [bot, msg, s];

Deno.test("ChatHandler: needs eventSpace and a positive timeout; captures its chat, its events, optionally callback queries", () => {
  assert.throws(() => new ChatHandler(seed(5), { timeout: 10 }), BadInput);
  assert.throws(() => new ChatHandler(seed(5), { timeout: 0, eventSpace: 1 }), BadInput);
  const h = new ChatHandler(seed(5), { timeout: 10, eventSpace: 1 });
  const cq = { id: "q", from: { id: 5 }, chat_instance: "c", message: { message_id: 1, chat: { id: 5 } } };
  assert.ok(h.listener.matches(chatMsg(5)));
  assert.ok(!h.listener.matches(chatMsg(6)));
  assert.ok(!h.listener.matches(cq));
  assert.ok(h.listener.matches(h.scheduler.makeEventData("_alarm", {})));
  const other = new StandardEventScheduler(schedulerOf(bot), 2, 5);
  assert.ok(!h.listener.matches(other.makeEventData("_alarm", {})), "another event space");
  const withCq = new ChatHandler(seed(5), { timeout: 10, eventSpace: 1, includeCallbackQuery: true });
  assert.ok(withCq.listener.matches(cq));
  assert.equal(withCq.chatId, 5);
  assert.equal(withCq.sender.chatId, 5);
  assert.equal(withCq.administrator.chatId, 5);
  schedulerOf(bot).clear();
});

Deno.test("UserHandler and InlineUserHandler: capture the user's messages of their flavors", () => {
  const inline = { id: "q", from: { id: 7 }, query: "a", offset: "" };
  const user = new UserHandler(seed(7), { timeout: 10, eventSpace: 1 });
  assert.ok(user.listener.matches(chatMsg(7)) && user.listener.matches(inline));
  const inlineOnly = new InlineUserHandler(seed(7), { timeout: 10, eventSpace: 1 });
  assert.ok(!inlineOnly.listener.matches(chatMsg(7)));
  assert.ok(inlineOnly.listener.matches(inline));
  assert.ok(!inlineOnly.listener.matches({ ...inline, from: { id: 8 } }));
  const all = new UserHandler(seed(7), { timeout: 10, eventSpace: 1, flavors: "all" });
  assert.ok(all.listener.matches({ id: "s", from: { id: 7 }, invoice_payload: "p", shipping_address: {} }));
  assert.equal(all.userId, 7);
  assert.equal(all.sender.chatId, 7, "a UserContext's sender writes to the user");
  const cq = { id: "c", from: { id: 7 }, chat_instance: "i", message: { message_id: 1, chat: { id: 7 } } };
  assert.ok(!user.listener.matches(cq));
  const withCq = new UserHandler(seed(7), { timeout: 10, eventSpace: 1, includeCallbackQuery: true });
  assert.ok(withCq.listener.matches(cq), "includeCallbackQuery: queries from the private chat");
  schedulerOf(bot).clear();
});

Deno.test("CallbackQueryOriginHandler: its origin, an Editor for it, and only that origin's callback queries", () => {
  const h = new CallbackQueryOriginHandler(seed([9, 4]), { timeout: 10, eventSpace: 1 });
  assert.deepEqual(h.origin, [9, 4]);
  assert.deepEqual(h.editor.msgIdentifier, [9, 4]);
  const cq = (chatId: number, messageId: number) => ({
    id: "c",
    from: { id: 7 },
    chat_instance: "i",
    data: "d",
    message: { message_id: messageId, date: 0, chat: { id: chatId, type: "group" } },
  });
  assert.ok(h.listener.matches(cq(9, 4)));
  assert.ok(!h.listener.matches(cq(9, 5)));
  const inline = new CallbackQueryOriginHandler(seed(["im"]), { timeout: 10, eventSpace: 1 });
  assert.ok(
    inline.listener.matches({ id: "c", from: { id: 7 }, chat_instance: "i", inline_message_id: "im" }),
  );
  assert.ok(!inline.listener.matches(cq(9, 4)));
  schedulerOf(bot).clear();
});

Deno.test("Monitor: captures what it is told and never times out", () => {
  const m = new Monitor(seed(1), [[{ text: "ping" }], [(msg: Msg) => msg.n > 2]]);
  assert.ok(m.listener.matches({ text: "ping" }));
  assert.ok(m.listener.matches({ n: 3 }));
  assert.ok(!m.listener.matches({ n: 1 }));
  assert.equal((m as unknown as { scheduler?: unknown }).scheduler, undefined);
});

Deno.test("Monitor with perApplication: one delegate for the whole bot, fed what its patterns capture", async () => {
  const seen: string[] = [];
  class Watcher extends Monitor {
    onChatMessage(msg: Msg): void {
      seen.push(msg.text);
    }
  }
  const watched = new DelegatorBot("1:T", [[
    perApplication(),
    createOpen(Watcher, [[{ text: (t: string) => t.startsWith("!") }]]),
  ]]);
  for (const [chat, text] of [[1, "!a"], [2, "b"], [3, "!c"]] as const) {
    await watched.handle(chatMsg(chat, { text }));
  }
  await until(() => seen.length >= 2);
  assert.deepEqual(seen, ["!a", "!c"], "the first message starts it; later ones reach it only if captured");
  assert.equal(watched.delegateCount, 1);
});

Deno.test("IdleEventCoordinator: refresh keeps one pending _idle; a stale one is ignored; close cancels", async () => {
  const emitted: Msg[] = [];
  const scheduler = new StandardEventScheduler(new EventScheduler<Msg>((e) => emitted.push(e)), 1, "me");
  const idle = new IdleEventCoordinator(scheduler, 0.05);
  idle.refresh();
  const first = idle.event!;
  idle.refresh();
  assert.equal(idle.event, first, "postponed in place while pending");
  assert.equal(scheduler.scheduler.size, 1);
  await until(() => emitted.length >= 1);
  assert.equal(emitted.length, 1);
  assert.deepEqual(emitted[0], { _idle: { source: { space: 1, id: "me" }, seconds: 0.05 } });
  const handled: Msg[] = [];
  const onMessage = idle.augmentOnMessage((msg: Msg) => handled.push(msg));
  onMessage(chatMsg(1)); // a message arrives after the event fired: a fresh countdown
  assert.notEqual(idle.event, first);
  onMessage(emitted[0]); // the fired one is now stale
  assert.equal(handled.length, 1);
  const pending = idle.event!;
  const due = pending.when;
  await new Promise((r) => setTimeout(r, 20));
  onMessage({ _alarm: { source: { space: 1, id: "me" } } }); // an event is handled but refreshes nothing
  assert.equal(handled.length, 2);
  assert.equal(idle.event, pending);
  assert.equal(pending.when, due);
  onMessage(chatMsg(1));
  assert.ok(pending.when > due, "a message pushes the deadline back");
  const onClose = idle.augmentOnClose((ex) => ex);
  onClose(new StopListening());
  assert.equal(scheduler.scheduler.size, 0);
  assert.equal(idle.event, undefined);
});

Deno.test("IdleTerminateMixin: onIdle throws IdleTerminate; a subclass's own onMessage still refreshes", () => {
  class Custom extends ChatHandler {
    seen = 0;
    override onMessage(msg: Msg): unknown {
      this.seen++;
      return msg;
    }
  }
  const h = new Custom(seed(3), { timeout: 1, eventSpace: 9 });
  const pending = h.idleEventCoordinator.event!;
  const before = pending.when;
  h.onMessage(chatMsg(3));
  assert.equal(h.seen, 1);
  assert.ok(pending.when >= before, "refreshed");
  assert.throws(
    () => h.onIdle({ _idle: { seconds: 1 } }),
    (e) => e instanceof IdleTerminate && e.seconds === 1,
  );
  h.onClose(new StopListening());
  assert.equal(h.idleEventCoordinator.event, undefined);
  schedulerOf(bot).clear();
});

Deno.test("StandardEventScheduler: event flavors must start with an underscore", () => {
  const s = new StandardEventScheduler(schedulerOf(bot), 1, 2);
  assert.throws(() => s.makeEventData("alarm", {}), BadInput);
  assert.deepEqual(s.makeEventData("_alarm", { x: 1 }), { _alarm: { source: { space: 1, id: 2 }, x: 1 } });
  assert.equal(s.eventSpace, 1);
  const e = s.eventLater(10, ["_x", {}]);
  assert.deepEqual(e.data, { _x: { source: { space: 1, id: 2 } } });
  s.cancel(e);
  assert.equal(schedulerOf(bot).size, 0);
  assert.throws(() => s.cancel(e), EventNotFound, "already cancelled");
});

Deno.test("openable: fills in open, onMessage, onClose and close only where missing", () => {
  class Bare {
    onMessage() {
      return "mine";
    }
  }
  const Filled = openable(Bare);
  const b = new Filled() as Bare & {
    open(): unknown;
    onClose(ex: unknown): unknown;
    close(ex?: unknown): never;
  };
  assert.equal(b.onMessage(), "mine");
  assert.equal(b.open(), undefined);
  assert.equal(b.onClose(null), undefined);
  assert.throws(() => b.close(), StopListening);
  const boom = new Error("x");
  assert.throws(() => b.close(boom), (e) => e === boom);
  assert.throws(() => (b as unknown as { listener: unknown }).listener, BadInput, "no listener of its own");
  const WithListener = openable(
    class {
      listener: unknown;
      constructor() {
        this.listener = "mine";
      }
    },
  );
  assert.equal(new WithListener().listener, "mine");
  class Assigning {
    declare listener: unknown;
    constructor() {
      Object.assign(this, { listener: "assigned" });
    }
  }
  assert.equal((new (openable(Assigning))()).listener, "assigned", "an assignment overrides the stand-in");
});

Deno.test("StandardEventScheduler through a bot: eventNow and eventAt reach only the delegate that scheduled them", async () => {
  const got: string[] = [];
  class Ticker extends ChatHandler {
    onChatMessage(msg: Msg): void {
      if (msg.text === "now") this.scheduler.eventNow(["_tick", { how: "now" }]);
      else this.scheduler.eventAt(Date.now() / 1000 + 0.05, ["_tick", { how: "at" }]);
    }
    onTick(event: Msg): void {
      got.push(`${this.chatId}:${event._tick.how}`);
    }
  }
  const ticking = new DelegatorBot("1:T", [
    paveEventSpace()(perChatId(), createOpen, Ticker, { timeout: 5 }),
  ]);
  await ticking.handle(chatMsg(1, { text: "now" }));
  await ticking.handle(chatMsg(2, { text: "at" }));
  await until(() => got.length >= 2);
  assert.deepEqual(got, ["1:now", "2:at"]);
  schedulerOf(ticking).clear();
});

Deno.test("StandardEventScheduler: an event's data cannot replace its source, so it still reaches its delegate", async () => {
  const news: unknown[] = [];
  class Reader extends ChatHandler {
    onChatMessage() {
      assert.deepEqual(this.scheduler.makeEventData("_news", { source: "rss", title: "hi" }), {
        _news: { source: this.scheduler.source, title: "hi" },
      });
      this.scheduler.eventNow(["_news", { source: "rss", title: "hello" }]);
    }
    onNews(event: Msg) {
      news.push(event);
    }
  }
  const reading = new DelegatorBot("1:T", [
    paveEventSpace()(perChatId(), createOpen, Reader, { timeout: 10 }),
  ]);
  await reading.handle(chatMsg(5));
  await until(() => news.length === 1);
  assert.equal((news[0] as { _news: { title: string } })._news.title, "hello");
  schedulerOf(reading).clear();
});
