import assert from "node:assert/strict";
import { TYPES } from "../api/spec.gen.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "admin_bot" });
  const owner = emu.createUser({ first_name: "Owner" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "Club", type: "supergroup", members: [owner, bob], bots: [bot] });
  return { emu, bot, owner, bob, group };
}

Deno.test("getChat, getChatMemberCount, getChatAdministrators, getChatMember describe the group", async () => {
  const { emu, bot, owner, bob, group } = await setup();
  try {
    const chat = await ok<Any>(emu.apiRoot, bot.token, "getChat", { chat_id: group.id });
    assert.equal(chat.id, group.id);
    assert.equal(chat.type, "supergroup");
    assert.equal(chat.title, "Club");
    assert.equal(typeof chat.accent_color_id, "number");
    assert.equal(await ok(emu.apiRoot, bot.token, "getChatMemberCount", { chat_id: group.id }), 3);
    assert.equal(
      await ok(emu.apiRoot, bot.token, "getChatMembersCount", { chat_id: group.id }),
      3,
      "telepot's name",
    );
    const admins = await ok<Any[]>(emu.apiRoot, bot.token, "getChatAdministrators", { chat_id: group.id });
    assert.deepEqual(admins.map((a) => [a.user.id, a.status]), [[owner.id, "creator"]]);
    const withBots = await ok<Any[]>(emu.apiRoot, bot.token, "getChatAdministrators", {
      chat_id: group.id,
      return_bots: true,
    });
    assert.equal(withBots.length, 2);
    const botAdmin = withBots.find((a) => a.user.id === bot.id);
    for (const right of TYPES.ChatAdministratorRights.fields) {
      assert.equal(botAdmin[right.name], right.name !== "is_anonymous", `the bot holds ${right.name}`);
    }
    const member = await ok<Any>(emu.apiRoot, bot.token, "getChatMember", {
      chat_id: group.id,
      user_id: bob.id,
    });
    assert.equal(member.status, "member");
    const unknown = await call(emu.apiRoot, bot.token, "getChat", { chat_id: -1 });
    assert.equal(unknown.body.description, "Bad Request: chat not found");
  } finally {
    await emu.close();
  }
});

Deno.test("banChatMember (and telepot's kickChatMember) removes a member; unbanChatMember lets them back", async () => {
  const { emu, bot, owner, bob, group } = await setup();
  try {
    assert.equal(
      await ok(emu.apiRoot, bot.token, "banChatMember", { chat_id: group.id, user_id: bob.id }),
      true,
    );
    assert.equal(
      (await ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id })).status,
      "kicked",
    );
    await assert.rejects(bob.sendText(group.id, "let me in"));
    await assert.rejects(bob.join(group.id));
    await ok(emu.apiRoot, bot.token, "unbanChatMember", {
      chat_id: group.id,
      user_id: bob.id,
      only_if_banned: true,
    });
    assert.equal(
      (await ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id })).status,
      "left",
    );
    const joined = await bob.join(group.id);
    assert.deepEqual(joined.new_chat_members?.map((u) => u.id), [bob.id]);
    await ok(emu.apiRoot, bot.token, "kickChatMember", { chat_id: group.id, user_id: bob.id });
    assert.equal(emu.world.isMember(emu.chat(group.id), bob.id), false);
    const ownerBan = await call(emu.apiRoot, bot.token, "banChatMember", {
      chat_id: group.id,
      user_id: owner.id,
    });
    assert.equal(ownerBan.body.description, "Bad Request: can't remove chat owner");
  } finally {
    await emu.close();
  }
});

Deno.test("a ban's until_date follows the Bot API rule, and a ban past it is over: left, free to join", async () => {
  const { emu, bot, bob, group } = await setup();
  try {
    const getBob = () =>
      ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id });
    const ban = (until_date: number) =>
      ok(emu.apiRoot, bot.token, "banChatMember", { chat_id: group.id, user_id: bob.id, until_date });
    const now = Math.floor(Date.now() / 1000);
    // Under 30 seconds or over 366 days from now is for ever (until_date 0).
    await ban(now + 10);
    assert.deepEqual(await getBob(), { status: "kicked", user: bob.user, until_date: 0 });
    await ban(now + 367 * 86400);
    assert.equal((await getBob()).until_date, 0);
    await ban(now + 3600);
    assert.equal((await getBob()).until_date, now + 3600);
    await assert.rejects(bob.join(group.id));
    // An expiry takes half a minute at least, so the test moves the record's until_date into the past.
    emu.chat(group.id).members.get(bob.id)!.until_date = now - 1;
    assert.deepEqual(await getBob(), { status: "left", user: bob.user });
    const joined = await bob.join(group.id);
    assert.deepEqual(joined.new_chat_members?.map((u) => u.id), [bob.id]);
    assert.equal((await getBob()).status, "member");
  } finally {
    await emu.close();
  }
});

Deno.test("a bot without admin rights cannot ban; leaveChat takes the bot out", async () => {
  const { emu, bot, bob, group } = await setup();
  try {
    const other = emu.createBot({ username: "plain_bot" });
    emu.chat(group.id).members.set(other.id, { status: "member", user: other.user });
    const refused = await call(emu.apiRoot, other.token, "banChatMember", {
      chat_id: group.id,
      user_id: bob.id,
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.description, /not enough rights/);
    assert.equal(await ok(emu.apiRoot, bot.token, "leaveChat", { chat_id: group.id }), true);
    const after = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: group.id,
      text: "still here?",
    });
    assert.equal(after.status, 403);
  } finally {
    await emu.close();
  }
});

Deno.test("restrict, promote, title, description, pins, invite links and permissions", async () => {
  const { emu, bot, bob, group } = await setup();
  try {
    const p = { chat_id: group.id };
    await ok(emu.apiRoot, bot.token, "restrictChatMember", {
      ...p,
      user_id: bob.id,
      permissions: { can_send_messages: false },
    });
    const restricted = await ok<Any>(emu.apiRoot, bot.token, "getChatMember", { ...p, user_id: bob.id });
    assert.equal(restricted.status, "restricted");
    assert.equal(restricted.can_send_messages, false);
    await ok(emu.apiRoot, bot.token, "promoteChatMember", { ...p, user_id: bob.id, can_pin_messages: true });
    assert.equal(
      (await ok<Any>(emu.apiRoot, bot.token, "getChatMember", { ...p, user_id: bob.id })).status,
      "administrator",
    );
    await ok(emu.apiRoot, bot.token, "setChatTitle", { ...p, title: "Club 2" });
    await ok(emu.apiRoot, bot.token, "setChatDescription", { ...p, description: "About" });
    const said = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { ...p, text: "pin me" });
    await ok(emu.apiRoot, bot.token, "pinChatMessage", { ...p, message_id: said.message_id });
    const chat = await ok<Any>(emu.apiRoot, bot.token, "getChat", p);
    assert.equal(chat.title, "Club 2");
    assert.equal(chat.description, "About");
    assert.equal(chat.pinned_message.text, "pin me");
    await ok(emu.apiRoot, bot.token, "unpinAllChatMessages", p);
    assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getChat", p)).pinned_message, undefined);
    const link = await ok<string>(emu.apiRoot, bot.token, "exportChatInviteLink", p);
    assert.match(link, /^https:\/\/t\.me\/\+/);
    const created = await ok<Any>(emu.apiRoot, bot.token, "createChatInviteLink", { ...p, name: "promo" });
    assert.equal(created.name, "promo");
    assert.equal(
      await ok(emu.apiRoot, bot.token, "setChatPermissions", {
        ...p,
        permissions: { can_send_messages: true },
      }),
      true,
    );
  } finally {
    await emu.close();
  }
});

Deno.test("group traffic: every member bot gets user messages; joins and leaves are service messages; channel posts and their edits", async () => {
  const { emu, bot, owner, bob, group } = await setup();
  try {
    const second = emu.createBot({ username: "second_bot", privacy: false });
    emu.chat(group.id).members.set(second.id, { status: "member", user: second.user });
    await owner.sendText(group.id, "hello all");
    const carol = emu.createUser({ first_name: "Carol" });
    await carol.join(group.id);
    await bob.leave(group.id);
    for (const b of [bot, second]) {
      const updates = await ok<Any[]>(emu.apiRoot, b.token, "getUpdates", { allowed_updates: [] });
      const kinds = updates.map((u) =>
        u.message?.text
          ?? (u.message?.new_chat_members ? "joined" : u.message?.left_chat_member ? "left" : "?")
      );
      assert.deepEqual(kinds, ["hello all", "joined", "left"]);
    }
    const channel = emu.createChannel({ title: "News", username: "news_ch", members: [owner], bots: [bot] });
    const post = await owner.sendText(channel.id, "breaking");
    const posts = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: -1 });
    assert.equal(posts[0].channel_post.text, "breaking");
    assert.equal(posts[0].channel_post.sender_chat.id, channel.id);
    await owner.editText(post, "breaking: more");
    const [edit] = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: -1 });
    assert.equal(edit.edited_channel_post.text, "breaking: more");
    assert.equal(edit.edited_channel_post.message_id, post.message_id);
    const viaName = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: "@news_ch",
      text: "from bot",
    });
    assert.equal(viaName.chat.id, channel.id);
  } finally {
    await emu.close();
  }
});

Deno.test("chat_member updates are opt-in through allowed_updates", async () => {
  const { emu, bot, group } = await setup();
  try {
    await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["chat_member"] });
    const dave = emu.createUser({ first_name: "Dave" });
    await dave.join(group.id);
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
    assert.equal(updates.length, 1, "the join message itself is filtered out");
    assert.equal(updates[0].chat_member.new_chat_member.user.id, dave.id);
    assert.equal(updates[0].chat_member.new_chat_member.status, "member");
    assert.equal(updates[0].chat_member.old_chat_member.status, "left");
  } finally {
    await emu.close();
  }
});

Deno.test("a user adds a bot to a group: my_chat_member, then privacy mode decides what it sees", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "joiner_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "Fresh", members: [alice] });
  const added = await alice.addMember(group.id, bot);
  assert.deepEqual(added.new_chat_members?.map((u) => u.id), [bot.id]);
  await alice.sendText(group.id, "small talk, hidden by privacy mode");
  await alice.sendText(group.id, "/help@joiner_bot");
  await alice.sendText(group.id, "/other@someone_else_bot");
  await alice.sendText(group.id, "hey @joiner_bot");
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
  assert.equal(updates[0].my_chat_member.new_chat_member.status, "member");
  assert.equal(updates[0].my_chat_member.from.id, alice.id);
  assert.deepEqual(updates[1].message.new_chat_members.map((u: Any) => u.id), [bot.id]);
  assert.deepEqual(updates.slice(2).map((u) => u.message.text), ["/help@joiner_bot", "hey @joiner_bot"]);
  const nosy = emu.createBot({ username: "nosy_bot", privacy: false });
  await alice.addMember(group.id, nosy);
  await alice.sendText(group.id, "everything");
  const all = await ok<Any[]>(emu.apiRoot, nosy.token, "getUpdates");
  assert.equal(all[all.length - 1].message.text, "everything");
  const plain = emu.createGroup({ title: "Plain", members: [alice], bots: [bot], botStatus: "member" });
  const refused = await call(emu.apiRoot, bot.token, "setChatTitle", { chat_id: plain.id, title: "New" });
  assert.match(refused.body.description, /not enough rights/);
});

Deno.test("a ban lapsing at its until_date is a chat_member update: kicked, then left", async () => {
  const { emu, bot, bob, group } = await setup();
  try {
    await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["chat_member"] });
    await ok(emu.apiRoot, bot.token, "banChatMember", {
      chat_id: group.id,
      user_id: bob.id,
      until_date: Math.floor(Date.now() / 1000) + 3600,
    });
    assert.deepEqual(
      (await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates")).map((u) =>
        u.chat_member.new_chat_member.status
      ),
      ["kicked"],
    );
    // The Bot API's floor is 30 seconds; the record is given an end a second away instead of waiting.
    const state = emu.chat(group.id);
    emu.world.changeMember(state, emu.bot(bot).sender, {
      ...state.members.get(bob.id)!,
      until_date: Math.floor(Date.now() / 1000) + 1,
    });
    const seen = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
    const offset = seen[seen.length - 1].update_id + 1;
    // Nothing looks Bob up meanwhile: only the timer can raise the update.
    const lapsed = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset, timeout: 5 });
    assert.deepEqual(
      lapsed.map((u) => [u.chat_member.old_chat_member.status, u.chat_member.new_chat_member]),
      [["kicked", { status: "left", user: bob.user }]],
    );
    const joined = await bob.join(group.id);
    assert.deepEqual(joined.new_chat_members?.map((u) => u.id), [bob.id]);
  } finally {
    await emu.close();
  }
});

// td's ban_dialog_participant removes a basic group's member (messages.deleteChatUser) and keeps no ban;
// telegram-bot-api's unbanChatMember takes supergroups and channels only.
Deno.test("banChatMember in a basic group removes the member, who is left and may come back; unban is refused", async () => {
  const { emu, bot, owner, bob } = await setup();
  try {
    const group = emu.createGroup({ title: "Basic", members: [owner, bob], bots: [bot] });
    assert.equal(group.type, "group");
    const getBob = () =>
      ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id });
    await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["chat_member", "message"] });
    const until = Math.floor(Date.now() / 1000) + 3600;
    await ok(emu.apiRoot, bot.token, "banChatMember", {
      chat_id: group.id,
      user_id: bob.id,
      until_date: until,
      revoke_messages: false,
    });
    assert.deepEqual(await getBob(), { status: "left", user: bob.user });
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
    assert.deepEqual(
      updates.map((u) =>
        u.chat_member
          ? [u.chat_member.old_chat_member.status, u.chat_member.new_chat_member.status]
          : u.message.left_chat_member.id
      ),
      [["member", "left"], bob.id],
    );
    const unban = await call(emu.apiRoot, bot.token, "unbanChatMember", {
      chat_id: group.id,
      user_id: bob.id,
    });
    assert.deepEqual([unban.status, unban.body.description], [
      400,
      "Bad Request: method is available for supergroup and channel chats only",
    ]);
    const notIn = await call(emu.apiRoot, bot.token, "banChatMember", { chat_id: group.id, user_id: bob.id });
    assert.deepEqual([notIn.status, notIn.body.description], [400, "Bad Request: USER_NOT_PARTICIPANT"]);
    const joined = await bob.join(group.id);
    assert.deepEqual(joined.new_chat_members?.map((u) => u.id), [bob.id]);
    assert.equal((await getBob()).status, "member");
    // Removed again, Bob is brought back by a member, as a basic group allows.
    await ok(emu.apiRoot, bot.token, "banChatMember", { chat_id: group.id, user_id: bob.id });
    await owner.addMember(group.id, bob);
    assert.equal((await getBob()).status, "member");
  } finally {
    await emu.close();
  }
});

Deno.test("unbanChatMember in a private chat is refused before anything else, as the server refuses it", async () => {
  const { emu, bot, bob } = await setup();
  try {
    await bob.sendText(bob.id, "/start", { to: bot });
    const unban = await call(emu.apiRoot, bot.token, "unbanChatMember", { chat_id: bob.id, user_id: bob.id });
    assert.deepEqual([unban.status, unban.body.description], [
      400,
      "Bad Request: method is available for supergroup and channel chats only",
    ]);
  } finally {
    await emu.close();
  }
});
