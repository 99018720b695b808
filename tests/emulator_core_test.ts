import assert from "node:assert/strict";
import { BotApiEmulator, ObservationTimeout } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

Deno.test("getMe returns the bot's user; an unknown token is 401, an unknown method 404", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const me = await ok<{ id: number; is_bot: boolean; username: string }>(emu.apiRoot, bot.token, "getMe");
  assert.equal(me.id, bot.id);
  assert.equal(me.is_bot, true);
  assert.equal(me.username, "core_bot");
  const unauthorized = await call(emu.apiRoot, "123:nope", "getMe");
  assert.equal(unauthorized.status, 401);
  assert.deepEqual(unauthorized.body, { ok: false, error_code: 401, description: "Unauthorized" });
  const missing = await call(emu.apiRoot, bot.token, "noSuchMethod");
  assert.equal(missing.status, 404);
  assert.equal(missing.body.description, "Not Found: method not found");
  const anyCase = await fetch(`${emu.apiRoot}/bot${bot.token}/GETME`);
  assert.equal((await anyCase.json()).result.id, bot.id);
});

Deno.test("a user's text reaches getUpdates with a bot_command entity; offset confirms", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const sent = await alice.sendText(alice.id, "/start now");
  assert.equal(sent.chat.id, alice.id);
  assert.equal(sent.message_id, 1);
  const updates = await ok<Array<{ update_id: number; message: { text: string; entities: unknown[] } }>>(
    emu.apiRoot,
    bot.token,
    "getUpdates",
  );
  assert.equal(updates.length, 1);
  assert.equal(updates[0].message.text, "/start now");
  assert.deepEqual(updates[0].message.entities, [{ type: "bot_command", offset: 0, length: 6 }]);
  const again = await ok<unknown[]>(emu.apiRoot, bot.token, "getUpdates", { offset: updates[0].update_id });
  assert.equal(again.length, 1);
  const after = await ok<unknown[]>(emu.apiRoot, bot.token, "getUpdates", {
    offset: updates[0].update_id + 1,
  });
  assert.equal(after.length, 0);
});

Deno.test("sendMessage stores the message; nextBotMessage and transcript observe it", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "hi");
  const waiting = emu.nextBotMessage(alice.id, { timeout: 2 });
  const message = await ok<{ message_id: number; text: string; from: { id: number }; chat: { id: number } }>(
    emu.apiRoot,
    bot.token,
    "sendMessage",
    { chat_id: alice.id, text: "hello Alice" },
  );
  assert.equal(message.message_id, 2);
  assert.equal(message.from.id, bot.id);
  assert.equal(message.chat.id, alice.id);
  const seen = await waiting;
  assert.equal(seen.text, "hello Alice");
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["hi", "hello Alice"]);
  const missingChat = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: 42, text: "x" });
  assert.equal(missingChat.status, 400);
  assert.equal(missingChat.body.description, "Bad Request: chat not found");
});

Deno.test("a long poll waits for the next update and returns it at once; an idle one ends empty after its timeout", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const started = Date.now();
  const poll = ok<Array<{ update_id: number; message: { text: string } }>>(
    emu.apiRoot,
    bot.token,
    "getUpdates",
    {
      timeout: 10,
    },
  );
  setTimeout(() => alice.sendText(alice.id, "wake up"), 100);
  const updates = await poll;
  assert.equal(updates[0].message.text, "wake up");
  assert.ok(Date.now() - started < 5000);
  const t0 = performance.now();
  const empty = await ok(emu.apiRoot, bot.token, "getUpdates", {
    offset: updates[0].update_id + 1,
    timeout: 1,
  });
  assert.deepEqual(empty, []);
  assert.ok(performance.now() - t0 >= 900, "an idle long poll lasts its timeout, in seconds");
});

Deno.test("nextBotMessage takes bot messages in order and times out with ObservationTimeout", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "one" });
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "two" });
  await alice.sendText(alice.id, "a user message is not a bot message");
  assert.equal((await emu.nextBotMessage(alice.id)).text, "one");
  assert.equal((await emu.nextBotMessage(alice.id)).text, "two");
  const t0 = performance.now();
  await assert.rejects(emu.nextBotMessage(alice.id, { timeout: 0.1 }), ObservationTimeout);
  assert.ok(performance.now() - t0 >= 90);
  const query = await alice.inlineQuery(bot, "x");
  await assert.rejects(emu.answerOf(query, { timeout: 0.05 }), ObservationTimeout);
});

Deno.test("scripted users send photos, documents, locations, contacts, stickers and any other content bots can fetch", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendPhoto(alice.id, new Uint8Array([9, 9, 9]), { caption: "me" });
  await alice.sendDocument(alice.id, new TextEncoder().encode("notes"), "notes.txt", {
    mime_type: "text/plain",
  });
  await alice.sendLocation(alice.id, 52.1, 5.1);
  await alice.sendContact(alice.id, "+3120", "Bob");
  await alice.sendSticker(alice.id, "🎉");
  await alice.send(alice.id, { dice: { emoji: "🎯", value: 6 } });
  // deno-lint-ignore no-explicit-any
  const updates = await ok<any[]>(emu.apiRoot, bot.token, "getUpdates");
  const [photo, doc, place, contact, sticker, dice] = updates.map((u) => u.message);
  assert.deepEqual(dice.dice, { emoji: "🎯", value: 6 }, "any other content goes as given");
  assert.equal(dice.from.id, alice.id);
  assert.equal(photo.caption, "me");
  assert.equal(doc.document.file_name, "notes.txt");
  assert.equal(doc.document.mime_type, "text/plain");
  assert.deepEqual(place.location, { latitude: 52.1, longitude: 5.1 });
  assert.equal(contact.contact.first_name, "Bob");
  assert.equal(sticker.sticker.emoji, "🎉");
  const file = await ok<{ file_path: string }>(emu.apiRoot, bot.token, "getFile", {
    file_id: doc.document.file_id,
  });
  const body = await (await fetch(`${emu.apiRoot}/file/bot${bot.token}/${file.file_path}`)).text();
  assert.equal(body, "notes");
  const photoFile = await ok<{ file_size: number }>(emu.apiRoot, bot.token, "getFile", {
    file_id: photo.photo[0].file_id,
  });
  assert.equal(photoFile.file_size, 3);
});

Deno.test("each bot has its own private chat with a user: own message ids, own updates", async () => {
  await using emu = await BotApiEmulator.start();
  const first = emu.createBot({ username: "first_bot" });
  const second = emu.createBot({ username: "second_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "to the first", { to: first });
  const m = await alice.sendText(alice.id, "to the second", { to: second });
  assert.equal(m.message_id, 1, "the second bot's chat has its own message ids");
  // deno-lint-ignore no-explicit-any
  const firstUpdates = await ok<any[]>(emu.apiRoot, first.token, "getUpdates");
  // deno-lint-ignore no-explicit-any
  const secondUpdates = await ok<any[]>(emu.apiRoot, second.token, "getUpdates");
  assert.deepEqual(firstUpdates.map((u) => u.message.text), ["to the first"]);
  assert.deepEqual(secondUpdates.map((u) => u.message.text), ["to the second"]);
  await ok(emu.apiRoot, first.token, "sendMessage", { chat_id: alice.id, text: "first here" });
  await ok(emu.apiRoot, second.token, "sendMessage", { chat_id: alice.id, text: "second here" });
  assert.equal((await emu.nextBotMessage(alice.id, { bot: first })).text, "first here");
  assert.equal((await emu.nextBotMessage(alice.id, { bot: second })).text, "second here");
  assert.deepEqual(emu.transcript(alice.id, { bot: first }).map((x) => x.text), [
    "to the first",
    "first here",
  ]);
  const foreign = await call(emu.apiRoot, first.token, "forwardMessage", {
    chat_id: alice.id,
    from_chat_id: alice.id,
    message_id: 2,
  });
  assert.equal(foreign.body.result.text, "first here", "message 2 of the first bot's chat, not the second's");
  await alice.sendText(alice.id, "no bot named: the last one heard from");
  assert.equal(
    emu.transcript(alice.id, { bot: first }).at(-1)?.text,
    "no bot named: the last one heard from",
  );
  assert.equal(emu.transcript(alice.id, { bot: second }).at(-1)?.text, "second here");
});

Deno.test("plain text gets the entities Telegram detects: commands, mentions, hashtags, URLs", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "core_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const m = await alice.sendText(
    alice.id,
    "/go@core_bot now, ask @someone about #news at https://x.test/a?b=1. ok /x",
  );
  assert.deepEqual(m.entities?.map((e) => [e.type, m.text!.slice(e.offset, e.offset + e.length)]), [
    ["bot_command", "/go@core_bot"],
    ["mention", "@someone"],
    ["hashtag", "#news"],
    ["url", "https://x.test/a?b=1"],
    ["bot_command", "/x"],
  ]);
  const plain = await alice.sendText(alice.id, "no@entities here/either #");
  assert.equal(plain.entities, undefined);
});
