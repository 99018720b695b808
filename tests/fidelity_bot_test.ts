// telepot fidelity (issue 10, points 5, 8, 10 and 13): Bot, its default router, its scheduler and
// messageLoop's arguments, played over the emulator.
import assert from "node:assert/strict";
import type { CallbackQuery, InlineQuery, Message } from "../api/types.gen.ts";
import { Bot } from "../bot/bot.ts";
import type { LoopMessage } from "../bot/handler.ts";
import { UpdateQueue } from "../bot/update_queue.ts";
import { BadFlavor, BadInput } from "../exception/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";
import { until } from "./support/until.ts";

const quick = { timeout: 1, relax: 0 };

async function setup(username: string) {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username });
  const alice = emu.createUser({ first_name: "Alice" });
  return { emu, handle, alice };
}

// The docs' skeleton as a Bot subclass: flavor methods, no handler given to messageLoop.
class Skeleton extends Bot {
  seen: string[] = [];
  async onChatMessage(msg: Message): Promise<void> {
    this.seen.push(`chat ${msg.text}`);
    await this.sendMessage(msg.chat.id, "Press", {
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
  }
  onEditedChatMessage(msg: Message): void {
    this.seen.push(`edited ${msg.text}`);
  }
  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    this.seen.push(`callback ${query.data}`);
    await this.answerCallbackQuery(query.id, { text: "Got it" });
  }
  async onInlineQuery(query: InlineQuery): Promise<void> {
    this.seen.push(`inline ${query.query}`);
    await this.answerInlineQuery(query.id, [{
      type: "article",
      id: "a",
      title: "A",
      input_message_content: { message_text: "a" },
    }]);
  }
  onChosenInlineResult(result: { result_id: string }): void {
    this.seen.push(`chosen ${result.result_id}`);
  }
}

Deno.test("point 10: a Bot subclass with onChatMessage, onCallbackQuery, onInlineQuery… works with messageLoop()", async () => {
  const { emu, handle, alice } = await setup("skeleton_bot");
  const bot = new Skeleton(handle.token, { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(undefined, quick);
  try {
    const sent = await alice.sendText(alice.id, "hi");
    const reply = await emu.nextBotMessage(alice.id);
    await alice.editText(sent, "hi!");
    const query = await alice.pressButton(reply, "go");
    assert.equal((await emu.answerOf(query)).text, "Got it");
    const asked = await alice.inlineQuery(handle.username, "q");
    await emu.answerOf(asked);
    await alice.chooseInlineResult(asked, "a");
    await until(() => bot.seen.length === 5);
    assert.deepEqual(bot.seen, ["chat hi", "edited hi!", "callback go", "inline q", "chosen a"]);
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("point 10: a flavor the subclass has no method for is reported 'no handler for …' and the loop goes on", async () => {
  const { emu, handle, alice } = await setup("chat_only_bot");
  class ChatOnly extends Bot {
    texts: string[] = [];
    onChatMessage(msg: Message): void {
      this.texts.push(msg.text!);
    }
  }
  const bot = new ChatOnly(handle.token, { apiRoot: emu.apiRoot });
  const errors: unknown[] = [];
  const loop = bot.messageLoop(undefined, { ...quick, onError: (error) => void errors.push(error) });
  try {
    const sent = await alice.sendText(alice.id, "one");
    await alice.editText(sent, "one!");
    await alice.sendText(alice.id, "two");
    await until(() => bot.texts.length === 2 && errors.length === 1);
    assert.ok(errors[0] instanceof BadFlavor);
    assert.match((errors[0] as Error).message, /No handler for edited_chat: define onEditedChatMessage/);
    assert.equal(emu.pendingUpdates(handle).length, 0, "the edit was not left behind either");
  } finally {
    await loop.stop();
    await emu.close();
  }
  // Neither a handler nor a flavor method nor handle: refused at once, with a reason.
  assert.throws(() => new Bot("1:T").messageLoop(), BadInput);
});

Deno.test("point 8: a plain Bot has bot.scheduler; its events reach the routing table's _alarm entry", async () => {
  const { emu, handle, alice } = await setup("alarm_bot");
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  // telepot's alarm example: "/alarm" schedules an event, the _alarm entry answers it.
  const loop = bot.messageLoop({
    chat: (msg) => {
      bot.scheduler.eventLater(0.05, { _alarm: { chat_id: msg.chat.id, text: "Beep" } });
    },
    _alarm: (event) => bot.sendMessage(event._alarm.chat_id, event._alarm.text),
  }, quick);
  try {
    await alice.sendText(alice.id, "/alarm");
    assert.equal((await emu.nextBotMessage(alice.id)).text, "Beep");
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("point 8: events reach a function handler, a synchronous handle() and onAlarm; failures go to onError", async () => {
  const { emu, handle } = await setup("events_bot");
  using recorded = recordConsoleErrors();
  const got: string[] = [];
  // A function handler.
  const plain = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const errors: unknown[] = [];
  const loop1 = plain.messageLoop((msg: LoopMessage) => {
    if (msg._boom) throw new Error("boom");
    got.push(`fn ${Object.keys(msg)[0]}`);
  }, { ...quick, onError: (error) => void errors.push(error) });
  plain.scheduler.eventNow({ _tick: {} });
  plain.scheduler.eventNow({ _boom: {} });
  await until(() => got.length === 1 && errors.length === 1);
  await loop1.stop();
  // A subclass with a synchronous handle(), as telepot's examples write it.
  class Sync extends Bot {
    override handle(msg: LoopMessage): void {
      got.push(`sync ${Object.keys(msg)[0]}`);
    }
  }
  const sync = new Sync(handle.token, { apiRoot: emu.apiRoot });
  const loop2 = sync.messageLoop(undefined, quick);
  sync.scheduler.eventLater(0.01, { _tick: {} });
  await until(() => got.length === 2);
  await loop2.stop();
  // The default router: `_alarm` → onAlarm.
  class Alarmed extends Bot {
    onChatMessage(): void {}
    onAlarm(event: { _alarm: { n: number } }): void {
      got.push(`onAlarm ${event._alarm.n}`);
    }
  }
  const alarmed = new Alarmed(handle.token, { apiRoot: emu.apiRoot });
  const loop3 = alarmed.messageLoop(undefined, quick);
  alarmed.scheduler.eventNow({ _alarm: { n: 1 } });
  await until(() => got.length === 3);
  await loop3.stop();
  assert.deepEqual(got, ["fn _tick", "sync _tick", "onAlarm 1"]);
  assert.match(String(errors[0]), /boom/);
  assert.equal(recorded.calls.length, 0, "no TypeError logged for a synchronous handle()");
  await emu.close();
});

Deno.test("point 13: messageLoop refuses a bad source and every other bad option at call time", async () => {
  const { emu, handle } = await setup("options_bot");
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const fn = () => {};
  const bad: [string, unknown][] = [
    ["source", 42],
    ["source", "not a queue"],
    ["relax", -1],
    ["timeout", 1.5],
    ["ordered", "yes"],
    ["maxhold", "3"],
    ["runForever", 1],
    ["allowedUpdates", ["messages"]],
    ["signal", {}],
    ["onError", "log"],
    ["stopTimeout", Infinity],
    ["backoff", { initial: -1 }],
    ["backoff", { start: 1 }],
    ["limit", 101],
    ["maxInFlight", 0],
    ["stuckAfter", -5],
    ["handleSignals", 1],
    ["run_forever", true],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => bot.messageLoop(fn, { [name]: value } as never),
      (e) => e instanceof BadInput && e.message.includes(`options.${name}`),
      `${name}: ${JSON.stringify(value)}`,
    );
  }
  assert.throws(() => bot.messageLoop(fn, 42 as never), BadInput);
  // telepot's keyword arguments passed where the routing table goes: told where options belong.
  assert.throws(
    () => bot.messageLoop({ source: new UpdateQueue() } as never),
    (e) => e instanceof BadInput && /options go second/.test(e.message),
  );
  assert.equal(emu.bot(handle).queue.allowedList(), null, "nothing was started: no getUpdates call");
  // Good options of every kind still pass.
  const loop = bot.messageLoop(fn, {
    ...quick,
    source: new UpdateQueue(),
    ordered: false,
    maxhold: 1,
    runForever: false,
    allowedUpdates: ["message"],
    signal: new AbortController().signal,
    onError: () => {},
    stopTimeout: 1,
    backoff: { initial: 0.1, max: 1 },
    limit: 10,
    maxInFlight: 5,
    stuckAfter: Infinity,
    handleSignals: false,
  });
  await loop.stop();
  await emu.close();
});

Deno.test("point 5: a table without an entry still receives that flavor and reports it; a named opt-in kind is asked for", async () => {
  const { emu, handle, alice } = await setup("table_bot");
  const group = emu.createGroup({ title: "G", members: [alice], bots: [handle] });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const errors: unknown[] = [];
  const members: string[] = [];
  const loop = bot.messageLoop({
    chat: () => {},
    chat_member: (update) => void members.push(update.new_chat_member.user.first_name),
  }, { ...quick, onError: (error) => void errors.push(error) });
  try {
    // Telegram applies allowed_updates from the first getUpdates on.
    await until(() => emu.bot(handle).queue.allowedList() !== null);
    const sent = await alice.sendText(alice.id, "x");
    await alice.editText(sent, "y"); // no edited_chat entry and no null: reported, not withheld
    const bob = emu.createUser({ first_name: "Bob" });
    await bob.join(group.id);
    await until(() => errors.length === 1 && members.length === 1);
    assert.match((errors[0] as Error).message, /No handler for edited_chat/);
    assert.deepEqual(members, ["Bob"]);
    const allowed = emu.bot(handle).queue.allowedList()!;
    assert.ok(allowed.includes("edited_message") && allowed.includes("callback_query"), "not narrowed");
    assert.ok(allowed.includes("chat_member"), "the named opt-in kind");
    assert.ok(!allowed.includes("message_reaction"), "opt-in kinds nobody named stay as Telegram's default");
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("point 5: a Bot subclass's onChatMember asks for chat_member; without one, Telegram's default is kept", async () => {
  const { emu, handle, alice } = await setup("members_bot");
  const group = emu.createGroup({ title: "G", members: [alice], bots: [handle] });
  class Doorman extends Bot {
    joined: string[] = [];
    onChatMessage(): void {}
    onChatMember(update: { new_chat_member: { user: { first_name: string } } }): void {
      this.joined.push(update.new_chat_member.user.first_name);
    }
  }
  const bot = new Doorman(handle.token, { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(undefined, quick);
  try {
    await until(() => emu.bot(handle).queue.allowedList() !== null);
    assert.ok(emu.bot(handle).queue.allowedList()!.includes("chat_member"));
    await emu.createUser({ first_name: "Carol" }).join(group.id);
    await until(() => bot.joined.length === 1);
    assert.deepEqual(bot.joined, ["Carol"]);
  } finally {
    await loop.stop();
  }
  const plain = new Skeleton(handle.token, { apiRoot: emu.apiRoot });
  const second = plain.messageLoop(undefined, quick);
  try {
    await until(() => !emu.bot(handle).queue.allowedList()!.includes("chat_member"));
  } finally {
    await second.stop();
    await emu.close();
  }
});
