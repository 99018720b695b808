// telepot's scenarios for what the generator decides: namedtuple factories fill the fields the spec
// fixes, positional calls that do not fit are a BadInput before anything is sent, an edit's text is
// positional, and setWebhook() / setWebhook("") remove the webhook. All over the emulator.
import assert from "node:assert/strict";
import type { InlineQuery } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { Bot, Editor, glance } from "../mod.ts";
import {
  ChatBoostSourcePremium,
  InlineQueryResultArticle,
  InlineQueryResultPhoto,
  InputTextMessageContent,
} from "../namedtuple/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

Deno.test("the docs' inline example: InlineQueryResultArticle without a type, answered over the emulator", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "inline_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const chosen: string[] = [];
  const loop = bot.messageLoop({
    inline_query: (msg) => {
      const [queryId, , queryString] = glance(msg as InlineQuery, "inline_query");
      const articles = [InlineQueryResultArticle({
        id: "abc",
        title: String(queryString),
        input_message_content: InputTextMessageContent({ message_text: "Hello" }),
      })];
      return bot.answerInlineQuery(String(queryId), articles);
    },
    chosen_inline_result: (msg) => {
      chosen.push(String(glance(msg, "chosen_inline_result")[0]));
    },
  }, { timeout: 1, relax: 0 });
  try {
    const query = await alice.inlineQuery(handle.username, "ABC");
    const answer = await emu.answerOf(query, { timeout: 10 });
    assert.deepEqual(answer.results, [{
      type: "article",
      id: "abc",
      title: "ABC",
      input_message_content: { message_text: "Hello" },
    }]);
    await alice.chooseInlineResult(query, "abc");
    await until(() => chosen.length === 1);
    assert.deepEqual(chosen, ["abc"]);
  } finally {
    await loop.stop();
  }
});

Deno.test("namedtuple factories fill every fixed field (type, source, status…) and refuse a different value", () => {
  const article = InlineQueryResultArticle({
    id: "1",
    title: "t",
    input_message_content: InputTextMessageContent({ message_text: "m" }),
  });
  assert.equal(article.type, "article");
  assert.equal(
    InlineQueryResultPhoto({ id: "2", photo_url: "https://x/p.jpg", thumbnail_url: "https://x/t.jpg" }).type,
    "photo",
  );
  assert.equal(ChatBoostSourcePremium({ user: { id: 1, is_bot: false, first_name: "U" } }).source, "premium");
  assert.equal(
    InlineQueryResultArticle({ ...article, type: "article" }).type,
    "article",
    "the same value is fine",
  );
  assert.throws(
    () => InlineQueryResultArticle({ ...article, type: "photo" as never }),
    (e: unknown) => e instanceof BadInput && /InlineQueryResultArticle\.type/.test(e.message),
  );
});

Deno.test("positional telepot calls that do not fit are a BadInput before anything is sent; an edit's text is positional", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "edit_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const sent = await bot.sendMessage(alice.id, "v1");

  // telepot: bot.sendMessage(chat_id, text, "Markdown") — parse_mode is not positional here.
  assert.throws(() => bot.sendMessage(alice.id, "*v2*", "Markdown" as never), BadInput);
  // telepot: bot.editMessageText(msg_identifier, text)
  const edited = await bot.editMessageText([alice.id, sent.message_id], "v2");
  assert.equal((edited as { text: string }).text, "v2");
  // telepot: Editor(bot, msg_identifier).editMessageText(text)
  const editor = new Editor(bot, sent);
  await editor.editMessageText("v3");
  // The options object where the text belongs is refused, not sent as text.
  assert.throws(() => editor.editMessageText({ text: "v4" } as never), /editMessageText text/);
  assert.throws(() => bot.editMessageText([alice.id, sent.message_id], "v4", "HTML" as never), BadInput);
  assert.deepEqual(emu.transcript(alice.id, { bot: handle }).map((m) => m.text), ["v3"]);
});

Deno.test("setWebhook() and setWebhook(\"\") both remove the webhook, as telepot's set_webhook(url=None)", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "hook_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const hook = "http://127.0.0.1:9/hook";

  await bot.setWebhook(hook);
  assert.equal((await bot.getWebhookInfo()).url, hook);
  assert.equal(await bot.setWebhook(), true);
  assert.equal((await bot.getWebhookInfo()).url, "");
  assert.deepEqual(await bot.getUpdates(), [], "polling works again: no conflict with a webhook");

  await bot.setWebhook(hook);
  assert.equal(await bot.setWebhook(""), true);
  assert.equal((await bot.getWebhookInfo()).url, "");

  await bot.setWebhook(hook);
  assert.equal(await bot.setWebhook(null, { drop_pending_updates: true }), true);
  assert.equal((await bot.getWebhookInfo()).url, "");
});
