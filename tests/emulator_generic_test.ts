import assert from "node:assert/strict";
import { TYPES } from "../api/spec.gen.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { plausible } from "../testing/plausible.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("generic answers are well-formed: documented enums at a legal value, links as t.me URLs", () => {
  const set = plausible(TYPES, "StickerSet") as Any;
  assert.equal(set.sticker_type, "regular");
  const sticker = plausible(TYPES, "Sticker") as Any;
  assert.equal(sticker.type, "regular");
  const link = plausible(TYPES, "ChatInviteLink") as Any;
  assert.match(link.invite_link, /^https:\/\/t\.me\//);
  const chat = plausible(TYPES, "ChatFullInfo") as Any;
  assert.equal(chat.type, "private");
  const button = plausible(TYPES, "InlineKeyboardButton") as Any;
  assert.equal(typeof button.text, "string");
});

Deno.test("generic methods refuse what does not exist: a query never issued, a payment never made, an unknown message", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "gen_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const root = emu.apiRoot;
  const webApp = await call(root, bot.token, "answerWebAppQuery", {
    web_app_query_id: "AAQ123",
    result: { type: "article", id: "1", title: "t", input_message_content: { message_text: "x" } },
  });
  assert.equal(
    webApp.body.description,
    "Bad Request: query is too old and response timeout expired or query ID is invalid",
  );
  const join = await call(root, bot.token, "answerChatJoinRequestQuery", {
    chat_join_request_query_id: "1",
    result: "approve",
  });
  assert.equal(join.status, 400);
  const charge = await call(root, bot.token, "editUserStarSubscription", {
    user_id: alice.id,
    telegram_payment_charge_id: "tg_never",
    is_canceled: true,
  });
  assert.equal(charge.body.description, "Bad Request: CHARGE_NOT_FOUND");
  const channel = emu.createChannel({ title: "C", members: [alice], bots: [bot] });
  const post = await call(root, bot.token, "approveSuggestedPost", { chat_id: channel.id, message_id: 77 });
  assert.equal(post.body.description, "Bad Request: message not found");
  const prepared = await ok<Any>(root, bot.token, "savePreparedInlineMessage", {
    user_id: alice.id,
    result: { type: "article", id: "1", title: "t", input_message_content: { message_text: "x" } },
  });
  assert.equal(typeof prepared.id, "string");
  assert.equal(typeof prepared.expiration_date, "number");
});
