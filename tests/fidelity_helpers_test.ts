// telepot fidelity (issue 10, points 17 and 18): error classes and the Answerer, played over the emulator.
import assert from "node:assert/strict";
import type { InlineQuery, Message, PreCheckoutQuery, ShippingQuery } from "../api/types.gen.ts";
import { Bot } from "../bot/bot.ts";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import { createOpen, paveEventSpace, perInvoicePayload } from "../delegate/mod.ts";
import { BadInput, BotWasBlockedError, registerTelegramError, TelegramError } from "../exception/mod.ts";
import { Answerer, flavorRouter, InvoiceHandler, type InvoiceHandlerMethods } from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";
import { until } from "./support/until.ts";

const quick = { timeout: 1, relax: 0 };

Deno.test("point 17: a custom TelegramError matching a built-in's description loses to the built-in", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "errors_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "/start");
  // Registered as telepot users define theirs: a broad pattern that also covers a built-in's case.
  class Forbidden extends TelegramError {
    static override readonly DESCRIPTION_PATTERNS = [/forbidden/i];
  }
  const unregister = registerTelegramError(Forbidden);
  try {
    alice.block(handle);
    const error = await bot.sendMessage(alice.id, "hi").catch((e) => e);
    assert.equal(error.constructor, BotWasBlockedError, "the built-in wins, as in telepot");
  } finally {
    unregister();
    await emu.close();
  }
});

Deno.test("point 18: Answerer takes telepot's tuple [results, cacheTime, isPersonal, nextOffset] and passes compute args", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "answer_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const answerer = new Answerer(bot);
  const received: unknown[][] = [];
  // telepot's inline example, with a compute function taking extra arguments.
  const compute = (query: InlineQuery, suffix: string, signal: AbortSignal) => {
    received.push([query.query, suffix, signal instanceof AbortSignal]);
    const articles = [{
      type: "article" as const,
      id: "abc",
      title: query.query + suffix,
      input_message_content: { message_text: query.query },
    }];
    return [articles, 300, true, "next"] as const;
  };
  const loop = bot.messageLoop({
    inline_query: (query) => answerer.answer(query as InlineQuery, compute, query as InlineQuery, "!"),
  }, quick);
  try {
    const asked = await alice.inlineQuery(handle.username, "hello");
    const answer = await emu.answerOf(asked);
    assert.deepEqual(received, [["hello", "!", true]]);
    assert.equal((answer.results as { title: string }[])[0].title, "hello!");
    assert.equal(answer.cache_time, 300);
    assert.equal(answer.is_personal, true);
    assert.equal(answer.next_offset, "next");
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("point 18: a tuple with telepot's switch_pm_text string is a clear BadInput (the Bot API has button now)", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "answer2_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const errors: unknown[] = [];
  const answerer = new Answerer({
    answerInlineQuery: (...args: Parameters<Bot["answerInlineQuery"]>) => bot.answerInlineQuery(...args),
    logError: (_what: string, error: unknown) => void errors.push(error),
  } as unknown as Bot);
  using _quiet = recordConsoleErrors();
  const loop = bot.messageLoop({
    inline_query: (query) =>
      answerer.answer(query as InlineQuery, () => [[], 0, false, "", "Sign in", "login"] as never),
  }, quick);
  try {
    const asked = await alice.inlineQuery(handle.username, "x");
    await assert.rejects(emu.answerOf(asked, { timeout: 0.5 }), "nothing was sent");
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof BadInput);
    assert.match((errors[0] as Error).message, /button/);
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("InvoiceHandler: one delegate per invoice payload gets its shipping query, pre-checkout query and payment", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const seen: string[] = [];
  class Checkout extends InvoiceHandler implements InvoiceHandlerMethods {
    async onShippingQuery(query: ShippingQuery) {
      seen.push(`${this.payload}: shipping`);
      await this.bot.answerShippingQuery(query.id, true, {
        shipping_options: [{ id: "post", title: "Post", prices: [{ label: "Post", amount: 100 }] }],
      });
    }
    async onPreCheckoutQuery(query: PreCheckoutQuery) {
      seen.push(`${this.payload}: checkout ${query.total_amount}`);
      await this.bot.answerPreCheckoutQuery(query.id, true);
    }
    onChatMessage(msg: Message) {
      seen.push(`${this.payload}: paid ${msg.successful_payment?.total_amount}`);
    }
  }
  const bot = new DelegatorBot(handle.token, [
    paveEventSpace()(perInvoicePayload(), createOpen, Checkout, { timeout: 60 }),
  ], { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(undefined, quick);
  try {
    const invoice = await bot.sendInvoice(alice.id, "Tea", "Green tea", "order-1", "EUR", [
      { label: "Tea", amount: 500 },
    ], { is_flexible: true });
    assert.equal((await alice.pay(invoice, { timeout: 10 })).ok, true);
    await until(() => seen.length === 3);
    assert.deepEqual(seen, ["order-1: shipping", "order-1: checkout 600", "order-1: paid 600"]);
    assert.equal(bot.delegateCount, 1, "one delegate for the invoice");
  } finally {
    await loop.stop();
  }
});

Deno.test("flavorRouter: a handler routing by flavor, null the catch-all", () => {
  const seen: string[] = [];
  const route = flavorRouter({
    chat: (msg: { text: string }) => seen.push(`chat ${msg.text}`),
    callback_query: (query: { data: string }) => seen.push(`button ${query.data}`),
    null: () => seen.push("other"),
  });
  route({ message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "hi" });
  route({ id: "q", from: { id: 1 }, chat_instance: "c", data: "yes" });
  route({ id: "i", from: { id: 1 }, query: "x", offset: "" });
  assert.deepEqual(seen, ["chat hi", "button yes", "other"]);
});
