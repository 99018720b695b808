// Delegates against the emulator, where a chat's next message waits until its delegate has handled the
// current one: the idle countdown, callback buttons on copied messages, and the origins a delegate's
// successor inherits while it still closes.
import assert from "node:assert/strict";
import {
  type CallbackQuery,
  ChatHandler,
  createOpen,
  DelegatorBot,
  InterceptCallbackQueryMixin,
  interceptCallbackQueryOrigin,
  type Message,
  paveEventSpace,
  perChatId,
} from "../mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const buttons = { reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] } };

Deno.test("a message that came within the idle timeout while its delegate was busy goes to that delegate, not a new one", async () => {
  await using emu = await BotApiEmulator.start();
  const account = emu.createBot({ username: "count_bot" });
  let delegates = 0;
  class Counter extends ChatHandler {
    count = 0;
    constructor(...args: ConstructorParameters<typeof ChatHandler>) {
      super(...args);
      delegates++;
    }
    async onChatMessage(msg: Message) {
      this.count++;
      // Longer than the timeout: the `_idle` comes due while the next message waits for this one.
      if (msg.text === "slow") await sleep(1500);
      await this.sender.sendMessage(`count ${this.count}`);
    }
  }
  const bot = new DelegatorBot(account.token, [
    paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 1 }),
  ], {
    apiRoot: emu.apiRoot,
  });
  const loop = bot.messageLoop();
  try {
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "slow", { to: account });
    await sleep(300);
    await alice.sendText(alice.id, "second", { to: account });
    const replies = [
      await emu.nextBotMessage(alice.id, { timeout: 5 }),
      await emu.nextBotMessage(alice.id, { timeout: 5 }),
    ];
    assert.deepEqual(replies.map((m) => m.text), ["count 1", "count 2"]);
    assert.equal(delegates, 1);
  } finally {
    await loop.stop();
  }
});

Deno.test("an intercepting delegate copying a message with callback buttons gets the MessageId and the presses on the copy", async () => {
  await using emu = await BotApiEmulator.start();
  const account = emu.createBot({ username: "copy_bot" });
  const seen: string[] = [];
  class Copier extends InterceptCallbackQueryMixin(ChatHandler) {
    async onChatMessage(msg: Message) {
      const copied = await this.bot.copyMessage(msg.chat.id, msg.chat.id, msg.message_id, buttons);
      seen.push(`copied ${copied.message_id}`);
    }
    async onCallbackQuery(query: CallbackQuery) {
      seen.push(`press ${query.data}`);
      await this.bot.answerCallbackQuery(query.id, { text: "got it" });
    }
  }
  const bot = new DelegatorBot(account.token, [
    interceptCallbackQueryOrigin(paveEventSpace())(perChatId(), createOpen, Copier, { timeout: 10 }),
  ], { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop();
  try {
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "hello", { to: account });
    const copy = await emu.nextBotMessage(alice.id, { timeout: 5 });
    await until(() => seen.length === 1);
    assert.deepEqual(seen, [`copied ${copy.message_id}`]);
    const press = await alice.pressButton(copy, "Yes");
    assert.equal((await emu.answerOf(press, { timeout: 5 })).text, "got it");
    assert.deepEqual(seen, [`copied ${copy.message_id}`, "press yes"]);
  } finally {
    await loop.stop();
  }
});

Deno.test("a delegate opened while its predecessor's onClose still runs keeps the origins it captures", async () => {
  await using emu = await BotApiEmulator.start();
  const account = emu.createBot({ username: "shop_bot" });
  let instances = 0;
  const closing: number[] = [];
  const closed: number[] = [];
  let endGoodbye!: () => void;
  const goodbyeHeld = new Promise<void>((resolve) => endGoodbye = resolve);
  class Shop extends InterceptCallbackQueryMixin(ChatHandler) {
    readonly number = ++instances;
    async onChatMessage(msg: Message) {
      if (msg.text === "buy") await this.bot.sendMessage(msg.chat.id, "Buy?", buttons);
    }
    async onCallbackQuery(query: CallbackQuery) {
      await this.bot.answerCallbackQuery(query.id, { text: `ok from ${this.number}` });
    }
    override async onClose() {
      // An async goodbye, held until the test has had the successor opened meanwhile.
      closing.push(this.number);
      if (this.number === 1) await goodbyeHeld;
      closed.push(this.number);
    }
  }
  const bot = new DelegatorBot(account.token, [
    interceptCallbackQueryOrigin(paveEventSpace())(perChatId(), createOpen, Shop, { timeout: 0.5 }),
  ], { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop();
  try {
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "hi", { to: account });
    await until(() => closing.includes(1)); // the first one idled out and is saying goodbye
    await alice.sendText(alice.id, "hello", { to: account });
    await until(() => instances === 2);
    assert.equal(closed.length, 0);
    endGoodbye();
    await until(() => closed.includes(1));
    await alice.sendText(alice.id, "buy", { to: account });
    const offer = await emu.nextBotMessage(alice.id, { timeout: 5 });
    await until(() => closed.includes(2), 10_000); // the second one idled out too
    for (const _ of [1, 2]) {
      const press = await alice.pressButton(offer, "Yes");
      assert.match(String((await emu.answerOf(press, { timeout: 5 })).text), /^ok from \d$/);
    }
  } finally {
    await loop.stop();
  }
});
