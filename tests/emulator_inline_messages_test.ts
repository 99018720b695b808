import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const KEYBOARD = { inline_keyboard: [[{ text: "+1", callback_data: "up" }]] };

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "inl_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  /** Alice asks, the bot answers with `results`, Alice chooses `id`; returns the chosen result update. */
  const choose = async (results: Any[], id: string, chat?: number) => {
    const query = await alice.inlineQuery(bot, "q");
    await ok(emu.apiRoot, bot.token, "answerInlineQuery", { inline_query_id: query.id, results });
    const chosen = await alice.chooseInlineResult(query, id, chat === undefined ? {} : { chat });
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: [] });
    const update = updates.findLast((u) => u.chosen_inline_result !== undefined)!.chosen_inline_result;
    assert.deepEqual(update, chosen, "the test and the bot see the same chosen result");
    return chosen;
  };
  return { emu, bot, alice, choose };
}

Deno.test("chosen_inline_result has inline_message_id only when the result has an inline keyboard", async () => {
  const { emu, choose } = await setup();
  try {
    const article = (id: string, extra: Any = {}) => ({
      type: "article",
      id,
      title: id,
      input_message_content: { message_text: id },
      ...extra,
    });
    const plain = await choose([article("plain")], "plain");
    assert.equal("inline_message_id" in plain, false, "no keyboard: no inline_message_id");
    const keyed = await choose([article("keyed", { reply_markup: KEYBOARD })], "keyed");
    assert.equal(typeof keyed.inline_message_id, "string");
    // A game always has a keyboard: "Play <title>" when the bot gave none.
    const game = await choose([{ type: "game", id: "g", game_short_name: "tetris" }], "g");
    const message = emu.world.inlineMessages.get(game.inline_message_id!)!.message;
    assert.deepEqual(message.reply_markup, {
      inline_keyboard: [[{ text: "Play tetris", callback_game: {} }]],
    });
  } finally {
    await emu.close();
  }
});

Deno.test("an inline message posted in a chat is that chat's message: edits show there, a press is inline", async () => {
  const { emu, bot, alice, choose } = await setup();
  try {
    const bob = emu.createUser({ first_name: "Bob" });
    const group = emu.createGroup({ title: "G", members: [alice, bob] });
    const chosen = await choose(
      [{
        type: "article",
        id: "v",
        title: "Vote",
        input_message_content: { message_text: "vote" },
        reply_markup: KEYBOARD,
      }],
      "v",
      group.id,
    );
    const posted = emu.transcript(group.id).at(-1)!;
    assert.equal(posted.via_bot?.id, bot.id);

    // Bob presses the button on the message he sees in the group.
    const press = await bob.pressButton(posted, "+1");
    assert.equal(press.inline_message_id, chosen.inline_message_id);
    assert.equal("message" in press, false, "a callback from an inline message has no message");
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: [] });
    const query = updates.at(-1)!.callback_query;
    assert.equal(query.inline_message_id, chosen.inline_message_id);
    assert.equal(query.message, undefined);
    // The same chat, pressed through the inline message or the chat's copy: one chat_instance.
    const byId = await bob.pressButton({ inline_message_id: chosen.inline_message_id! }, "+1");
    assert.equal(byId.chat_instance, press.chat_instance);

    // The bot edits by inline_message_id; the group sees the edit.
    const edited = await ok(emu.apiRoot, bot.token, "editMessageText", {
      inline_message_id: chosen.inline_message_id,
      text: "vote (1)",
      reply_markup: KEYBOARD,
    });
    assert.equal(edited, true);
    const now = emu.message(group.id, posted.message_id)!;
    assert.equal(now.text, "vote (1)");
    assert.equal(now.via_bot?.id, bot.id);
    assert.equal(typeof now.edit_date, "number");
    assert.equal((await emu.nextBotEdit(group.id, { timeout: 1 })).text, "vote (1)");
  } finally {
    await emu.close();
  }
});
