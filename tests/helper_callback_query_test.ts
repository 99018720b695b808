import assert from "node:assert/strict";
import type { ApiMethods } from "../api/methods.gen.ts";
import { DelegatorBot, type Msg } from "../bot/delegator_bot.ts";
import { Mailbox } from "../bot/mailbox.ts";
import {
  CallbackQueryCoordinator,
  CAPTURING_EDIT_METHODS,
  CAPTURING_SEND_METHODS,
  ChatHandler,
  containsCallbackData,
  InterceptCallbackQueryMixin,
  Listener,
  OriginSet,
  type OriginTuple,
  schedulerOf,
} from "../helper/mod.ts";

const buttons = { reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] } };
const urlOnly = { reply_markup: { inline_keyboard: [[{ text: "site", url: "https://example.org" }]] } };

function fakeBot() {
  let nextId = 10;
  const bot = {
    token: "kept",
    sendMessage: (chatId: number) =>
      Promise.resolve({ message_id: nextId++, date: 0, chat: { id: chatId, type: "private" } }),
    editMessageText: (id: unknown) =>
      Promise.resolve(
        Array.isArray(id) && id.length === 2 ? { message_id: id[1], chat: { id: id[0] } } : true,
      ),
    deleteMessage: () => Promise.resolve(true),
    getMe: function(this: { token: string }) {
      return Promise.resolve(this.token);
    },
  };
  return bot as unknown as ApiMethods & { token: string };
}

Deno.test("containsCallbackData: only inline keyboards with callback_data count", () => {
  assert.ok(containsCallbackData([1, "text", buttons]));
  assert.ok(!containsCallbackData([1, "text", urlOnly]));
  assert.ok(!containsCallbackData([1, "text"]));
  assert.ok(CAPTURING_SEND_METHODS.includes("sendMessage") && CAPTURING_SEND_METHODS.includes("sendPhoto"));
  assert.ok(
    CAPTURING_EDIT_METHODS.includes("editMessageText")
      && CAPTURING_EDIT_METHODS.includes("editMessageReplyMarkup"),
  );
});

Deno.test("CallbackQueryCoordinator: send with buttons captures, edit without buttons releases, notifier told", async () => {
  const notes: [OriginTuple, unknown, boolean][] = [];
  const set = new OriginSet();
  const cqc = new CallbackQueryCoordinator("me", set, (o, id, adding) => notes.push([o, id, adding]), false);
  const bot = cqc.augmentBot(fakeBot());
  const plain = await bot.sendMessage(5, "no buttons", urlOnly);
  const sent = await bot.sendMessage(5, "buttons", buttons);
  assert.ok(!set.has([5, plain.message_id]));
  assert.ok(set.has([5, sent.message_id]));
  await bot.editMessageText([5, sent.message_id], "still", buttons);
  await bot.editMessageText([5, sent.message_id], "gone");
  assert.ok(!set.has([5, sent.message_id]));
  await bot.editMessageText("inline-1", "inline disabled", buttons);
  assert.ok(!set.has(["inline-1"]), "inline capture is off");
  assert.deepEqual(notes, [[[5, 11], "me", true], [[5, 11], "me", true], [[5, 11], "me", false]]);
  assert.equal(await bot.getMe(), "kept", "other methods are the bot's own, bound to it");
});

Deno.test("CallbackQueryCoordinator: chosen inline results and deletions; listener captures only captured origins", async () => {
  const set = new OriginSet();
  const cqc = new CallbackQueryCoordinator(1, set, true, true);
  const handled: Msg[] = [];
  const onMessage = cqc.augmentOnMessage((msg) => handled.push(msg));
  onMessage({ result_id: "r", from: { id: 1 }, query: "q", inline_message_id: "im-1" });
  assert.ok(set.has(["im-1"]));
  assert.equal(handled.length, 1);
  const box = new Mailbox<Msg>();
  const listener = new Listener(box);
  cqc.configure(listener);
  const fromInline = { id: "1", from: { id: 2 }, chat_instance: "c", inline_message_id: "im-1", data: "x" };
  const fromChat = {
    id: "2",
    from: { id: 2 },
    chat_instance: "c",
    message: { message_id: 4, chat: { id: 9 } },
    data: "x",
  };
  assert.ok(listener.matches(fromInline));
  assert.ok(!listener.matches(fromChat));
  cqc.captureOrigin([9, 4], { notify: false });
  assert.ok(listener.matches(fromChat));
  const bot = cqc.augmentBot(fakeBot());
  await bot.deleteMessage([9, 4]);
  assert.ok(!listener.matches(fromChat));
  await bot.editMessageText("im-2", "inline buttons", buttons);
  assert.ok(set.has(["im-2"]), "an inline message edited to carry callback buttons is captured");
  await bot.editMessageText("im-2", "inline, no buttons");
  assert.ok(!set.has(["im-2"]), "and released when edited away");
});

Deno.test("InterceptCallbackQueryMixin: origins outlive a delegate for its successor, per bot, and are dropped when empty", () => {
  class Capturing extends InterceptCallbackQueryMixin(ChatHandler) {}
  const botA = new DelegatorBot("1:A", []);
  const botB = new DelegatorBot("2:B", []);
  const options = { timeout: 10, eventSpace: 1, interceptCallbackQuery: true };
  const first = new Capturing([botA, {}, 5], options);
  first.callbackQueryCoordinator.captureOrigin([5, 1]);
  first.onClose(null);
  const successor = new Capturing([botA, {}, 5], options);
  assert.ok(successor.callbackQueryCoordinator.originSet.has([5, 1]), "same bot, same seed: kept");
  const elsewhere = new Capturing([botB, {}, 5], options);
  assert.ok(!elsewhere.callbackQueryCoordinator.originSet.has([5, 1]), "another bot: separate");
  successor.callbackQueryCoordinator.uncaptureOrigin([5, 1]);
  successor.onClose(null);
  const fresh = new Capturing([botA, {}, 5], options);
  assert.notEqual(fresh.callbackQueryCoordinator.originSet, successor.callbackQueryCoordinator.originSet);
  schedulerOf(botA).clear();
  schedulerOf(botB).clear();
});

Deno.test("InterceptCallbackQueryMixin: an onClose that throws still lets go of the seed's origin set", () => {
  class Shop extends InterceptCallbackQueryMixin(ChatHandler) {
    fail = false;
    override onClose(): unknown {
      if (this.fail) throw new Error("goodbye failed");
      return undefined;
    }
  }
  const bot = new DelegatorBot("1:x", []);
  const msg = { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "x" };
  const options = { interceptCallbackQuery: true, eventSpace: "s", timeout: 60 };
  const make = () => new Shop([bot, msg, 5] as never, options as never);
  try {
    const failing = make();
    failing.fail = true;
    assert.throws(() => failing.onClose(), /goodbye failed/);
    const next = make();
    assert.notEqual(next.callbackQueryCoordinator.originSet, failing.callbackQueryCoordinator.originSet);
    next.onClose();
  } finally {
    bot.scheduler.clear();
  }
});
