import assert from "node:assert/strict";
import { JOIN_REQUEST_CONTACT_SECONDS } from "../testing/invites.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const CANT = "Forbidden: bot can't initiate conversation with a user";

Deno.test("strict: a bot cannot write first to a user who never started it (403); a /start opens the chat", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "first_bot" });
  const dave = emu.createUser({ first_name: "Dave" });
  const refused = await call(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: dave.id,
    text: "hi stranger",
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.description, CANT);
  const photo = await call(emu.apiRoot, bot.token, "sendPhoto", {
    chat_id: dave.id,
    photo: "https://x.test/p.jpg",
  });
  assert.equal(photo.body.description, CANT, "every sending method");
  assert.deepEqual(emu.transcript(dave.id, { bot }), [], "nothing was posted");

  await dave.sendText(dave.id, "/start", { to: bot });
  assert.equal(
    (await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: dave.id, text: "hi" })).text,
    "hi",
  );
  // Starting one bot does not open a chat with another.
  const other = emu.createBot({ username: "other_bot" });
  assert.equal(
    (await call(emu.apiRoot, other.token, "sendMessage", { chat_id: dave.id, text: "x" })).status,
    403,
  );
});

Deno.test("strict: an inline query does not start a bot; startedBots and a join request do", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "first_bot" });
  const send = (user: { id: number }) =>
    call(emu.apiRoot, bot.token, "sendMessage", { chat_id: user.id, text: "hi" });

  const inliner = emu.createUser({ first_name: "Ina" });
  await inliner.inlineQuery(bot, "q");
  assert.equal((await send(inliner)).body.description, CANT, "inline mode opens no private chat");

  const known = emu.createUser({ first_name: "Kim", startedBots: [bot] });
  assert.equal((await send(known)).status, 200);

  const owner = emu.createUser({ first_name: "Olga" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [owner], bots: [bot] });
  const joiner = emu.createUser({ first_name: "Jo" });
  await joiner.requestJoin(group.id);
  assert.equal((await send(joiner)).status, 200, "a bot may message a user who asked to join its chat");
});

Deno.test("strict: a join request lets the bot message its user for 5 minutes, until approved or declined", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "gate_bot" });
  const bystander = emu.createBot({ username: "plain_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [owner], bots: [bot] });
  const other = emu.createGroup({ title: "H", type: "supergroup", members: [owner], bots: [bot] });
  const root = emu.apiRoot;
  // Promoting with no rights demotes: plain_bot is a member of G without can_invite_users.
  await ok(root, bot.token, "promoteChatMember", { chat_id: group.id, user_id: bystander.id });
  const send = (as: { token: string }, user: { id: number }) =>
    call(root, as.token, "sendMessage", { chat_id: user.id, text: "hi" });
  const settle = (method: string, chat: { id: number }, user: { id: number }) =>
    ok(root, bot.token, method, { chat_id: chat.id, user_id: user.id });

  const jo = emu.createUser({ first_name: "Jo" });
  await jo.requestJoin(group.id);
  assert.equal((await send(bot, jo)).status, 200);
  assert.equal((await send(bystander, jo)).body.description, CANT, "a bot not told of the request");
  await settle("declineChatJoinRequest", group, jo);
  assert.equal((await send(bot, jo)).body.description, CANT, "declined: the window is closed");

  const al = emu.createUser({ first_name: "Al" });
  await al.requestJoin(group.id);
  await settle("approveChatJoinRequest", group, al);
  assert.equal((await send(bot, al)).body.description, CANT, "approved: the window is closed");

  const sam = emu.createUser({ first_name: "Sam" });
  await sam.requestJoin(other.id);
  emu.world.invites.requests.get(`${other.id}:${sam.id}`)!.date -= JOIN_REQUEST_CONTACT_SECONDS;
  assert.equal((await send(bot, sam)).body.description, CANT, "after 5 minutes, though still pending");

  // A user who answers in the window has started the bot for good.
  const kim = emu.createUser({ first_name: "Kim" });
  await kim.requestJoin(other.id);
  await ok(root, bot.token, "sendMessage", { chat_id: kim.id, text: "why join?" });
  await kim.sendText(kim.id, "for the news", { to: bot });
  await settle("declineChatJoinRequest", other, kim);
  assert.equal((await send(bot, kim)).status, 200);
});

Deno.test("lenient (default): a bot writing first goes through and is reported on the warning channel", async () => {
  const heard: Any[] = [];
  await using emu = await BotApiEmulator.start({ onWarning: (w) => heard.push(w) });
  const bot = emu.createBot({ username: "first_bot" });
  const dave = emu.createUser({ first_name: "Dave" });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: dave.id,
    text: "hi stranger",
  });
  assert.equal(sent.text, "hi stranger");
  assert.equal(emu.warnings.length, 1);
  assert.equal(emu.warnings[0].method, "sendMessage");
  assert.equal(emu.warnings[0].parameter, "chat_id");
  assert.match(emu.warnings[0].message, /never started the bot/);
  assert.deepEqual(heard, [...emu.warnings]);
  // Once the user writes, no more warnings.
  await dave.sendText(dave.id, "hello", { to: bot });
  await ok(emu.apiRoot, bot.token, "sendMessage", { chat_id: dave.id, text: "welcome" });
  assert.equal(emu.warnings.length, 1);
});

Deno.test("strict: the call's own parameter errors come before the 403, as the server checks them first", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "first_bot" });
  const dave = emu.createUser({ first_name: "Dave" });
  const long = await call(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: dave.id,
    text: "x".repeat(4097),
  });
  assert.equal(long.body.description, "Bad Request: message is too long");
});
