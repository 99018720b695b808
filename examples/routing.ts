/**
 * The routing-table skeleton: one handler per flavor given to `messageLoop`, and inside the chat
 * handler a `Router` keyed by command. Shows the four kinds of reply markup: a custom keyboard, an
 * inline keyboard, removing the keyboard, and forcing a reply.
 *
 * `deno task example routing --emulator`
 *
 * @module
 */
import { Bot, byChatCommand, type CallbackQuery, glance, originIdentifier, Router } from "../mod.ts";
import type { Example } from "./_harness.ts";

/** The routing-table skeleton. */
export const example: Example = {
  summary: "a routing table per flavor, and a Router by command inside the chat handler",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });

    const commands = new Router(byChatCommand(), {
      keyboard: (msg) =>
        bot.sendMessage(msg.chat.id, "A custom keyboard", {
          reply_markup: { keyboard: [[{ text: "Yes" }, { text: "No" }]], resize_keyboard: true },
        }),
      inline: (msg) =>
        bot.sendMessage(msg.chat.id, "An inline keyboard", {
          reply_markup: {
            inline_keyboard: [[
              { text: "Alert", callback_data: "alert" },
              { text: "Edit", callback_data: "edit" },
            ]],
          },
        }),
      hide: (msg) =>
        bot.sendMessage(msg.chat.id, "Keyboard removed", { reply_markup: { remove_keyboard: true } }),
      force: (msg) =>
        bot.sendMessage(msg.chat.id, "What is your name?", { reply_markup: { force_reply: true } }),
      null: (msg) => bot.sendMessage(msg.chat.id, "Try /keyboard, /inline, /hide or /force"),
    });

    return bot.messageLoop({
      chat: (msg) => {
        const [contentType, chatType, chatId] = glance(msg);
        log(`chat: ${contentType} ${chatType} ${chatId}`);
        if (contentType === "text") return commands.route(msg);
      },
      callback_query: async (msg) => {
        const query = msg as CallbackQuery;
        const [queryId, , data] = glance(query, "callback_query");
        if (data === "alert") {
          await bot.answerCallbackQuery(queryId, { text: "You pressed Alert", show_alert: true });
        } else {
          await bot.editMessageText(originIdentifier(query), "Edited by a button");
          await bot.answerCallbackQuery(queryId);
        }
      },
      inline_query: async (msg) => {
        const [queryId, , text] = glance(msg, "inline_query");
        await bot.answerInlineQuery(queryId, [{
          type: "article",
          id: "shout",
          title: text.toUpperCase(),
          input_message_content: { message_text: text.toUpperCase() },
        }]);
      },
      chosen_inline_result: (msg) => {
        const [resultId, fromId] = glance(msg, "chosen_inline_result");
        log(`chosen: ${resultId} by ${fromId}`);
      },
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "hello");
    await scene.exchange(alice, "/keyboard");
    await scene.exchange(alice, "/hide");
    await scene.exchange(alice, "/force");
    const keyboard = await scene.exchange(alice, "/inline");
    await scene.answer(await scene.press(alice, keyboard, "Alert"));
    await scene.answer(await scene.press(alice, keyboard, "Edit"));
    scene.show(alice.id, keyboard.message_id);
    const query = await scene.ask(alice, "quiet please");
    await scene.answer(query);
  },
};
