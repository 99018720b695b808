// Webhook URLs as Client.cpp do_set_webhook reads them: td::parse_url with https as the default protocol,
// an empty url removes the webhook, and the server's own error texts.
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("a webhook URL without a scheme is https; getWebhookInfo shows it as given", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 5 });
  const bot = emu.createBot({ username: "hook_bot" });
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "127.0.0.1:9/hook" });
  assert.equal(emu.bot(bot).webhook?.url, "https://127.0.0.1:9/hook");
  const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
  assert.equal(info.url, "127.0.0.1:9/hook");
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "HTTP://127.0.0.1:9/plain" });
  assert.equal(emu.bot(bot).webhook?.url, "http://127.0.0.1:9/plain");
});

Deno.test("setWebhook with url=\"\" removes the webhook; getUpdates works again", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 5 });
  const bot = emu.createBot({ username: "hook_bot" });
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "https://127.0.0.1:9/hook" });
  const blocked = await call(emu.apiRoot, bot.token, "getUpdates", { timeout: 0 });
  assert.equal(blocked.status, 409);
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "" });
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).url, "");
  assert.deepEqual(await ok(emu.apiRoot, bot.token, "getUpdates", { timeout: 0 }), []);
  // A form body with url= and nothing else does the same.
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "https://127.0.0.1:9/hook" });
  const form = await fetch(`${emu.apiRoot}/bot${bot.token}/setWebhook?url=`);
  assert.equal((await form.json()).result, true);
  assert.equal(emu.bot(bot).webhook, null);
});

Deno.test("bad webhook URLs and secret tokens get the server's error texts", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  for (const url of ["ftp://example.com/hook", "https://", "https://exa mple.com/"]) {
    const refused = await call(emu.apiRoot, bot.token, "setWebhook", { url });
    assert.equal(refused.status, 400, url);
    assert.equal(refused.body.description, "Bad Request: invalid webhook URL specified", url);
  }
  const long = await call(emu.apiRoot, bot.token, "setWebhook", {
    url: "example.com",
    secret_token: "a".repeat(257),
  });
  assert.equal(long.body.description, "Bad Request: secret token is too long");
  const chars = await call(emu.apiRoot, bot.token, "setWebhook", { url: "example.com", secret_token: "a b" });
  assert.equal(chars.body.description, "Bad Request: secret token contains unallowed characters");
  assert.equal(emu.bot(bot).webhook, null);
});
