import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("forum topics: create, send into, edit, close, reopen, delete; service messages reach the other bots", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "topic_bot" });
  const watcher = emu.createBot({ username: "watch_bot", privacy: false });
  const alice = emu.createUser({ first_name: "Alice" });
  const forum = emu.createGroup({
    title: "Forum",
    type: "supergroup",
    forum: true,
    members: [alice],
    bots: [bot, watcher],
  });
  const root = emu.apiRoot;
  const info = await ok<Any>(root, bot.token, "getChat", { chat_id: forum.id });
  assert.equal(info.is_forum, true);
  const topic = await ok<Any>(root, bot.token, "createForumTopic", { chat_id: forum.id, name: "News" });
  assert.equal(topic.name, "News");
  assert.equal(topic.icon_color, 0x6FB9F0);
  assert.equal(typeof topic.message_thread_id, "number");
  const sent = await ok<Any>(root, bot.token, "sendMessage", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
    text: "first post",
  });
  assert.equal(sent.message_thread_id, topic.message_thread_id);
  assert.equal(sent.is_topic_message, true);
  // Client.cpp: an unknown forum topic (or the General topic's id) is "message thread not found".
  const nowhere = await call(root, bot.token, "sendMessage", {
    chat_id: forum.id,
    message_thread_id: 999,
    text: "x",
  });
  assert.equal(nowhere.body.description, "Bad Request: message thread not found");

  await ok(root, bot.token, "editForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
    name: "Updates",
  });
  const same = await call(root, bot.token, "editForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
    name: "Updates",
  });
  assert.equal(same.body.description, "Bad Request: TOPIC_NOT_MODIFIED");
  await ok(root, bot.token, "closeForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  const twice = await call(root, bot.token, "closeForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  assert.equal(twice.status, 400);
  await ok(root, bot.token, "reopenForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  const kinds = emu.pendingUpdates(watcher).map((u: Any) =>
    Object.keys(u.message).find((k) => k.startsWith("forum_topic"))
  );
  assert.deepEqual(kinds.filter((k) => k !== undefined), [
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
  ]);
  await ok(root, bot.token, "deleteForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  assert.equal(emu.message(forum, sent.message_id), undefined);
  const deleted = await call(root, bot.token, "closeForumTopic", {
    chat_id: forum.id,
    message_thread_id: topic.message_thread_id,
  });
  assert.equal(deleted.body.description, "Bad Request: message thread not found");

  await ok(root, bot.token, "hideGeneralForumTopic", { chat_id: forum.id });
  await ok(root, bot.token, "unhideGeneralForumTopic", { chat_id: forum.id });
  await ok(root, bot.token, "editGeneralForumTopic", { chat_id: forum.id, name: "Lobby" });
  const unchanged = await call(root, bot.token, "unhideGeneralForumTopic", { chat_id: forum.id });
  assert.equal(unchanged.body.description, "Bad Request: TOPIC_NOT_MODIFIED");
});

Deno.test("forum preconditions: a group that is not a forum, a bot without can_manage_topics, topics in private chats", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "topic_bot" });
  const plain = emu.createBot({ username: "plain_bot" });
  const topics = emu.createBot({ username: "threads_bot", topics: true });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "Plain", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  const notForum = await call(root, bot.token, "createForumTopic", { chat_id: group.id, name: "x" });
  assert.equal(notForum.body.description, "Bad Request: the chat is not a forum");
  const forum = emu.createGroup({
    title: "F",
    type: "supergroup",
    forum: true,
    members: [alice],
    bots: [plain],
    botStatus: "member",
  });
  const noRights = await call(root, plain.token, "createForumTopic", { chat_id: forum.id, name: "x" });
  assert.equal(noRights.body.description, "Bad Request: not enough rights to manage topics");
  const adminForum = emu.createGroup({
    title: "G",
    type: "supergroup",
    forum: true,
    members: [alice],
    bots: [bot],
  });
  const badColor = await call(root, bot.token, "createForumTopic", {
    chat_id: adminForum.id,
    name: "x",
    icon_color: 1,
  });
  assert.equal(badColor.body.description, "Bad Request: TOPIC_COLOR_INVALID");
  // Private chats: only for a bot with topics enabled in BotFather (getMe has_topics_enabled).
  const me = await ok<Any>(root, topics.token, "getMe");
  assert.equal(me.has_topics_enabled, true);
  const privateTopic = await ok<Any>(root, topics.token, "createForumTopic", {
    chat_id: alice.id,
    name: "Support",
  });
  const inTopic = await ok<Any>(root, topics.token, "sendMessage", {
    chat_id: alice.id,
    message_thread_id: privateTopic.message_thread_id,
    text: "hello",
  });
  assert.equal(inTopic.is_topic_message, true);
  const noTopics = await call(root, bot.token, "createForumTopic", { chat_id: alice.id, name: "x" });
  assert.equal(noTopics.body.description, "Bad Request: the chat is not a forum");
});
