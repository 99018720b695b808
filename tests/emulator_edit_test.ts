import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const KEYBOARD = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };

Deno.test("editMessageText changes text, sets edit_date, drops the keyboard unless given; same text is 'not modified'", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "v1",
    reply_markup: KEYBOARD,
  });
  const edited = await ok<Any>(emu.apiRoot, bot.token, "editMessageText", {
    chat_id: alice.id,
    message_id: sent.message_id,
    text: "v2",
    reply_markup: KEYBOARD,
  });
  assert.equal(edited.text, "v2");
  assert.equal(typeof edited.edit_date, "number");
  assert.deepEqual(edited.reply_markup, KEYBOARD);
  const same = await call(emu.apiRoot, bot.token, "editMessageText", {
    chat_id: alice.id,
    message_id: sent.message_id,
    text: "v2",
    reply_markup: KEYBOARD,
  });
  assert.equal(same.status, 400);
  assert.match(same.body.description, /^Bad Request: message is not modified/);
  await ok(emu.apiRoot, bot.token, "editMessageText", {
    chat_id: alice.id,
    message_id: sent.message_id,
    text: "v3",
  });
  assert.equal(emu.message(alice.id, sent.message_id)!.reply_markup, undefined);
  assert.equal(emu.message(alice.id, sent.message_id)!.text, "v3");
  assert.equal((await emu.nextBotEdit(alice.id)).text, "v2", "edits are observed in order");
  assert.equal((await emu.nextBotEdit(alice.id)).text, "v3");
  await assert.rejects(emu.nextBotEdit(alice.id, { timeout: 0.05 }));
  const user = await alice.sendText(alice.id, "mine");
  const foreign = await call(emu.apiRoot, bot.token, "editMessageText", {
    chat_id: alice.id,
    message_id: user.message_id,
    text: "hijack",
  });
  assert.equal(foreign.body.description, "Bad Request: message can't be edited");
  const gone = await call(emu.apiRoot, bot.token, "editMessageText", {
    chat_id: alice.id,
    message_id: 99,
    text: "x",
  });
  assert.equal(gone.body.description, "Bad Request: message to edit not found");
});

Deno.test("editMessageCaption, editMessageMedia, editMessageReplyMarkup", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const photo = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
    chat_id: alice.id,
    photo: "https://example.test/p.jpg",
    caption: "old",
  });
  const captioned = await ok<Any>(emu.apiRoot, bot.token, "editMessageCaption", {
    chat_id: alice.id,
    message_id: photo.message_id,
    caption: "new",
  });
  assert.equal(captioned.caption, "new");
  const media = await ok<Any>(emu.apiRoot, bot.token, "editMessageMedia", {
    chat_id: alice.id,
    message_id: photo.message_id,
    media: { type: "document", media: "https://example.test/d.pdf", caption: "doc" },
  });
  assert.equal(media.photo, undefined);
  assert.equal(media.document.file_name, "d.pdf");
  const marked = await ok<Any>(emu.apiRoot, bot.token, "editMessageReplyMarkup", {
    chat_id: alice.id,
    message_id: photo.message_id,
    reply_markup: KEYBOARD,
  });
  assert.deepEqual(marked.reply_markup, KEYBOARD);
  const text = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "t" });
  const noCaption = await call(emu.apiRoot, bot.token, "editMessageCaption", {
    chat_id: alice.id,
    message_id: text.message_id,
    caption: "c",
  });
  assert.equal(noCaption.status, 400);
});

Deno.test("editMessageMedia: a text message has no media to edit, and only InputMedia types go in", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const text = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "words" });
  const onText = await call(emu.apiRoot, bot.token, "editMessageMedia", {
    chat_id: alice.id,
    message_id: text.message_id,
    media: { type: "photo", media: "https://example.test/p.jpg" },
  });
  assert.equal(onText.status, 400);
  assert.equal(onText.body.description, "Bad Request: there is no media in the message to edit");
  assert.deepEqual(emu.transcript(alice).map((m) => [m.text, m.photo]), [["words", undefined]]);
  const photo = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
    chat_id: alice.id,
    photo: "https://example.test/p.jpg",
  });
  const voice = await call(emu.apiRoot, bot.token, "editMessageMedia", {
    chat_id: alice.id,
    message_id: photo.message_id,
    media: { type: "voice", media: "https://example.test/v.ogg" },
  });
  assert.equal(voice.status, 400);
  assert.match(voice.body.description, /can't parse InputMedia/);
  assert.ok(Array.isArray(emu.transcript(alice)[1].photo), "the photo stays");
});

Deno.test("editMessageMedia turns an inline text message into a media one, its text gone", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const query = await alice.inlineQuery(bot, "q");
  await ok(emu.apiRoot, bot.token, "answerInlineQuery", {
    inline_query_id: query.id,
    results: [{
      type: "article",
      id: "a",
      title: "A",
      input_message_content: { message_text: "soon a photo" },
      // A keyboard makes the chosen result carry the inline_message_id to edit by.
      reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] },
    }],
  });
  const chosen = await alice.chooseInlineResult(query, "a");
  const edited = await ok(emu.apiRoot, bot.token, "editMessageMedia", {
    inline_message_id: chosen.inline_message_id,
    media: { type: "photo", media: "https://example.test/p.jpg", caption: "here it is" },
  });
  assert.equal(edited, true);
  const message = emu.world.inlineMessages.get(chosen.inline_message_id!)!.message;
  assert.equal(message.text, undefined);
  assert.equal(message.caption, "here it is");
  assert.ok(Array.isArray(message.photo));
});

Deno.test("live locations can be moved and stopped; polls can be stopped once", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const live = await ok<Any>(emu.apiRoot, bot.token, "sendLocation", {
    chat_id: alice.id,
    latitude: 1,
    longitude: 1,
    live_period: 60,
  });
  const moved = await ok<Any>(emu.apiRoot, bot.token, "editMessageLiveLocation", {
    chat_id: alice.id,
    message_id: live.message_id,
    latitude: 2,
    longitude: 3,
  });
  assert.deepEqual([moved.location.latitude, moved.location.longitude], [2, 3]);
  const stopped = await ok<Any>(emu.apiRoot, bot.token, "stopMessageLiveLocation", {
    chat_id: alice.id,
    message_id: live.message_id,
  });
  assert.equal(stopped.location.live_period, undefined);
  const poll = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: alice.id,
    question: "?",
    options: [{ text: "a" }, { text: "b" }],
  });
  const closed = await ok<Any>(emu.apiRoot, bot.token, "stopPoll", {
    chat_id: alice.id,
    message_id: poll.message_id,
  });
  assert.equal(closed.is_closed, true);
  const twice = await call(emu.apiRoot, bot.token, "stopPoll", {
    chat_id: alice.id,
    message_id: poll.message_id,
  });
  assert.equal(twice.body.description, "Bad Request: poll has already been closed");
});

Deno.test("stopPoll's reply_markup replaces the poll message's inline keyboard", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const vote = { inline_keyboard: [[{ text: "Vote", callback_data: "vote" }]] };
  const results = { inline_keyboard: [[{ text: "Results", callback_data: "results" }]] };
  const poll = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: alice.id,
    question: "?",
    options: [{ text: "a" }, { text: "b" }],
    reply_markup: vote,
  });
  await ok(emu.apiRoot, bot.token, "stopPoll", {
    chat_id: alice.id,
    message_id: poll.message_id,
    reply_markup: results,
  });
  const now = emu.message(alice.id, poll.message_id, { bot })!;
  assert.equal((now.poll as Any).is_closed, true);
  assert.deepEqual(now.reply_markup, results);
  const press = await alice.pressButton(now, "Results");
  assert.equal(press.data, "results");
});

Deno.test("stopPoll without reply_markup removes the poll message's inline keyboard, as editMessageText does", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const poll = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: alice.id,
    question: "?",
    options: [{ text: "a" }, { text: "b" }],
    reply_markup: { inline_keyboard: [[{ text: "Vote", callback_data: "vote" }]] },
  });
  await ok(emu.apiRoot, bot.token, "stopPoll", { chat_id: alice.id, message_id: poll.message_id });
  const now = emu.message(alice.id, poll.message_id, { bot })!;
  assert.equal((now.poll as Any).is_closed, true);
  assert.equal(now.reply_markup, undefined);
});

Deno.test("editMessageLiveLocation and stopMessageLiveLocation without reply_markup remove the keyboard", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const keyboard = { inline_keyboard: [[{ text: "Stop", callback_data: "stop" }]] };
  const send = () =>
    ok<Any>(emu.apiRoot, bot.token, "sendLocation", {
      chat_id: alice.id,
      latitude: 1,
      longitude: 1,
      live_period: 60,
      reply_markup: keyboard,
    });
  const first = await send();
  const moved = await ok<Any>(emu.apiRoot, bot.token, "editMessageLiveLocation", {
    chat_id: alice.id,
    message_id: first.message_id,
    latitude: 2,
    longitude: 2,
  });
  assert.equal(moved.reply_markup, undefined);
  const second = await send();
  const stopped = await ok<Any>(emu.apiRoot, bot.token, "stopMessageLiveLocation", {
    chat_id: alice.id,
    message_id: second.message_id,
  });
  assert.equal(stopped.reply_markup, undefined);
  assert.equal(emu.message(alice.id, second.message_id, { bot })!.reply_markup, undefined);
  // Given, it is the message's new keyboard.
  const third = await send();
  const kept = await ok<Any>(emu.apiRoot, bot.token, "stopMessageLiveLocation", {
    chat_id: alice.id,
    message_id: third.message_id,
    reply_markup: keyboard,
  });
  assert.deepEqual(kept.reply_markup, keyboard);
});

Deno.test("deleteMessage removes a message from the transcript; a second delete is 400", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const incoming = await alice.sendText(alice.id, "delete me");
  const own = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "bye" });
  assert.equal(
    await ok(emu.apiRoot, bot.token, "deleteMessage", { chat_id: alice.id, message_id: own.message_id }),
    true,
  );
  assert.equal(
    await ok(emu.apiRoot, bot.token, "deleteMessages", {
      chat_id: alice.id,
      message_ids: [incoming.message_id],
    }),
    true,
  );
  assert.deepEqual(emu.transcript(alice.id), []);
  const again = await call(emu.apiRoot, bot.token, "deleteMessage", {
    chat_id: alice.id,
    message_id: own.message_id,
  });
  assert.equal(again.body.description, "Bad Request: message to delete not found");
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "G", members: [alice, bob] });
  emu.world.chats.get(group.id)!.members.set(bot.id, { status: "member", user: bot.user });
  const said = await bob.sendText(group.id, "not yours");
  const refused = await call(emu.apiRoot, bot.token, "deleteMessage", {
    chat_id: group.id,
    message_id: said.message_id,
  });
  assert.equal(refused.body.description, "Bad Request: message can't be deleted");
});

Deno.test("a user's edit reaches the bot as edited_message", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const sent = await alice.sendText(alice.id, "typo");
  await alice.editText(sent, "fixed /now");
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
  assert.equal(updates[1].edited_message.text, "fixed /now");
  assert.equal(updates[1].edited_message.message_id, sent.message_id);
  assert.deepEqual(updates[1].edited_message.entities, [{ type: "bot_command", offset: 6, length: 4 }]);
  assert.equal(updates[0].message.text, "typo", "the earlier update keeps the text it had");
});

Deno.test("an edit that changes nothing is 'not modified' whatever the order of its fields: the same caption, the same keyboard spelled otherwise", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const photo = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
    chat_id: alice.id,
    photo: "https://example.test/p.jpg",
    caption: "same",
    reply_markup: KEYBOARD,
  });
  const sameCaption = await call(emu.apiRoot, bot.token, "editMessageCaption", {
    chat_id: alice.id,
    message_id: photo.message_id,
    caption: "same",
    reply_markup: KEYBOARD,
  });
  assert.equal(sameCaption.status, 400);
  assert.match(sameCaption.body.description, /^Bad Request: message is not modified/);
  const reordered = await call(emu.apiRoot, bot.token, "editMessageReplyMarkup", {
    chat_id: alice.id,
    message_id: photo.message_id,
    reply_markup: { inline_keyboard: [[{ callback_data: "a", text: "A" }]] },
  });
  assert.equal(reordered.status, 400);
  assert.match(reordered.body.description, /^Bad Request: message is not modified/);
  // A real change still goes through.
  const changed = await ok<Any>(emu.apiRoot, bot.token, "editMessageCaption", {
    chat_id: alice.id,
    message_id: photo.message_id,
    caption: "other",
    reply_markup: KEYBOARD,
  });
  assert.equal(changed.caption, "other");
});
