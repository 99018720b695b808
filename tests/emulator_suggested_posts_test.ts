import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "editor_bot" });
  const owner = emu.createUser({ first_name: "Owner" });
  const alice = emu.createUser({ first_name: "Alice" });
  const channel = emu.createChannel({ title: "News", members: [owner], bots: [bot], directMessages: true });
  const dm = emu.directMessagesChat(channel);
  return { emu, bot, owner, alice, channel, dm, root: emu.apiRoot };
}

async function updates(root: string, token: string): Promise<Any[]> {
  const list: Any[] = await ok(root, token, "getUpdates", { timeout: 0 });
  if (list.length > 0) await ok(root, token, "getUpdates", { offset: list.at(-1).update_id + 1, timeout: 0 });
  return list;
}

Deno.test("a channel's direct-messages chat: getChat shows it, users write in topics of their own, bots answer in a topic", async () => {
  const { emu, bot, alice, channel, dm, root } = await setup();
  await using _ = emu;
  const info: Any = await ok(root, bot.token, "getChat", { chat_id: dm.id });
  assert.equal(info.type, "supergroup");
  assert.equal(info.is_direct_messages, true);
  assert.equal(info.parent_chat.id, channel.id);
  const hello = await alice.sendText(dm.id, "hello channel");
  assert.deepEqual((hello as Any).direct_messages_topic, { topic_id: alice.id, user: alice.user });
  const seen = await updates(root, bot.token);
  assert.equal(seen[0].message.text, "hello channel");
  // MessageTopic.cpp get_send_message_topic: a topic is required, and must exist.
  const noTopic = await call(root, bot.token, "sendMessage", { chat_id: dm.id, text: "hi" });
  assert.equal(noTopic.body.description, "Bad Request: channel direct messages topic must be specified");
  const unknown = await call(root, bot.token, "sendMessage", {
    chat_id: dm.id,
    text: "hi",
    direct_messages_topic_id: 999,
  });
  assert.equal(unknown.body.description, "Bad Request: topic not found");
  const answer: Any = await ok(root, bot.token, "sendMessage", {
    chat_id: dm.id,
    text: "hi Alice",
    direct_messages_topic_id: alice.id,
  });
  assert.equal(answer.direct_messages_topic.topic_id, alice.id);
});

Deno.test("approveSuggestedPost: the post is approved, announced in the topic and published in the channel", async () => {
  const { emu, bot, alice, channel, dm, root } = await setup();
  await using _ = emu;
  const suggested: Any = await alice.suggestPost(channel, "Buy my gadget", {
    price: { currency: "XTR", amount: 100 },
  });
  assert.deepEqual(suggested.suggested_post_info, {
    state: "pending",
    price: { currency: "XTR", amount: 100 },
  });
  assert.equal(suggested.chat.id, dm.id);
  const incoming = await updates(root, bot.token);
  assert.equal(incoming[0].message.suggested_post_info.state, "pending");

  assert.equal(
    await ok(root, bot.token, "approveSuggestedPost", { chat_id: dm.id, message_id: suggested.message_id }),
    true,
  );
  assert.equal(emu.message(dm.id, suggested.message_id)!.suggested_post_info!.state, "approved");
  const service: Any = emu.transcript(dm.id).at(-1);
  assert.equal(service.sender_chat.id, channel.id);
  assert.equal(service.direct_messages_topic.topic_id, alice.id);
  assert.equal(service.suggested_post_approved.suggested_post_message.message_id, suggested.message_id);
  assert.equal(service.reply_to_message.message_id, suggested.message_id);
  assert.deepEqual(service.suggested_post_approved.price, { currency: "XTR", amount: 100 });
  assert.equal(typeof service.suggested_post_approved.send_date, "number");
  const posts: Any[] = emu.transcript(channel.id);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].text, "Buy my gadget");
  assert.equal(posts[0].sender_chat.id, channel.id);
  assert.equal(posts[0].suggested_post_info, undefined);
  assert.equal(posts[0].is_paid_post, true);
  const after = await updates(root, bot.token);
  assert.ok(after.some((u) => u.message?.suggested_post_approved !== undefined), "service message delivered");
  assert.ok(after.some((u) => u.channel_post?.text === "Buy my gadget"), "channel post delivered");

  // MessagesManager::process_suggested_post: only a pending suggestion can be decided on.
  const again = await call(root, bot.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: suggested.message_id,
  });
  assert.equal(again.body.description, "Bad Request: message can't be used in the method");
});

Deno.test("approveSuggestedPost: a later send date waits; too far ahead, unknown posts and missing rights are refused", async () => {
  const { emu, bot, alice, channel, dm, root } = await setup();
  await using _ = emu;
  const post: Any = await alice.suggestPost(dm, { text: "later" });
  const now = Math.floor(Date.now() / 1000);
  const tooLate = await call(root, bot.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
    send_date: now + 2_678_400 + 60,
  });
  assert.equal(tooLate.status, 400);
  // Client.cpp process_approve_suggested_post_query: check_message(…, "suggested post").
  const unknown = await call(root, bot.token, "approveSuggestedPost", { chat_id: dm.id, message_id: 99 });
  assert.equal(unknown.body.description, "Bad Request: suggested post not found");
  const plain: Any = await alice.sendText(dm.id, "not a suggestion");
  const notSuggested = await call(root, bot.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: plain.message_id,
  });
  assert.equal(notSuggested.body.description, "Bad Request: message can't be used in the method");

  const weak = emu.createBot({ username: "weak_bot" });
  await ok(root, bot.token, "promoteChatMember", {
    chat_id: channel.id,
    user_id: weak.id,
    can_manage_chat: true,
  });
  await ok(root, bot.token, "promoteChatMember", { chat_id: dm.id, user_id: weak.id, can_manage_chat: true });
  const noRight = await call(root, weak.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
  });
  assert.equal(noRight.body.description, "Bad Request: message can't be used in the method");

  await ok(root, bot.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
    send_date: now + 3600,
  });
  assert.equal(emu.message(dm.id, post.message_id)!.suggested_post_info!.send_date, now + 3600);
  assert.equal(emu.transcript(channel.id).length, 0, "published only at its send date");
});

Deno.test("declineSuggestedPost: declined with a comment; needs can_manage_direct_messages; a bot's own suggestion is refused", async () => {
  const { emu, bot, alice, channel, dm, root } = await setup();
  await using _ = emu;
  const post: Any = await alice.suggestPost(channel, "meh", {
    send_date: Math.floor(Date.now() / 1000) + 600,
  });
  const long = await call(root, bot.token, "declineSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
    comment: "x".repeat(129),
  });
  assert.equal(long.status, 400);
  await ok(root, bot.token, "declineSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
    comment: "not our style",
  });
  assert.equal(emu.message(dm.id, post.message_id)!.suggested_post_info!.state, "declined");
  const service: Any = emu.transcript(dm.id).at(-1);
  assert.equal(service.suggested_post_declined.comment, "not our style");
  assert.equal(service.suggested_post_declined.suggested_post_message.message_id, post.message_id);
  assert.equal(emu.transcript(channel.id).length, 0);
  const twice = await call(root, bot.token, "declineSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
  });
  assert.equal(twice.body.description, "Bad Request: message can't be used in the method");

  const weak = emu.createBot({ username: "weak_bot" });
  await ok(root, bot.token, "promoteChatMember", {
    chat_id: channel.id,
    user_id: weak.id,
    can_post_messages: true,
  });
  await ok(root, bot.token, "promoteChatMember", {
    chat_id: dm.id,
    user_id: weak.id,
    can_post_messages: true,
  });
  const other: Any = await alice.suggestPost(channel, "second try");
  const noRight = await call(root, weak.token, "declineSuggestedPost", {
    chat_id: dm.id,
    message_id: other.message_id,
  });
  assert.equal(noRight.body.description, "Bad Request: message can't be used in the method");

  // A suggestion the bot itself made (suggested_post_parameters) is for the user to decide on.
  const own: Any = await ok(root, bot.token, "sendMessage", {
    chat_id: dm.id,
    text: "an offer",
    direct_messages_topic_id: alice.id,
    suggested_post_parameters: { price: { currency: "XTR", amount: 5 } },
  });
  assert.deepEqual(own.suggested_post_info, { state: "pending", price: { currency: "XTR", amount: 5 } });
  const ownDecline = await call(root, bot.token, "declineSuggestedPost", {
    chat_id: dm.id,
    message_id: own.message_id,
  });
  assert.equal(ownDecline.body.description, "Bad Request: message can't be used in the method");
  const inChannel = await call(root, bot.token, "declineSuggestedPost", {
    chat_id: channel.id,
    message_id: 1,
  });
  assert.equal(inChannel.status, 400);
});

Deno.test("approveSuggestedPost: a post approved for a later date is published in the channel at that date", async () => {
  const { emu, bot, alice, channel, dm, root } = await setup();
  await using _ = emu;
  const post: Any = await alice.suggestPost(channel, "soon");
  await updates(root, bot.token);
  const sendDate = Math.floor(Date.now() / 1000) + 1;
  await ok(root, bot.token, "approveSuggestedPost", {
    chat_id: dm.id,
    message_id: post.message_id,
    send_date: sendDate,
  });
  const deadline = Date.now() + 30_000;
  let published: Any;
  while (published === undefined && Date.now() < deadline) {
    const batch: Any[] = await ok(root, bot.token, "getUpdates", {
      timeout: 5,
      allowed_updates: ["channel_post"],
    });
    published = batch.find((u) => u.channel_post !== undefined)?.channel_post;
    if (batch.length > 0) {
      await ok(root, bot.token, "getUpdates", { offset: batch.at(-1).update_id + 1, timeout: 0 });
    }
  }
  assert.equal(published?.text, "soon");
  assert.ok(published.date >= sendDate, "not before its send date");
  assert.equal(published.is_paid_post, undefined, "an unpaid suggestion");
  assert.equal(emu.transcript(channel.id).length, 1);
});
