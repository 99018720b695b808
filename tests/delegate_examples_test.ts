import assert from "node:assert/strict";
import type { CallbackQuery, InlineQuery, Message } from "../api/types.gen.ts";
import { DelegatorBot, type SeedTuple } from "../bot/delegator_bot.ts";
import {
  createOpen,
  interceptCallbackQueryOrigin,
  paveEventSpace,
  perCallbackQueryOrigin,
  perChatId,
  perInlineFromId,
} from "../delegate/mod.ts";
import {
  AnswererMixin,
  CallbackQueryOriginHandler,
  ChatHandler,
  type ChatHandlerOptions,
  InlineUserHandler,
  InterceptCallbackQueryMixin,
  schedulerOf,
} from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const quick = { timeout: 1, relax: 0 };

const sleep = (seconds: number): Promise<void> => new Promise((r) => setTimeout(r, seconds * 1000));

/** Runs `body` with an emulator, a delegator bot over `patterns` polling it, and cleans everything up. */
async function withBot(
  patterns: ConstructorParameters<typeof DelegatorBot>[1],
  body: (ctx: { emu: BotApiEmulator; bot: DelegatorBot; username: string }) => Promise<void>,
): Promise<void> {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "delegating_bot" });
  const bot = new DelegatorBot(handle.token, patterns, { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(undefined, quick);
  try {
    await body({ emu, bot, username: handle.username });
  } finally {
    await loop.stop();
    await loop.done;
    schedulerOf(bot).clear();
    await emu.close();
  }
}

// The reference's message counter: one delegate per chat, starting over after an idle timeout.
class MessageCounter extends ChatHandler {
  count = 0;
  async onChatMessage(_msg: Message): Promise<void> {
    this.count++;
    await this.sender.sendMessage(String(this.count));
  }
}

Deno.test("example: per-chat message counter with idle timeout, over the emulator", async () => {
  await withBot(
    // Two idle seconds: a loaded machine may take a while between a chat's first and second message.
    [paveEventSpace()(perChatId(), createOpen, MessageCounter, { timeout: 2 })],
    async ({ emu, bot }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      const bob = emu.createUser({ first_name: "Bob" });
      await alice.sendText(alice.id, "a");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "1");
      await bob.sendText(bob.id, "x");
      assert.equal((await emu.nextBotMessage(bob.id)).text, "1", "each chat counts on its own");
      await alice.sendText(alice.id, "b");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "2");
      assert.equal(bot.delegateCount, 2);
      await until(() => bot.delegateCount === 0);
      await alice.sendText(alice.id, "c");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "1", "a new delegate after the idle timeout");
    },
  );
});

// The reference's inline handler per user: an Answerer computes, a newer query aborts the older one.
class QueryCounter extends AnswererMixin(InlineUserHandler) {
  count = 0;
  chosen: string[] = [];
  onInlineQuery(msg: InlineQuery): void {
    this.answerer.answer(msg, async (signal: AbortSignal) => {
      // Long enough that the newer query reaches the bot first on a loaded machine.
      await sleep(3);
      signal.throwIfAborted();
      this.count++;
      const text = `${this.count}. ${msg.query}`;
      return [{ type: "article", id: "abc", title: text, input_message_content: { message_text: text } }];
    });
  }
  onChosenInlineResult(msg: { result_id: string }): void {
    this.chosen.push(msg.result_id);
  }
}

Deno.test("example: inline handler per user with Answerer; a superseded query is never answered", async () => {
  await withBot(
    [paveEventSpace()(perInlineFromId(), createOpen, QueryCounter, { timeout: 15 })],
    async ({ emu, bot, username }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      const bob = emu.createUser({ first_name: "Bob" });
      const first = await alice.inlineQuery(username, "he");
      await until(() => bot.delegateCount === 1);
      const second = await alice.inlineQuery(username, "hello");
      const bobs = await bob.inlineQuery(username, "hi");
      const answer = await emu.answerOf(second, { timeout: 30 });
      assert.equal((answer.results as { title: string }[])[0].title, "1. hello");
      assert.equal(
        ((await emu.answerOf(bobs, { timeout: 30 })).results as { title: string }[])[0].title,
        "1. hi",
      );
      await assert.rejects(emu.answerOf(first, { timeout: 0.6 }), "the aborted computation sent nothing");
      assert.equal(bot.delegateCount, 2, "one delegate per user");
      await alice.chooseInlineResult(second, "abc");
      await until(() => bot.delegateCount === 2 && emu.pendingUpdates(username).length === 0);
    },
  );
});

// A callback-query origin handler: one delegate per message carrying buttons, editing that message.
class Voting extends CallbackQueryOriginHandler {
  votes = 0;
  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    this.votes++;
    await this.bot.answerCallbackQuery(query.id, { text: `vote ${this.votes}` });
    await this.editor.editMessageText(`${this.votes} votes`, { reply_markup: keyboard("vote") });
  }
}

function keyboard(data: string) {
  return { inline_keyboard: [[{ text: data, callback_data: data }]] };
}

Deno.test("example: callback-query origin handler edits its own message", async () => {
  await withBot(
    [paveEventSpace()(perCallbackQueryOrigin(), createOpen, Voting, { timeout: 5 })],
    async ({ emu, bot }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      await alice.sendText(alice.id, "start");
      const poll = await bot.sendMessage(alice.id, "0 votes", { reply_markup: keyboard("vote") });
      const other = await bot.sendMessage(alice.id, "0 votes", { reply_markup: keyboard("vote") });
      const q1 = await alice.pressButton(poll, "vote");
      assert.equal((await emu.answerOf(q1)).text, "vote 1");
      const q2 = await alice.pressButton(poll, "vote");
      assert.equal((await emu.answerOf(q2)).text, "vote 2");
      const q3 = await alice.pressButton(other, "vote");
      assert.equal((await emu.answerOf(q3)).text, "vote 1", "the other message has its own delegate");
      await until(() => emu.message(alice.id, poll.message_id)?.text === "2 votes");
      assert.equal(bot.delegateCount, 2);
    },
  );
});

// Dynamic capture: a chat delegate receives queries from the messages it sent with callback buttons.
class Lover extends InterceptCallbackQueryMixin(ChatHandler) {
  answers: string[] = [];
  async onChatMessage(): Promise<void> {
    await this.sender.sendMessage("Do you love me?", { reply_markup: keyboard("yes") });
  }
  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    this.answers.push(query.data ?? "");
    await this.bot.answerCallbackQuery(query.id, { text: `got ${this.answers.length}` });
  }
}

Deno.test("example: interceptCallbackQueryOrigin routes button presses to the delegate that sent them", async () => {
  await withBot(
    [interceptCallbackQueryOrigin(paveEventSpace())(perChatId(), createOpen, Lover, { timeout: 5 })],
    async ({ emu, bot }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      await alice.sendText(alice.id, "hi");
      const question = await emu.nextBotMessage(alice.id);
      assert.equal(question.text, "Do you love me?");
      const q = await alice.pressButton(question, "yes");
      assert.equal((await emu.answerOf(q)).text, "got 1");
      const q2 = await alice.pressButton(question, "yes");
      assert.equal((await emu.answerOf(q2)).text, "got 2");
      assert.equal(bot.delegateCount, 1, "presses went to the chat's delegate, no new one");
    },
  );
});

// An alarm through the delegate's own scheduler and a custom `_alarm` routing-table entry.
class Alarm extends ChatHandler {
  constructor(seedTuple: SeedTuple, options: ChatHandlerOptions) {
    super(seedTuple, options);
    this.router.routingTable["_alarm"] = (event: { _alarm: { payload: string } }) =>
      this.sender.sendMessage(`Beep beep, ${event._alarm.payload}`);
  }
  onChatMessage(msg: Message): void {
    const [delay, ...words] = (msg.text ?? "").split(" ");
    this.scheduler.eventLater(Number(delay), ["_alarm", { payload: words.join(" ") }]);
  }
}

Deno.test("example: an alarm via eventLater reaches only the delegate that set it", async () => {
  await withBot(
    [paveEventSpace()(perChatId(), createOpen, Alarm, { timeout: 5 })],
    async ({ emu }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      const bob = emu.createUser({ first_name: "Bob" });
      const started = Date.now();
      await alice.sendText(alice.id, "0.3 wake up");
      await bob.sendText(bob.id, "0.1 tea");
      assert.equal((await emu.nextBotMessage(bob.id)).text, "Beep beep, tea");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "Beep beep, wake up");
      assert.ok(Date.now() - started >= 300, "not before its time");
      assert.equal(emu.transcript(bob.id).filter((m) => m.from?.is_bot).length, 1, "bob got only his alarm");
    },
  );
});
