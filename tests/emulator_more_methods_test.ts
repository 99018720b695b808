// Modelled methods not covered by the family tests: bot settings, copies, pins, the forum's general topic,
// business usernames and gifts, reactions cleared in bulk, custom emoji set thumbnails, logOut and close.
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("bot settings are stored per language and read back; the menu button per chat", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "set_bot", first_name: "Setter" });
  const alice = emu.createUser({ first_name: "Alice" });
  const root = emu.apiRoot;
  assert.deepEqual(await ok(root, bot.token, "getMyName"), { name: "Setter" });
  await ok(root, bot.token, "setMyName", { name: "Réglages", language_code: "fr" });
  assert.deepEqual(await ok(root, bot.token, "getMyName", { language_code: "fr" }), { name: "Réglages" });
  await ok(root, bot.token, "setMyShortDescription", { short_description: "short" });
  assert.deepEqual(await ok(root, bot.token, "getMyShortDescription"), { short_description: "short" });
  await ok(root, bot.token, "setMyCommands", { commands: [{ command: "start", description: "Start" }] });
  await ok(root, bot.token, "deleteMyCommands");
  assert.deepEqual(await ok(root, bot.token, "getMyCommands"), []);
  await ok(root, bot.token, "setChatMenuButton", { chat_id: alice.id, menu_button: { type: "commands" } });
  assert.deepEqual(await ok(root, bot.token, "getChatMenuButton", { chat_id: alice.id }), {
    type: "commands",
  });
  assert.deepEqual(await ok(root, bot.token, "getChatMenuButton"), { type: "default" });
  assert.equal(await ok(root, bot.token, "logOut"), true);
  assert.equal(await ok(root, bot.token, "close"), true);
});

Deno.test("copyMessages copies in order and answers MessageIds; unpinChatMessage unpins the latest or a given one", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "copy_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const root = emu.apiRoot;
  const a = await ok<Any>(root, bot.token, "sendMessage", { chat_id: alice.id, text: "a" });
  const b = await ok<Any>(root, bot.token, "sendMessage", { chat_id: alice.id, text: "b" });
  const copies = await ok<Any>(root, bot.token, "copyMessages", {
    chat_id: alice.id,
    from_chat_id: alice.id,
    message_ids: [a.message_id, b.message_id],
  });
  assert.deepEqual(copies.map((c: Any) => emu.message(alice.id, c.message_id)?.text), ["a", "b"]);
  await ok(root, bot.token, "pinChatMessage", { chat_id: alice.id, message_id: a.message_id });
  await ok(root, bot.token, "pinChatMessage", { chat_id: alice.id, message_id: b.message_id });
  await ok(root, bot.token, "unpinChatMessage", { chat_id: alice.id });
  assert.equal((await ok<Any>(root, bot.token, "getChat", { chat_id: alice.id })).pinned_message.text, "a");
});

Deno.test("forum general topic: close, reopen, unpin all; a topic's pins are unpinned with it", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "topic_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const forum = emu.createGroup({
    title: "F",
    type: "supergroup",
    forum: true,
    members: [alice],
    bots: [bot],
  });
  const root = emu.apiRoot;
  await ok(root, bot.token, "closeGeneralForumTopic", { chat_id: forum.id });
  assert.equal((await call(root, bot.token, "closeGeneralForumTopic", { chat_id: forum.id })).status, 400);
  await ok(root, bot.token, "reopenGeneralForumTopic", { chat_id: forum.id });
  const topic = await ok<Any>(root, bot.token, "createForumTopic", { chat_id: forum.id, name: "T" });
  const post = await ok<Any>(root, bot.token, "sendMessage", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
    text: "pinned in topic",
  });
  const general = await ok<Any>(root, bot.token, "sendMessage", {
    chat_id: forum.id,
    text: "pinned in general",
  });
  await ok(root, bot.token, "pinChatMessage", { chat_id: forum.id, message_id: general.message_id });
  await ok(root, bot.token, "pinChatMessage", { chat_id: forum.id, message_id: post.message_id });
  await ok(root, bot.token, "unpinAllForumTopicMessages", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChat", { chat_id: forum.id })).pinned_message.text,
    "pinned in general",
  );
  await ok(root, bot.token, "unpinAllGeneralForumTopicMessages", { chat_id: forum.id });
  assert.equal((await ok<Any>(root, bot.token, "getChat", { chat_id: forum.id })).pinned_message, undefined);
});

Deno.test("business username and gifts; chat gifts; reactions of a user cleared in bulk; custom emoji set thumbnail", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "desk_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  emu.createUser({ first_name: "Taken", username: "taken_name" });
  const root = emu.apiRoot;
  const id = emu.connectBusiness(owner, bot).id;
  await ok(root, bot.token, "setBusinessAccountUsername", {
    business_connection_id: id,
    username: "olga_shop",
  });
  assert.equal(owner.user.username, "olga_shop");
  const taken = await call(root, bot.token, "setBusinessAccountUsername", {
    business_connection_id: id,
    username: "taken_name",
  });
  assert.equal(taken.body.description, "Bad Request: USERNAME_OCCUPIED");
  assert.deepEqual(await ok(root, bot.token, "getBusinessAccountGifts", { business_connection_id: id }), {
    total_count: 0,
    gifts: [],
  });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [owner], bots: [bot] });
  assert.deepEqual(await ok(root, bot.token, "getChatGifts", { chat_id: group.id }), {
    total_count: 0,
    gifts: [],
  });

  const one = await owner.sendText(group, "one");
  const two = await owner.sendText(group, "two");
  await owner.react(one, ["🔥"]);
  await owner.react(two, ["👍"]);
  await ok(root, bot.token, "deleteAllMessageReactions", { chat_id: group.id, user_id: owner.id });
  assert.equal(emu.reactions(group, one.message_id).size + emu.reactions(group, two.message_id).size, 0);

  const form = new FormData();
  form.append("user_id", String(owner.id));
  form.append("sticker_format", "static");
  form.append("sticker", new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" }), "e.webp");
  const uploaded =
    await (await fetch(`${root}/bot${bot.token}/uploadStickerFile`, { method: "POST", body: form })).json();
  await ok(root, bot.token, "createNewStickerSet", {
    user_id: owner.id,
    name: "emo_by_desk_bot",
    title: "Emo",
    sticker_type: "custom_emoji",
    stickers: [{ sticker: uploaded.result.file_id, format: "static", emoji_list: ["😀"] }],
  });
  const set = await ok<Any>(root, bot.token, "getStickerSet", { name: "emo_by_desk_bot" });
  await ok(root, bot.token, "setCustomEmojiStickerSetThumbnail", {
    name: "emo_by_desk_bot",
    custom_emoji_id: set.stickers[0].custom_emoji_id,
  });
  assert.equal(
    (await ok<Any>(root, bot.token, "getStickerSet", { name: "emo_by_desk_bot" })).thumbnail.file_id,
    uploaded.result.file_id,
  );
  const unknown = await call(root, bot.token, "setCustomEmojiStickerSetThumbnail", {
    name: "emo_by_desk_bot",
    custom_emoji_id: "1",
  });
  assert.equal(unknown.body.description, "Bad Request: CUSTOM_EMOJI_INVALID");
});

Deno.test("checklists: sent for a business account with parse modes applied; limits, a group chat and an unknown connection refused", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "desk_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const client = emu.createUser({ first_name: "Carl" });
  const root = emu.apiRoot;
  const business_connection_id = emu.connectBusiness(owner, bot).id;
  const sent = await ok<Any>(root, bot.token, "sendChecklist", {
    business_connection_id,
    chat_id: client.id,
    checklist: {
      title: "*Order*",
      parse_mode: "MarkdownV2",
      tasks: [{ id: 1, text: "Pack" }, { id: 2, text: "<i>Ship</i>", parse_mode: "HTML" }],
    },
  });
  assert.equal(sent.from.id, owner.id);
  assert.equal(sent.business_connection_id, business_connection_id);
  assert.deepEqual(sent.checklist, {
    title: "Order",
    title_entities: [{ type: "bold", offset: 0, length: 5 }],
    tasks: [{ id: 1, text: "Pack" }, {
      id: 2,
      text: "Ship",
      text_entities: [{ type: "italic", offset: 0, length: 4 }],
    }],
  });
  const edited = await ok<Any>(root, bot.token, "editMessageChecklist", {
    business_connection_id,
    chat_id: client.id,
    message_id: sent.message_id,
    checklist: { title: "Order 2", tasks: [{ id: 1, text: "Pack" }] },
  });
  assert.equal(edited.checklist.title, "Order 2");
  assert.equal((await emu.nextBotEdit(client.id, { bot })).checklist?.title, "Order 2");
  const same = await call(root, bot.token, "sendChecklist", {
    business_connection_id,
    chat_id: client.id,
    checklist: { title: "T", tasks: [{ id: 1, text: "a" }, { id: 1, text: "b" }] },
  });
  assert.equal(same.status, 400);
  const group = emu.createGroup({ title: "G", members: [owner], bots: [bot] });
  const inGroup = await call(root, bot.token, "sendChecklist", {
    business_connection_id,
    chat_id: group.id,
    checklist: { title: "T", tasks: [{ id: 1, text: "a" }] },
  });
  assert.equal(inGroup.status, 400);
  const unknown = await call(root, bot.token, "sendChecklist", {
    business_connection_id: "nope",
    chat_id: client.id,
    checklist: { title: "T", tasks: [{ id: 1, text: "a" }] },
  });
  assert.equal(unknown.body.description, "Bad Request: business connection not found");
});
