import assert from "node:assert/strict";
import { METHODS, TYPES } from "../api/spec.gen.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { SpecValidator } from "../testing/validate.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const spec = new SpecValidator(METHODS, TYPES);

function conforms(type: string, value: unknown, what: string): void {
  assert.equal(spec.check(type, value), null, `${what}: ${JSON.stringify(value)}`);
}

Deno.test("the conformance check itself catches missing and mistyped fields", () => {
  assert.match(spec.check("Message", { message_id: 1, date: 0 })!, /chat/);
  assert.match(
    spec.check("Message", { message_id: 1, date: 0, chat: { id: "x", type: "private" } })!,
    /chat\.id/,
  );
  assert.match(spec.check("Update", { update_id: 1, message: { message_id: 1 } })!, /required/);
  assert.equal(spec.check("User", { id: 1, is_bot: false, first_name: "A" }), null);
});

Deno.test("every send* method stores its message (own id, date in seconds); messages, updates and results have every field the spec requires", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "conform_bot" });
  const alice = emu.createUser({ first_name: "Alice", username: "alice_c" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [alice], bots: [bot] });
  const send = (method: string, params: Record<string, unknown>) =>
    ok<Any>(emu.apiRoot, bot.token, method, { chat_id: alice.id, ...params });
  const url = "https://example.test/file.bin";
  const keyboard = { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] };
  const sent: Any[] = [
    await send("sendMessage", { text: "/start hi", reply_markup: keyboard }),
    await send("sendPhoto", { photo: url, caption: "c" }),
    await send("sendAudio", { audio: url }),
    await send("sendDocument", { document: url }),
    await send("sendVideo", { video: url }),
    await send("sendAnimation", { animation: url }),
    await send("sendVoice", { voice: url }),
    await send("sendVideoNote", { video_note: url }),
    await send("sendSticker", { sticker: url }),
    await send("sendLivePhoto", { live_photo: url, photo: url }),
    await send("sendPaidMedia", {
      star_count: 5,
      media: [{ type: "photo", media: url }, { type: "video", media: url }],
    }),
    await send("sendLocation", { latitude: 1, longitude: 2 }),
    await send("sendVenue", { latitude: 1, longitude: 2, title: "V", address: "A" }),
    await send("sendContact", { phone_number: "1", first_name: "B" }),
    await send("sendDice", {}),
    await send("sendPoll", { question: "Q", options: [{ text: "a" }, { text: "b" }], is_anonymous: false }),
    await send("sendInvoice", {
      title: "T",
      description: "D",
      payload: "p",
      currency: "EUR",
      prices: [{ label: "x", amount: 1 }],
    }),
    await send("sendGame", { game_short_name: "g" }),
    ...await send("sendMediaGroup", {
      media: [{ type: "photo", media: url }, { type: "video", media: url }],
    }),
    await send("forwardMessage", { from_chat_id: alice.id, message_id: 1 }),
  ];
  for (const m of sent) conforms("Message", m, "sent message");
  const stored = new Map(emu.transcript(alice.id).map((m) => [m.message_id, m]));
  const now = Date.now() / 1000;
  for (const m of sent) {
    assert.deepEqual(stored.get(m.message_id), m, `message ${m.message_id} is stored as answered`);
    assert.ok(Number.isInteger(m.date) && Math.abs(m.date - now) < 60, `date ${m.date} is Unix seconds`);
  }
  assert.equal(new Set(sent.map((m) => m.message_id)).size, sent.length, "every message has its own id");

  await alice.sendText(alice.id, "hello @conform_bot");
  await alice.editText(emu.transcript(alice.id).at(-1)!, "edited");
  await alice.pressButton(sent[0], "Go");
  const inline = await alice.inlineQuery(bot, "q");
  await ok(emu.apiRoot, bot.token, "answerInlineQuery", {
    inline_query_id: inline.id,
    results: [{ type: "article", id: "1", title: "One", input_message_content: { message_text: "one" } }],
  });
  await alice.chooseInlineResult(inline, "1");
  await alice.vote(sent[15], [0]);
  const paying = alice.pay(sent[16]);
  await alice.sendText(group.id, "in the group");
  const bob = emu.createUser({ first_name: "Bob" });
  await alice.addMember(group.id, bob);
  const channel = emu.createChannel({ title: "C", members: [alice], bots: [bot] });
  await alice.editText(await alice.sendText(channel.id, "post"), "edited post");
  await alice.addMember(emu.createGroup({ title: "New", members: [alice] }).id, bot);
  await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: [] });
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { limit: 100 });
  const checkout = updates.find((u) => u.pre_checkout_query).pre_checkout_query;
  await ok(emu.apiRoot, bot.token, "answerPreCheckoutQuery", {
    pre_checkout_query_id: checkout.id,
    ok: true,
  });
  await paying;
  const all = [
    ...updates,
    ...await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: updates.at(-1).update_id + 1 }),
  ];
  const kinds = new Set(all.flatMap((u) => Object.keys(u).filter((k) => k !== "update_id")));
  for (
    const kind of [
      "message",
      "edited_message",
      "callback_query",
      "inline_query",
      "chosen_inline_result",
      "poll",
      "poll_answer",
      "pre_checkout_query",
      "channel_post",
      "edited_channel_post",
      "my_chat_member",
    ]
  ) {
    assert.ok(kinds.has(kind), `saw ${kind}`);
  }
  for (const u of all) conforms("Update", u, "update");

  conforms("User", await ok(emu.apiRoot, bot.token, "getMe"), "getMe");
  conforms("ChatFullInfo", await ok(emu.apiRoot, bot.token, "getChat", { chat_id: group.id }), "getChat");
  conforms(
    "ChatMember",
    await ok(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: alice.id }),
    "member",
  );
  for (
    const m of await ok<Any[]>(emu.apiRoot, bot.token, "getChatAdministrators", {
      chat_id: group.id,
      return_bots: true,
    })
  ) {
    conforms("ChatMember", m, "administrator");
  }
  conforms("WebhookInfo", await ok(emu.apiRoot, bot.token, "getWebhookInfo"), "webhook info");
  conforms(
    "File",
    await ok(emu.apiRoot, bot.token, "getFile", { file_id: sent[1].photo[0].file_id }),
    "file",
  );
  conforms(
    "ChatInviteLink",
    await ok(emu.apiRoot, bot.token, "createChatInviteLink", { chat_id: group.id }),
    "invite link",
  );
  conforms(
    "Poll",
    await ok(emu.apiRoot, bot.token, "stopPoll", { chat_id: alice.id, message_id: sent[15].message_id }),
    "poll",
  );
  conforms(
    "MessageId",
    await ok(emu.apiRoot, bot.token, "copyMessage", {
      chat_id: alice.id,
      from_chat_id: alice.id,
      message_id: 1,
    }),
    "copy",
  );
});
