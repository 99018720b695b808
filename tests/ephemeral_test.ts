import assert from "node:assert/strict";
import { BadInput } from "../exception/bad_input.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { CallbackQueryCoordinator, OriginSet } from "../helper/mod.ts";
import { Bot, Editor } from "../mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

const KEYBOARD = { inline_keyboard: [[{ text: "Again", callback_data: "again" }]] };

Deno.test("an ephemeral message is seen by its receiver only, and is edited each way and deleted", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "ghost_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "Room", members: [alice, bob], bots: [handle] });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  await bot.sendMessage(group.id, "for everyone");

  const sent = await bot.sendMessage(group.id, "only for Alice", {
    ephemeral_message_parameters: { receiver_user_id: alice.id },
  });
  assert.equal(sent.message_id, 0);
  assert.equal(sent.receiver_user?.id, alice.id);
  assert.equal(typeof sent.ephemeral_message_id, "number");
  assert.deepEqual(emu.ephemeralMessages(group, alice).map((m) => m.text), ["only for Alice"]);
  assert.deepEqual(emu.ephemeralMessages(group, bob), []);
  assert.deepEqual(emu.transcript(group).map((m) => m.text), ["for everyone"]);

  // Editor takes the ephemeral message itself (or [chatId, receiverUserId, ephemeralMessageId]).
  const editor = new Editor(bot, sent);
  assert.deepEqual(editor.msgIdentifier, [group.id, alice.id, sent.ephemeral_message_id]);
  assert.equal(await editor.editEphemeralMessageText("changed for Alice"), true);
  let seen = emu.ephemeralMessages(group, alice)[0];
  assert.equal(seen.text, "changed for Alice");
  assert.equal(typeof seen.edit_date, "number");
  await assert.rejects(editor.editEphemeralMessageText("changed for Alice"), /message is not modified/);

  assert.equal(await editor.editEphemeralMessageReplyMarkup({ reply_markup: KEYBOARD }), true);
  assert.deepEqual(emu.ephemeralMessages(group, alice)[0].reply_markup, KEYBOARD);

  // A photo for Alice: caption and media edits.
  const photo = await bot.sendPhoto(group.id, new Blob([new Uint8Array([1, 2, 3])], { type: "image/jpeg" }), {
    caption: "a picture",
    ephemeral_message_parameters: { receiver_user_id: alice.id },
  });
  const pictureId = [group.id, alice.id, photo.ephemeral_message_id!] as const;
  assert.equal(await bot.editEphemeralMessageCaption(pictureId, { caption: "a better picture" }), true);
  seen = emu.ephemeralMessages(group, alice).find((m) =>
    m.ephemeral_message_id === photo.ephemeral_message_id
  )!;
  assert.equal(seen.caption, "a better picture");
  const document = new File([new Uint8Array([4, 5])], "notes.txt", { type: "text/plain" });
  assert.equal(
    await bot.editEphemeralMessageMedia(pictureId, {
      type: "document",
      media: document as never,
      caption: "notes",
    }),
    true,
  );
  seen = emu.ephemeralMessages(group, alice).find((m) =>
    m.ephemeral_message_id === photo.ephemeral_message_id
  )!;
  assert.equal(seen.photo, undefined);
  assert.equal(seen.document?.file_name, "notes.txt");
  assert.equal(seen.caption, "notes");
  await assert.rejects(bot.editEphemeralMessageText(pictureId, "no text here"), /there is no text/);
  await assert.rejects(
    editor.editEphemeralMessageMedia({ type: "photo", media: "https://example.test/p.jpg" }),
    /there is no media in the message to edit/,
  );
  assert.equal(emu.ephemeralMessages(group, alice)[0].text, "changed for Alice");

  // Deleting: gone for Alice; a second delete and an edit of a deleted message are 400s.
  assert.equal(await editor.deleteEphemeralMessage(), true);
  assert.deepEqual(emu.ephemeralMessages(group, alice).map((m) => m.ephemeral_message_id), [
    photo.ephemeral_message_id,
  ]);
  await assert.rejects(editor.deleteEphemeralMessage(), TelegramError);
  await assert.rejects(editor.editEphemeralMessageText("too late"), /ephemeral message to edit not found/);
  assert.deepEqual(
    emu.transcript(group).map((m) => m.text),
    ["for everyone"],
    "the chat never saw any of it",
  );
});

Deno.test("ephemeral messages: the receiver must be in the chat, another bot cannot touch them, identifiers do not mix", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "ghost_bot" });
  const other = emu.createBot({ username: "other_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const carol = emu.createUser({ first_name: "Carol" });
  const group = emu.createGroup({ title: "Room", members: [alice], bots: [handle, other] });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const otherBot = new Bot(other.token, { apiRoot: emu.apiRoot });

  await assert.rejects(
    bot.sendMessage(group.id, "x", { ephemeral_message_parameters: { receiver_user_id: carol.id } }),
    /receiver user not found in the chat/,
  );
  // In a private chat the receiver is its user.
  const direct = await bot.sendMessage(alice.id, "psst", {
    ephemeral_message_parameters: { receiver_user_id: alice.id },
  });
  assert.deepEqual(emu.ephemeralMessages(alice.id, alice, { bot: handle }).map((m) => m.text), ["psst"]);
  assert.deepEqual(emu.transcript(alice.id, { bot: handle }), []);

  const sent = await bot.sendMessage(group.id, "mine", {
    ephemeral_message_parameters: { receiver_user_id: alice.id },
  });
  const id = [group.id, alice.id, sent.ephemeral_message_id!] as const;
  await assert.rejects(otherBot.editEphemeralMessageText(id, "theirs"), /can't be edited/);
  await assert.rejects(otherBot.deleteEphemeralMessage(id), /can't be deleted/);
  // The ephemeral form fits only the …Ephemeral… methods, before anything is sent (the types refuse
  // the wrong form too; these are the run-time checks an untyped caller meets).
  // @ts-expect-error an ephemeral identifier on a chat or inline message's edit
  assert.throws(() => bot.editMessageText(id, "wrong method"), BadInput);
  // @ts-expect-error a chat message's identifier on an ephemeral method
  assert.throws(() => bot.deleteEphemeralMessage([group.id, 1]), BadInput);
  assert.equal(await bot.deleteEphemeralMessage([alice.id, alice.id, direct.ephemeral_message_id!]), true);
  assert.deepEqual(emu.ephemeralMessages(alice.id, alice, { bot: handle }), []);
});

Deno.test("an ephemeral message with callback buttons through a callback-query coordinator is sent, edited and deleted, not tracked as an origin", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "ghost_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "Room", members: [alice], bots: [handle] });
  const origins = new OriginSet();
  const coordinator = new CallbackQueryCoordinator("alice", origins, true, true);
  const bot = coordinator.augmentBot(new Bot(handle.token, { apiRoot: emu.apiRoot }));
  const sent = await bot.sendMessage(group.id, "pick", {
    reply_markup: KEYBOARD,
    ephemeral_message_parameters: { receiver_user_id: alice.id },
  });
  const id = [group.id, alice.id, sent.ephemeral_message_id!] as const;
  const other = { inline_keyboard: [[{ text: "Other", callback_data: "other" }]] };
  assert.equal(await bot.editEphemeralMessageReplyMarkup(id, { reply_markup: other }), true);
  assert.equal(await bot.editEphemeralMessageText(id, "picked"), true);
  assert.equal(await bot.deleteEphemeralMessage(id), true);
  const chatMessage = await bot.sendMessage(group.id, "for all", { reply_markup: KEYBOARD });
  assert.ok(origins.has([group.id, chatMessage.message_id]), "chat messages are still tracked");
  assert.ok(!origins.has([group.id, 0]), "the ephemeral message was not taken for message 0");
});
