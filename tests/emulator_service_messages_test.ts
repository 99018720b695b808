import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** The service messages a bot has been sent so far, as the names of their service fields. */
async function serviceKinds(apiRoot: string, token: string): Promise<string[]> {
  const updates = await ok<Any[]>(apiRoot, token, "getUpdates", { allowed_updates: [] });
  const kinds = [
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "pinned_message",
    "left_chat_member",
  ];
  return updates.flatMap((u) => kinds.filter((k) => u.message?.[k] !== undefined));
}

/** A bot's setChatPhoto, uploaded as multipart. */
async function setChatPhoto(emu: BotApiEmulator, token: string, chatId: number): Promise<void> {
  const form = new FormData();
  form.set("chat_id", String(chatId));
  form.set("photo", new File([new Uint8Array(8)], "p.jpg", { type: "image/jpeg" }));
  const set = await fetch(`${emu.apiRoot}/bot${token}/setChatPhoto`, { method: "POST", body: form });
  assert.equal((await set.json()).ok, true);
}

Deno.test("a bot's title, photo, pin and ban post service messages that every bot of the group gets, itself included", async () => {
  await using emu = await BotApiEmulator.start();
  const admin = emu.createBot({ username: "admin_bot" });
  const other = emu.createBot({ username: "other_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({
    title: "G",
    type: "supergroup",
    members: [owner, bob],
    bots: [admin, other],
  });
  const p = { chat_id: group.id };

  await ok(emu.apiRoot, admin.token, "setChatTitle", { ...p, title: "New title" });
  await setChatPhoto(emu, admin.token, group.id);
  await ok(emu.apiRoot, admin.token, "deleteChatPhoto", p);
  const said = await owner.sendText(group.id, "pin me");
  const reply = await owner.sendText(group.id, "and me", { replyTo: said });
  await ok(emu.apiRoot, admin.token, "pinChatMessage", { ...p, message_id: reply.message_id });
  await ok(emu.apiRoot, admin.token, "banChatMember", { ...p, user_id: bob.id });

  const expected = [
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "pinned_message",
    "left_chat_member",
  ];
  // telegram-bot-api does not skip these outgoing service messages: the acting bot gets them too.
  assert.deepEqual(await serviceKinds(emu.apiRoot, admin.token), expected);
  assert.deepEqual(await serviceKinds(emu.apiRoot, other.token), expected);

  const log = emu.transcript(group.id);
  const title = log.find((m) => m.new_chat_title !== undefined)!;
  assert.equal(title.new_chat_title, "New title");
  assert.equal(title.from?.id, admin.id);
  const pin = log.find((m) => m.pinned_message !== undefined)!;
  const pinned = pin.pinned_message as Any;
  assert.equal(pinned.text, "and me");
  assert.equal(pinned.reply_to_message, undefined, "the pinned message carries no reply_to_message");
});

Deno.test("in a channel, a bot's title, photo and pin are channel posts its bots get; a ban posts nothing", async () => {
  await using emu = await BotApiEmulator.start();
  const admin = emu.createBot({ username: "admin_bot" });
  const other = emu.createBot({ username: "other_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const bob = emu.createUser({ first_name: "Bob" });
  const channel = emu.createChannel({ title: "News", members: [owner, bob], bots: [admin, other] });
  const p = { chat_id: channel.id };
  const post = await owner.sendText(channel.id, "breaking");
  await ok(emu.apiRoot, admin.token, "getUpdates", { offset: -1 });
  await ok(emu.apiRoot, other.token, "getUpdates", { offset: -1 });

  await ok(emu.apiRoot, admin.token, "setChatTitle", { ...p, title: "Newer" });
  await setChatPhoto(emu, admin.token, channel.id);
  await ok(emu.apiRoot, admin.token, "deleteChatPhoto", p);
  await ok(emu.apiRoot, admin.token, "pinChatMessage", { ...p, message_id: post.message_id });
  await ok(emu.apiRoot, admin.token, "banChatMember", { ...p, user_id: bob.id });

  for (const bot of [admin, other]) {
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: -4 });
    assert.deepEqual(
      updates.map((u) => Object.keys(u).filter((k) => k !== "update_id")),
      [["channel_post"], ["channel_post"], ["channel_post"], ["channel_post"]],
    );
    const [title, photo, noPhoto, pin] = updates.map((u) => u.channel_post);
    assert.equal(title.new_chat_title, "Newer");
    assert.ok(Array.isArray(photo.new_chat_photo));
    assert.equal(noPhoto.delete_chat_photo, true);
    assert.equal(pin.pinned_message.text, "breaking");
    // A channel's message comes from the channel itself.
    assert.equal(title.sender_chat.id, channel.id);
    assert.equal(title.from, undefined);
  }
  assert.equal(emu.transcript(channel.id).some((m) => m.left_chat_member !== undefined), false);
});

Deno.test("the bot that creates a forum topic gets its forum_topic_created message too", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "forum_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const forum = emu.createGroup({
    title: "F",
    type: "supergroup",
    forum: true,
    members: [owner],
    bots: [bot],
  });
  const topic = await ok<Any>(emu.apiRoot, bot.token, "createForumTopic", {
    chat_id: forum.id,
    name: "Ideas",
  });
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: [] });
  const created = updates.find((u) => u.message?.forum_topic_created !== undefined)?.message;
  assert.equal(created?.forum_topic_created.name, "Ideas");
  assert.equal(created?.message_thread_id, topic.message_thread_id);
});

Deno.test("a bot in privacy mode that is no administrator still gets a forum's service messages", async () => {
  await using emu = await BotApiEmulator.start();
  const admin = emu.createBot({ username: "admin_bot" });
  const quiet = emu.createBot({ username: "quiet_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const forum = emu.createGroup({
    title: "F",
    type: "supergroup",
    forum: true,
    members: [owner],
    bots: [admin, quiet],
  });
  const root = emu.apiRoot;
  // Promoting with no rights demotes: quiet_bot is a plain member, so privacy mode screens its updates.
  await ok(root, admin.token, "promoteChatMember", { chat_id: forum.id, user_id: quiet.id });
  const member = await ok<Any>(root, admin.token, "getChatMember", { chat_id: forum.id, user_id: quiet.id });
  assert.equal(member.status, "member");
  const topic = await ok<Any>(root, admin.token, "createForumTopic", { chat_id: forum.id, name: "Ideas" });
  const thread = { chat_id: forum.id, message_thread_id: topic.message_thread_id };
  await ok(root, admin.token, "editForumTopic", { ...thread, name: "Plans" });
  await ok(root, admin.token, "closeForumTopic", thread);
  await ok(root, admin.token, "reopenForumTopic", thread);
  await ok(root, admin.token, "hideGeneralForumTopic", { chat_id: forum.id });
  await ok(root, admin.token, "unhideGeneralForumTopic", { chat_id: forum.id });
  await ok(root, admin.token, "sendMessage", { chat_id: forum.id, text: "small talk, screened" });
  const updates = await ok<Any[]>(root, quiet.token, "getUpdates", { allowed_updates: [] });
  const messages = updates.flatMap((u) => u.message === undefined ? [] : [u.message]);
  const kinds = messages.map((m) => Object.keys(m).find((k) => k.includes("forum_topic")) ?? m.text);
  assert.deepEqual(kinds, [
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
    "general_forum_topic_hidden",
    "general_forum_topic_unhidden",
  ]);
});
