/**
 * Inline mode: a user types `@yourbot something` in any chat, the bot answers with results to pick
 * from, and (with inline feedback enabled at @BotFather) hears which one was chosen.
 *
 * `deno task example inline_query --emulator`
 *
 * @module
 */
import { Bot, glance, type InlineQueryResult, type Message } from "../mod.ts";
import type { Example } from "./_harness.ts";

/** The simple inline query example. */
export const example: Example = {
  summary: "answer inline queries with an article; log the chosen result",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });
    return bot.messageLoop({
      // Inline bots are used from other chats; a message to the bot itself gets directions instead.
      chat: async (msg) => {
        const [, chatType, chatId] = glance(msg);
        // A result the user posts here comes back as a message too, and needs no directions.
        if (chatType !== "private" || (msg as Message).via_bot !== undefined) return;
        await bot.sendMessage(chatId, `Type @${bot.me?.username} in any chat, then pick a result.`);
      },
      inline_query: async (msg) => {
        const [queryId, fromId, query] = glance(msg, "inline_query");
        log(`inline query ${queryId} from ${fromId}: ${query}`);
        const articles: InlineQueryResult[] = [{
          type: "article",
          id: "abc",
          title: "ABC",
          input_message_content: { message_text: "Hello" },
        }];
        await bot.answerInlineQuery(queryId, articles);
      },
      chosen_inline_result: (msg) => {
        const [resultId, fromId, query] = glance(msg, "chosen_inline_result");
        log(`chosen inline result ${resultId} from ${fromId} for "${query}"`);
      },
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    const group = scene.emu.createGroup({ title: "Friends", members: [alice.user, bob.user] });
    const query = await scene.ask(alice, "greeting");
    await scene.answer(query);
    await scene.choose(alice, query, "abc", group);
    await scene.settle();
    const posted = scene.emu.transcript(group).at(-1);
    scene.note(`Alice @ Friends (via @${scene.bot.username}): ${posted?.text}`);
  },
};
