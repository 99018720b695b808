/**
 * Inline queries arrive while the user is still typing: `pi`, `piz`, `pizza`. An `Answerer` keeps at
 * most one computation per user, aborting the older one (its `AbortSignal` fires) so that only the
 * answer to the latest query is sent.
 *
 * `deno task example inline_answerer --emulator`
 *
 * @module
 */
import { Answerer, Bot, glance, type InlineQuery, type InlineQueryResult, type Message } from "../mod.ts";
import { type Example, sleep } from "./_harness.ts";

/** Waits `seconds`, or rejects as soon as `signal` aborts. */
function pause(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, seconds * 1000);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Pretends to search for a second; gives up as soon as a newer query supersedes this one. */
async function search(text: string, signal: AbortSignal): Promise<InlineQueryResult[]> {
  await pause(1, signal);
  return [{
    type: "article",
    id: "echo",
    title: text.toUpperCase(),
    input_message_content: { message_text: text },
  }];
}

/** The Answerer example. */
export const example: Example = {
  summary: "Answerer: one computation per user, a newer inline query cancels the older one",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });
    const answerer = new Answerer(bot);
    return bot.messageLoop({
      // Inline bots are used from other chats; a message to the bot itself gets directions instead.
      chat: async (msg) => {
        const [, chatType, chatId] = glance(msg);
        // A result the user posts here comes back as a message too, and needs no directions.
        if (chatType !== "private" || (msg as Message).via_bot !== undefined) return;
        await bot.sendMessage(chatId, `Type @${bot.me?.username} and some words in any chat.`);
      },
      inline_query: (msg) => {
        const query = msg as InlineQuery;
        const [, fromId, text] = glance(query, "inline_query");
        log(`inline query from ${fromId}: ${text}`);
        // Not awaited: the loop goes on to the next query, which may supersede this one.
        void answerer.answer(query, (signal) => search(text, signal));
      },
      chosen_inline_result: (msg) => {
        const [resultId, fromId, text] = glance(msg, "chosen_inline_result");
        log(`chosen inline result ${resultId} from ${fromId} for "${text}"`);
      },
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const first = await scene.ask(alice, "pi");
    await sleep(0.05);
    const latest = await scene.ask(alice, "pizza");
    await scene.answer(latest);
    await sleep(0.1);
    const older = scene.emu.world.queries.get(first.id)?.answer;
    scene.note(
      older === undefined ? `the query "pi" was superseded and never answered` : `"pi" was answered too`,
    );
  },
};
