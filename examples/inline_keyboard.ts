/**
 * Two flavors in one routing table: a chat message gets an inline keyboard back, and pressing its
 * button (a `callback_query`, not a message) is acknowledged with a notification.
 *
 * `deno task example inline_keyboard --emulator`
 *
 * @module
 */
import { Bot, glance } from "../mod.ts";
import type { Example } from "./_harness.ts";

/** The inline keyboard example. */
export const example: Example = {
  summary: "routing table by flavor: an inline keyboard and its callback query",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });
    return bot.messageLoop({
      chat: async (msg) => {
        const [, , chatId] = glance(msg);
        const keyboard = { inline_keyboard: [[{ text: "Press me", callback_data: "press" }]] };
        await bot.sendMessage(chatId, "Use the inline keyboard", { reply_markup: keyboard });
      },
      callback_query: async (msg) => {
        const [queryId, fromId, data] = glance(msg, "callback_query");
        log(`callback query ${queryId} from ${fromId}: ${data}`);
        await bot.answerCallbackQuery(queryId, { text: "Got it" });
      },
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const keyboard = await scene.exchange(alice, "Hi");
    const query = await scene.press(alice, keyboard, "Press me");
    await scene.answer(query);
  },
};
