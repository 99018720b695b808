import assert from "node:assert/strict";
import { Bot, webhookCallback } from "npm:grammy@1.46.0";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

Deno.test("a grammY echo bot runs unchanged against the emulator by long polling", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "grammy_echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });

  const bot = new Bot(handle.token, { client: { apiRoot: emu.apiRoot } });
  bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const polling = bot.start({ onStart: () => started(), timeout: 1 });
  await running;

  await alice.sendText(alice.id, "hello");
  const reply = await emu.nextBotMessage(alice.id, { timeout: 5 });
  assert.equal(reply.text, "echo: hello");
  assert.equal(reply.from?.id, handle.id);
  assert.equal(bot.botInfo.username, "grammy_echo_bot");

  await alice.sendText(alice.id, "/start");
  assert.equal((await emu.nextBotMessage(alice.id, { timeout: 5 })).text, "echo: /start");

  await bot.stop();
  await polling;
  assert.equal(emu.pendingUpdates(handle).length, 0, "grammY confirmed every update on stop");
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), [
    "hello",
    "echo: hello",
    "/start",
    "echo: /start",
  ]);
});

Deno.test("grammY: inline keyboard, callback query answer and message edit round-trip", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "grammy_menu_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bot = new Bot(handle.token, { client: { apiRoot: emu.apiRoot } });
  bot.command("menu", (ctx) =>
    ctx.reply("Pick one", {
      reply_markup: {
        inline_keyboard: [[{ text: "Red", callback_data: "red" }, { text: "Blue", callback_data: "blue" }]],
      },
    }));
  bot.on("callback_query:data", async (ctx) => {
    await ctx.answerCallbackQuery({ text: `you chose ${ctx.callbackQuery.data}` });
    await ctx.editMessageText(`Chosen: ${ctx.callbackQuery.data}`);
  });
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const polling = bot.start({ onStart: () => started(), timeout: 1 });
  await running;

  await alice.sendText(alice.id, "/menu");
  const menu = await emu.nextBotMessage(alice.id);
  assert.equal(menu.text, "Pick one");
  const query = await alice.pressButton(menu, "Blue");
  assert.equal((await emu.answerOf(query)).text, "you chose blue");
  const edited = await emu.nextBotEdit(alice.id);
  assert.equal(edited.message_id, menu.message_id);
  assert.equal(edited.text, "Chosen: blue");
  await bot.stop();
  await polling;
});

Deno.test("grammY's webhookCallback receives the emulator's webhook deliveries (secret token checked)", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "grammy_hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bot = new Bot(handle.token, { client: { apiRoot: emu.apiRoot } });
  bot.on("message:text", (ctx) => ctx.reply(`hooked: ${ctx.message.text}`));
  await bot.init();
  const callback = webhookCallback(bot, "std/http", { secretToken: "grammy_secret" });
  // A one-parameter wrapper: Deno.serve hands no Request to a handler declared with zero parameters.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => callback(request),
  );
  try {
    await bot.api.setWebhook(`http://127.0.0.1:${server.addr.port}/`, { secret_token: "grammy_secret" });
    await alice.sendText(alice.id, "via webhook");
    assert.equal((await emu.nextBotMessage(alice.id)).text, "hooked: via webhook");
    // The update counts as pending until grammY's HTTP answer arrives, which follows its reply.
    await until(async () => (await bot.api.getWebhookInfo()).pending_update_count === 0);
    const info = await bot.api.getWebhookInfo();
    assert.equal(info.last_error_message, undefined);
    await bot.api.deleteWebhook();
  } finally {
    await server.shutdown();
  }
});
