import assert from "node:assert/strict";
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
