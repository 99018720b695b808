import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "admin_bot" });
  const [owner, alice, bob] = ["Owner", "Alice", "Bob"].map((first_name) => emu.createUser({ first_name }));
  const group = emu.createGroup({
    title: "G",
    type: "supergroup",
    members: [owner, alice, bob],
    bots: [bot],
  });
  return { emu, bot, owner, alice, bob, group };
}

Deno.test("setChatAdministratorCustomTitle: only for an administrator the bot promoted; the owner and members are refused", async () => {
  const { emu, bot, owner, alice, bob, group } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  await ok(root, bot.token, "promoteChatMember", {
    chat_id: group.id,
    user_id: alice.id,
    can_pin_messages: true,
  });
  await ok(root, bot.token, "setChatAdministratorCustomTitle", {
    chat_id: group.id,
    user_id: alice.id,
    custom_title: "Pinner",
  });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: alice.id })).custom_title,
    "Pinner",
  );
  // Client.cpp process_set_chat_administrator_custom_title_query's texts.
  const creator = await call(root, bot.token, "setChatAdministratorCustomTitle", {
    chat_id: group.id,
    user_id: owner.id,
    custom_title: "x",
  });
  assert.equal(creator.body.description, "Bad Request: only the owner can edit their custom title");
  const plain = await call(root, bot.token, "setChatAdministratorCustomTitle", {
    chat_id: group.id,
    user_id: bob.id,
    custom_title: "x",
  });
  assert.equal(plain.body.description, "Bad Request: user is not an administrator");
  const emoji = await call(root, bot.token, "setChatAdministratorCustomTitle", {
    chat_id: group.id,
    user_id: alice.id,
    custom_title: "🔥",
  });
  assert.equal(emoji.body.description, "Bad Request: ADMIN_RANK_EMOJI_NOT_ALLOWED");
  const channel = emu.createChannel({ title: "C", members: [owner], bots: [bot] });
  const inChannel = await call(root, bot.token, "setChatAdministratorCustomTitle", {
    chat_id: channel.id,
    user_id: owner.id,
    custom_title: "x",
  });
  assert.equal(
    inChannel.body.description,
    "Bad Request: method is available only for groups and supergroups",
  );
});

Deno.test("setChatMemberTag tags a member (an administrator's tag is its custom title)", async () => {
  const { emu, bot, alice, bob, group } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  await ok(root, bot.token, "setChatMemberTag", { chat_id: group.id, user_id: bob.id, tag: "helper" });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id })).tag,
    "helper",
  );
  await ok(root, bot.token, "promoteChatMember", {
    chat_id: group.id,
    user_id: alice.id,
    can_pin_messages: true,
  });
  await ok(root, bot.token, "setChatMemberTag", { chat_id: group.id, user_id: alice.id, tag: "mod" });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: alice.id })).custom_title,
    "mod",
  );
  const stranger = emu.createUser({ first_name: "Stranger" });
  const outside = await call(root, bot.token, "setChatMemberTag", {
    chat_id: group.id,
    user_id: stranger.id,
    tag: "x",
  });
  assert.equal(outside.body.description, "Bad Request: USER_NOT_PARTICIPANT");
});

Deno.test("sender chat bans need a known chat and the right to restrict; boosts are empty; drafts stream into private chats", async () => {
  const { emu, bot, owner, alice, group } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const channel = emu.createChannel({ title: "C", members: [owner], bots: [bot] });
  await ok(root, bot.token, "banChatSenderChat", { chat_id: group.id, sender_chat_id: channel.id });
  await ok(root, bot.token, "unbanChatSenderChat", { chat_id: group.id, sender_chat_id: channel.id });
  const unknown = await call(root, bot.token, "banChatSenderChat", {
    chat_id: group.id,
    sender_chat_id: -100999,
  });
  assert.equal(unknown.body.description, "Bad Request: chat not found");
  assert.deepEqual(await ok(root, bot.token, "getUserChatBoosts", { chat_id: group.id, user_id: alice.id }), {
    boosts: [],
  });
  const inGroup = await call(root, bot.token, "getUserChatBoosts", {
    chat_id: emu.createGroup({ title: "g", members: [alice], bots: [bot] }).id,
    user_id: alice.id,
  });
  assert.equal(inGroup.status, 400);

  await ok(root, bot.token, "sendMessageDraft", {
    chat_id: alice.id,
    draft_id: 7,
    text: "*think*ing",
    parse_mode: "MarkdownV2",
  });
  assert.deepEqual(emu.draft(alice.id, { bot }), {
    draft_id: 7,
    text: "thinking",
    entities: [{ type: "bold", offset: 0, length: 5 }],
  });
  const zero = await call(root, bot.token, "sendMessageDraft", { chat_id: alice.id, draft_id: 0, text: "x" });
  assert.equal(zero.status, 400);
  const groupDraft = await call(root, bot.token, "sendMessageDraft", {
    chat_id: group.id,
    draft_id: 1,
    text: "x",
  });
  assert.equal(groupDraft.status, 400);
});
