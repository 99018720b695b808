/**
 * An inline search over a small library of articles, answered page by page: each answer carries a
 * `next_offset`, and Telegram asks for the next page when the user scrolls. An `Answerer` makes sure
 * a user who keeps typing only gets the answer to their latest query.
 *
 * `deno task example article_search --emulator`
 *
 * @module
 */
import {
  Answerer,
  Bot,
  type ComputedAnswer,
  glance,
  type InlineQuery,
  type InlineQueryResult,
  type Message,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** What the bot can find. */
const LIBRARY: readonly { readonly title: string; readonly body: string }[] = [
  { title: "Flavors", body: "Every update payload has a flavor: chat, callback_query, inline_query, ..." },
  { title: "glance", body: "glance(msg) gives the headline of a message: content type, chat type, chat id." },
  { title: "Routing tables", body: "A routing table maps flavors or keys to handler functions." },
  { title: "DelegatorBot", body: "A DelegatorBot starts one delegate per seed, e.g. per chat." },
  { title: "Idle timeout", body: "A delegate that hears nothing for `timeout` seconds closes itself." },
  { title: "Events", body: "Delegates schedule events for themselves with eventLater and eventAt." },
  { title: "Listener", body: "listener.wait() resolves with the delegate's next matching message." },
  { title: "Webhooks", body: "webhookHandler checks the secret token and feeds the message loop." },
];

/** Results per page. */
const PAGE = 3;

/** Finds the articles matching `text` and returns the page starting at `offset`. */
function search(text: string, offset: string): ComputedAnswer {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  const found = LIBRARY.filter((a) => words.every((w) => `${a.title} ${a.body}`.toLowerCase().includes(w)));
  const start = Number(offset) || 0;
  const results: InlineQueryResult[] = found.slice(start, start + PAGE).map((a) => ({
    type: "article",
    id: a.title.toLowerCase().replaceAll(" ", "-"),
    title: a.title,
    description: a.body,
    input_message_content: { message_text: `${a.title}: ${a.body}` },
  }));
  const next = start + PAGE < found.length ? String(start + PAGE) : "";
  return { results, next_offset: next, cache_time: 0 };
}

/** The inline article search example. */
export const example: Example = {
  summary: "inline article search with paging (next_offset) through an Answerer",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });
    const answerer = new Answerer(bot);
    return bot.messageLoop({
      // Inline bots are used from other chats; a message to the bot itself gets directions instead.
      chat: async (msg) => {
        const [, chatType, chatId] = glance(msg);
        // A result the user posts here comes back as a message too, and needs no directions.
        if (chatType !== "private" || (msg as Message).via_bot !== undefined) return;
        await bot.sendMessage(
          chatId,
          `Type @${bot.me?.username} and a word in any chat to search the articles.`,
        );
      },
      inline_query: (msg) => {
        const query = msg as InlineQuery;
        const [, , text, offset] = glance(query, "inline_query", true);
        void answerer.answer(query, () => search(text, offset));
      },
      chosen_inline_result: (msg) => {
        const [resultId, fromId] = glance(msg, "chosen_inline_result");
        log(`user ${fromId} shared ${resultId}`);
      },
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    const group = scene.emu.createGroup({ title: "Study group", members: [alice.user, bob.user] });
    await scene.answer(await scene.ask(alice, "a"));
    await scene.answer(await scene.ask(alice, "a", { offset: "3" }));
    const query = await scene.ask(alice, "delegate");
    await scene.answer(query);
    await scene.choose(alice, query, "idle-timeout", group);
    const shared = scene.emu.transcript(group).at(-1);
    scene.note(`Alice @ Study group (via @${scene.bot.username}): ${shared?.text}`);
    await scene.settle();
  },
};
