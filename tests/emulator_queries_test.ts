import assert from "node:assert/strict";
import { BotApiEmulator, ScriptError } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function nextUpdate(apiRoot: string, token: string): Promise<Any> {
  const [update] = await ok<Any[]>(apiRoot, token, "getUpdates", { timeout: 5, limit: 1 });
  await ok(apiRoot, token, "getUpdates", { offset: update.update_id + 1, limit: 1 });
  return update;
}

Deno.test("pressing an inline button sends a callback_query with the message; answering twice is 400", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "query_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const menu = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "Pick",
    reply_markup: {
      inline_keyboard: [[{ text: "Yes", callback_data: "y" }, { text: "No", callback_data: "n" }]],
    },
  });
  const pressed = await alice.pressButton(menu, "No");
  assert.equal(pressed.data, "n");
  const update = await nextUpdate(emu.apiRoot, bot.token);
  assert.equal(update.callback_query.id, pressed.id);
  assert.equal(update.callback_query.from.id, alice.id);
  assert.equal(update.callback_query.message.message_id, menu.message_id);
  assert.equal(typeof update.callback_query.chat_instance, "string");
  const answer = emu.answerOf(pressed, { timeout: 2 });
  assert.equal(
    await ok(emu.apiRoot, bot.token, "answerCallbackQuery", { callback_query_id: pressed.id, text: "Noted" }),
    true,
  );
  assert.equal((await answer).text, "Noted");
  const twice = await call(emu.apiRoot, bot.token, "answerCallbackQuery", { callback_query_id: pressed.id });
  assert.equal(twice.status, 400);
  assert.equal(
    twice.body.description,
    "Bad Request: query is too old and response timeout expired or query ID is invalid",
  );
  const byPosition = await alice.pressButton(menu, [0, 0]);
  assert.equal(byPosition.data, "y");
  await assert.rejects(alice.pressButton(menu, "Maybe"), ScriptError);
});

Deno.test("inline query → answerInlineQuery → chosen result → callback from the inline message, edit by inline_message_id", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "query_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const query = await alice.inlineQuery(bot, "weather");
  const update = await nextUpdate(emu.apiRoot, bot.token);
  assert.equal(update.inline_query.query, "weather");
  assert.equal(update.inline_query.offset, "");
  const results = [{
    type: "article",
    id: "sunny",
    title: "Sunny",
    input_message_content: { message_text: "It is sunny" },
    reply_markup: { inline_keyboard: [[{ text: "More", callback_data: "more" }]] },
  }];
  const dup = await call(emu.apiRoot, bot.token, "answerInlineQuery", {
    inline_query_id: query.id,
    results: [results[0], results[0]],
  });
  assert.equal(dup.body.description, "Bad Request: RESULT_ID_DUPLICATE");
  await ok(emu.apiRoot, bot.token, "answerInlineQuery", { inline_query_id: query.id, results });
  assert.equal(((await emu.answerOf(query)).results as Any[])[0].id, "sunny");
  const chosen = await alice.chooseInlineResult(query, "sunny");
  const chosenUpdate = await nextUpdate(emu.apiRoot, bot.token);
  assert.equal(chosenUpdate.chosen_inline_result.result_id, "sunny");
  assert.equal(chosenUpdate.chosen_inline_result.inline_message_id, chosen.inline_message_id);
  const press = await alice.pressButton({ inline_message_id: chosen.inline_message_id! }, "More");
  const pressUpdate = await nextUpdate(emu.apiRoot, bot.token);
  assert.equal(pressUpdate.callback_query.inline_message_id, chosen.inline_message_id);
  assert.equal(pressUpdate.callback_query.message, undefined);
  assert.equal(press.data, "more");
  const edited = await ok(emu.apiRoot, bot.token, "editMessageText", {
    inline_message_id: chosen.inline_message_id,
    text: "It is cloudy",
  });
  assert.equal(edited, true);
  assert.equal(emu.world.inlineMessages.get(chosen.inline_message_id!)!.message.text, "It is cloudy");
});

Deno.test("pay: shipping query, pre-checkout query, then successful_payment; a declined checkout reports why", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const invoice = await ok<Any>(emu.apiRoot, bot.token, "sendInvoice", {
    chat_id: alice.id,
    title: "Tea",
    description: "Green tea",
    payload: "order-1",
    currency: "EUR",
    prices: [{ label: "Tea", amount: 500 }],
    is_flexible: true,
  });
  const paying = alice.pay(invoice, { timeout: 5 });
  const shipping = (await nextUpdate(emu.apiRoot, bot.token)).shipping_query;
  assert.equal(shipping.invoice_payload, "order-1");
  const noOptions = await call(emu.apiRoot, bot.token, "answerShippingQuery", {
    shipping_query_id: shipping.id,
    ok: true,
  });
  assert.equal(noOptions.status, 400);
  await ok(emu.apiRoot, bot.token, "answerShippingQuery", {
    shipping_query_id: shipping.id,
    ok: true,
    shipping_options: [{ id: "post", title: "Post", prices: [{ label: "Post", amount: 100 }] }],
  });
  const checkout = (await nextUpdate(emu.apiRoot, bot.token)).pre_checkout_query;
  assert.equal(checkout.total_amount, 600);
  assert.equal(checkout.shipping_option_id, "post");
  await ok(emu.apiRoot, bot.token, "answerPreCheckoutQuery", {
    pre_checkout_query_id: checkout.id,
    ok: true,
  });
  const outcome = await paying;
  assert.equal(outcome.ok, true);
  const paid = (await nextUpdate(emu.apiRoot, bot.token)).message;
  assert.equal(paid.successful_payment.total_amount, 600);
  assert.equal(paid.successful_payment.invoice_payload, "order-1");

  const plain = await ok<Any>(emu.apiRoot, bot.token, "sendInvoice", {
    chat_id: alice.id,
    title: "Cake",
    description: "Cake",
    payload: "order-2",
    currency: "EUR",
    prices: [{ label: "Cake", amount: 300 }],
  });
  const declined = alice.pay(plain);
  const second = (await nextUpdate(emu.apiRoot, bot.token)).pre_checkout_query;
  const noReason = await call(emu.apiRoot, bot.token, "answerPreCheckoutQuery", {
    pre_checkout_query_id: second.id,
    ok: false,
  });
  assert.equal(noReason.status, 400);
  await ok(emu.apiRoot, bot.token, "answerPreCheckoutQuery", {
    pre_checkout_query_id: second.id,
    ok: false,
    error_message: "Sold out",
  });
  assert.deepEqual(await declined, { ok: false, stage: "pre_checkout", error_message: "Sold out" });
});

Deno.test("setGameScore keeps the best score unless forced; getGameHighScores ranks players", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "game_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  const game = await ok<Any>(emu.apiRoot, bot.token, "sendGame", {
    chat_id: alice.id,
    game_short_name: "snake",
    reply_markup: { inline_keyboard: [[{ text: "Play", callback_game: {} }]] },
  });
  const target = { chat_id: alice.id, message_id: game.message_id };
  const set = await ok<Any>(emu.apiRoot, bot.token, "setGameScore", {
    ...target,
    user_id: alice.id,
    score: 10,
  });
  assert.equal(set.game.title, "snake");
  await ok(emu.apiRoot, bot.token, "setGameScore", { ...target, user_id: bob.id, score: 20 });
  const lower = await call(emu.apiRoot, bot.token, "setGameScore", { ...target, user_id: bob.id, score: 5 });
  assert.equal(lower.body.description, "Bad Request: BOT_SCORE_NOT_MODIFIED");
  await ok(emu.apiRoot, bot.token, "setGameScore", { ...target, user_id: alice.id, score: 30, force: true });
  const high = await ok<Any[]>(emu.apiRoot, bot.token, "getGameHighScores", { ...target, user_id: alice.id });
  assert.deepEqual(high.map((h) => [h.position, h.user.id, h.score]), [[1, alice.id, 30], [2, bob.id, 20]]);
  const play = await alice.pressButton(game, "Play");
  assert.equal(play.game_short_name, "snake");
});

Deno.test("votes in a bot's poll reach it as poll and poll_answer updates", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "poll_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "Voters", members: [alice, bob], bots: [bot] });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: group.id,
    question: "Lunch?",
    options: [{ text: "Pizza" }, { text: "Soup" }],
    is_anonymous: false,
  });
  await alice.vote(sent, [1]);
  await bob.vote(sent, [1]);
  await alice.vote(sent, [0]);
  const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
  const polls = updates.filter((u) => u.poll).map((u) => u.poll.options.map((o: Any) => o.voter_count));
  assert.deepEqual(polls, [[0, 1], [0, 2], [1, 1]]);
  const answers = updates.filter((u) => u.poll_answer).map((
    u,
  ) => [u.poll_answer.user.id, u.poll_answer.option_ids]);
  assert.deepEqual(answers, [[alice.id, [1]], [bob.id, [1]], [alice.id, [0]]]);
  assert.equal(updates.at(-1).poll_answer.option_persistent_ids[0], "0");
  await ok(emu.apiRoot, bot.token, "stopPoll", { chat_id: group.id, message_id: sent.message_id });
  await assert.rejects(bob.vote(sent, [0]), ScriptError);
});

Deno.test("reactions reach bots that opted in to message_reaction updates", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "reaction_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "like me" });
  await alice.react(sent, ["👍"]);
  assert.deepEqual(await ok(emu.apiRoot, bot.token, "getUpdates"), [], "message_reaction is opt-in");
  await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["message", "message_reaction"] });
  await alice.react(sent, ["🔥"]);
  const [update] = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
  assert.equal(update.message_reaction.message_id, sent.message_id);
  assert.deepEqual(update.message_reaction.old_reaction, [{ type: "emoji", emoji: "👍" }]);
  assert.deepEqual(update.message_reaction.new_reaction, [{ type: "emoji", emoji: "🔥" }]);
  assert.equal(update.message_reaction.user.id, alice.id);
});
