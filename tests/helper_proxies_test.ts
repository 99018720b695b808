import assert from "node:assert/strict";
import { ADMINISTRATOR_METHODS, EDITOR_METHODS, SENDER_METHODS } from "../api/classification.gen.ts";
import { TARGET_POSITIONS } from "../api/classification.gen.ts";
import type { ApiMethods } from "../api/methods.gen.ts";
import { isCallTo } from "../api/transformers.ts";
import { Bot } from "../bot/bot.ts";
import { Mailbox } from "../bot/mailbox.ts";
import { BadInput } from "../exception/bad_input.ts";
import {
  Administrator,
  AnswererMixin,
  DefaultRouterMixin,
  Editor,
  IdleTerminateMixin,
  installTargetedMethods,
  InterceptCallbackQueryMixin,
  Listener,
  Sender,
  StandardEventMixin,
} from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

/** A bot stand-in that records which method got which arguments. */
function recordingBot(): { bot: ApiMethods; calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  const bot = new Proxy({}, {
    get: (_t, name) => (...args: unknown[]) => {
      calls.push([String(name), args]);
      return Promise.resolve(true);
    },
  }) as ApiMethods;
  return { bot, calls };
}

Deno.test("Sender/Administrator/Editor: every method of their classification table, none missing", () => {
  for (const m of SENDER_METHODS) assert.equal(typeof (Sender.prototype as never)[m], "function", m);
  for (const m of ADMINISTRATOR_METHODS) {
    assert.equal(typeof (Administrator.prototype as never)[m], "function", m);
  }
  for (const m of EDITOR_METHODS) assert.equal(typeof (Editor.prototype as never)[m], "function", m);
  assert.ok(SENDER_METHODS.length > 20 && ADMINISTRATOR_METHODS.length > 30 && EDITOR_METHODS.length > 8);
});

Deno.test("proxies insert the chat or message identifier where the method takes it", async () => {
  const { bot, calls } = recordingBot();
  await new Sender(bot, 42).sendMessage("hi", { disable_notification: true });
  await new Sender(bot, 42).forwardMessage(7, 9);
  await new Administrator(bot, -100).banChatMember(5);
  await new Administrator(bot, -100).leaveChat();
  const editor = new Editor(bot, { message_id: 3, chat: { id: 42 } });
  await editor.editMessageText("new");
  await editor.setGameScore(11, 500);
  await editor.getGameHighScores(11);
  await new Editor(bot, "inline-1").deleteMessage();
  assert.deepEqual(calls, [
    ["sendMessage", [42, "hi", { disable_notification: true }]],
    ["forwardMessage", [42, 7, 9]],
    ["banChatMember", [-100, 5]],
    ["leaveChat", [-100]],
    ["editMessageText", [[42, 3], "new"]],
    ["setGameScore", [11, 500, [42, 3]]],
    ["getGameHighScores", [11, [42, 3]]],
    ["deleteMessage", ["inline-1"]],
  ]);
  assert.equal(TARGET_POSITIONS.setGameScore, 2);
  assert.equal(TARGET_POSITIONS.sendMessage, 0);
});

Deno.test("proxies over a real bot and the emulator: send, administer, edit, delete", async () => {
  const emu = await BotApiEmulator.start();
  try {
    const handle = emu.createBot({ username: "proxy_bot" });
    const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "hello");
    const sender = new Sender(bot, alice.id);
    const sent = await sender.sendMessage("first");
    assert.equal((await emu.nextBotMessage(alice.id)).text, "first");
    const chat = await new Administrator(bot, alice.id).getChat();
    assert.equal(chat.id, alice.id);
    const editor = new Editor(bot, sent);
    await editor.editMessageText("edited");
    assert.equal(emu.message(alice.id, sent.message_id)?.text, "edited");
    await editor.deleteMessage();
    assert.equal(emu.message(alice.id, sent.message_id), undefined);
  } finally {
    await emu.close();
  }
});

Deno.test("Sender, Administrator and Editor refuse a bot that is no object, a chat that is none, and Editor a null message or a malformed identifier, when made", () => {
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const none = (value: unknown) => value as never;
  const { bot } = recordingBot();
  for (const notABot of [null, undefined, 5, "bot"]) {
    assert.throws(() => new Sender(none(notABot), 1), badInput("bot"));
    assert.throws(() => new Administrator(none(notABot), 1), badInput("bot"));
    assert.throws(() => new Editor(none(notABot), [1, 2]), badInput("bot"));
  }
  for (const notAChat of [null, undefined, "", NaN, {}]) {
    assert.throws(() => new Sender(bot, none(notAChat)), badInput("chatId"));
    assert.throws(() => new Administrator(bot, none(notAChat)), badInput("chatId"));
  }
  assert.equal(new Sender(bot, "@channel").chatId, "@channel");
  for (const notAnIdentifier of [[], [1], [1, "2"], ["", 2, 3, 4], [null, 2], ""]) {
    assert.throws(() => new Editor(bot, none(notAnIdentifier)), badInput("msgIdentifier"));
  }
  assert.deepEqual(new Editor(bot, [-100, 7, 3]).msgIdentifier, [-100, 7, 3]);
  assert.deepEqual(new Editor(bot, ["inline"]).msgIdentifier, ["inline"]);
  assert.throws(() => new Editor(bot, none(null)), badInput("msg"));
  assert.throws(() => new Editor(bot, none(undefined)), badInput("msg"));
  assert.throws(() => installTargetedMethods(none(null), ["sendMessage"], "chatId"), badInput("proto"));
  assert.throws(() => installTargetedMethods({}, none(null), "chatId"), badInput("names"));
  assert.throws(() => installTargetedMethods({}, none("sendMessage"), "chatId"), badInput("names"));
  assert.throws(() => installTargetedMethods({}, ["sendMessage"], none(5)), badInput("field"));
});

Deno.test("mixins refuse a base that is no class, Listener a mailbox that is none, Mailbox a null tuner and isCallTo a call that is none, with BadInput", () => {
  const none = (value: unknown) => value as never;
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const mixins = {
    AnswererMixin,
    DefaultRouterMixin,
    IdleTerminateMixin,
    InterceptCallbackQueryMixin,
    StandardEventMixin,
  } as Record<string, (Base: never) => unknown>;
  for (const [name, mixin] of Object.entries(mixins)) {
    assert.throws(() => mixin(none(5)), badInput("Base"), name);
  }
  assert.throws(() => new Listener(none(null)), badInput("mailbox"));
  assert.throws(() => new Mailbox(none(null)), badInput("tuner"));
  assert.throws(() => isCallTo(none(null), "sendMessage"), badInput("call"));
  assert.equal(isCallTo({ method: "getMe", params: {}, options: {} }, "sendMessage"), false);
});
