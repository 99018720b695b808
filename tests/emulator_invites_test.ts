import assert from "node:assert/strict";
import { BotApiEmulator, ScriptError } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("invite links: create, edit, member_limit, revoke, the primary link; a revoked or used-up link lets nobody in", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "door_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
  const group = emu.createGroup({ title: "Club", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  const link = await ok<Any>(root, bot.token, "createChatInviteLink", {
    chat_id: group.id,
    name: "one",
    member_limit: 1,
  });
  assert.match(link.invite_link, /^https:\/\/t\.me\/\+/);
  assert.deepEqual([link.is_primary, link.is_revoked, link.member_limit, link.name], [
    false,
    false,
    1,
    "one",
  ]);
  await bob.joinByLink(link.invite_link);
  await assert.rejects(carol.joinByLink(link.invite_link), ScriptError);
  const edited = await ok<Any>(root, bot.token, "editChatInviteLink", {
    chat_id: group.id,
    invite_link: link.invite_link,
    member_limit: 0,
    name: "open",
  });
  assert.equal(edited.member_limit, undefined);
  assert.equal(edited.name, "open");
  const revoked = await ok<Any>(root, bot.token, "revokeChatInviteLink", {
    chat_id: group.id,
    invite_link: link.invite_link,
  });
  assert.equal(revoked.is_revoked, true);
  await assert.rejects(carol.joinByLink(link.invite_link), ScriptError);
  const again = await call(root, bot.token, "editChatInviteLink", {
    chat_id: group.id,
    invite_link: link.invite_link,
    name: "x",
  });
  assert.equal(again.body.description, "Bad Request: INVITE_HASH_EXPIRED");
  const unknown = await call(root, bot.token, "revokeChatInviteLink", {
    chat_id: group.id,
    invite_link: "https://t.me/+nope",
  });
  assert.equal(unknown.status, 400);

  const first = await ok<string>(root, bot.token, "exportChatInviteLink", { chat_id: group.id });
  const second = await ok<string>(root, bot.token, "exportChatInviteLink", { chat_id: group.id });
  assert.notEqual(first, second);
  assert.equal((await ok<Any>(root, bot.token, "getChat", { chat_id: group.id })).invite_link, second);
  await assert.rejects(carol.joinByLink(first), ScriptError);
  await carol.joinByLink(second);
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: carol.id })).status,
    "member",
  );
});

Deno.test("join requests: chat_join_request reaches the admin bot; approve lets the user in, decline does not; none pending is HIDE_REQUESTER_MISSING", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "door_bot" });
  const [alice, bob, carol] = ["Alice", "Bob", "Carol"].map((first_name) => emu.createUser({ first_name }));
  const group = emu.createGroup({ title: "Club", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  await ok(root, bot.token, "getUpdates", {
    allowed_updates: ["chat_join_request", "chat_member", "message"],
  });
  const link = await ok<Any>(root, bot.token, "createChatInviteLink", {
    chat_id: group.id,
    creates_join_request: true,
  });
  assert.equal(await bob.joinByLink(link.invite_link), undefined);
  await carol.requestJoin(group);
  const requests = emu.pendingUpdates(bot).filter((u: Any) => u.chat_join_request !== undefined);
  assert.deepEqual(requests.map((u: Any) => u.chat_join_request.from.id), [bob.id, carol.id]);
  assert.equal((requests[0] as Any).chat_join_request.invite_link.invite_link, link.invite_link);
  assert.equal((requests[0] as Any).chat_join_request.user_chat_id, bob.id);

  await ok(root, bot.token, "approveChatJoinRequest", { chat_id: group.id, user_id: bob.id });
  await ok(root, bot.token, "declineChatJoinRequest", { chat_id: group.id, user_id: carol.id });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id })).status,
    "member",
  );
  assert.equal(
    (await ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: carol.id })).status,
    "left",
  );
  const none = await call(root, bot.token, "approveChatJoinRequest", {
    chat_id: group.id,
    user_id: carol.id,
  });
  assert.equal(none.body.description, "Bad Request: HIDE_REQUESTER_MISSING");
  const member = await call(root, bot.token, "approveChatJoinRequest", {
    chat_id: group.id,
    user_id: alice.id,
  });
  assert.equal(member.body.description, "Bad Request: USER_ALREADY_PARTICIPANT");
});

Deno.test("subscription links exist only in channels, for 30 days and 1-10000 stars", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "door_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const channel = emu.createChannel({ title: "News", members: [alice], bots: [bot] });
  const group = emu.createGroup({ title: "Club", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  const link = await ok<Any>(root, bot.token, "createChatSubscriptionInviteLink", {
    chat_id: channel.id,
    subscription_period: 2592000,
    subscription_price: 50,
    name: "paid",
  });
  assert.deepEqual([link.subscription_period, link.subscription_price, link.name], [2592000, 50, "paid"]);
  const renamed = await ok<Any>(root, bot.token, "editChatSubscriptionInviteLink", {
    chat_id: channel.id,
    invite_link: link.invite_link,
    name: "vip",
  });
  assert.equal(renamed.name, "vip");
  const inGroup = await call(root, bot.token, "createChatSubscriptionInviteLink", {
    chat_id: group.id,
    subscription_period: 2592000,
    subscription_price: 50,
  });
  assert.equal(inGroup.status, 400);
  const week = await call(root, bot.token, "createChatSubscriptionInviteLink", {
    chat_id: channel.id,
    subscription_period: 604800,
    subscription_price: 50,
  });
  assert.equal(week.body.description, "Bad Request: SUBSCRIPTION_PERIOD_INVALID");
});
