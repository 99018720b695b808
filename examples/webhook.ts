/**
 * A bot that receives updates by webhook instead of polling: `webhookHandler` behind `Deno.serve`,
 * protected by a secret token that Telegram sends back in a header with every update.
 *
 * Against Telegram: `TOKEN=… WEBHOOK_URL=https://your.host/webhook PORT=8443 deno task example webhook`
 * (something in front must terminate HTTPS and forward to PORT). Offline: `--emulator`, where the
 * emulator posts to the local server itself.
 *
 * @module
 */
import { BadInput, Bot, glance, webhookHandler } from "../mod.ts";
import type { Example } from "./_harness.ts";

const PATH = "/webhook";

/** A fresh secret: Telegram allows 1-256 characters of A-Z, a-z, 0-9, `_` and `-`. */
function newSecret(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** The webhook example. */
export const example: Example = {
  summary: "webhookHandler on Deno.serve, with the secret token checked",
  async start({ token, apiRoot, log, webhookUrl, port }) {
    // Telegram itself posts only to a public HTTPS address; a local Bot API server may use this machine's.
    if (apiRoot === undefined && webhookUrl === undefined) {
      throw new BadInput("WEBHOOK_URL", "the public HTTPS address Telegram should post updates to");
    }
    const bot = new Bot(token, { apiRoot });
    const secretToken = newSecret();
    const receive = webhookHandler(bot, { secretToken });
    const server = Deno.serve(
      {
        hostname: webhookUrl === undefined ? "127.0.0.1" : "0.0.0.0",
        port: port ?? (webhookUrl === undefined ? 0 : 8443),
        onListen: () => {},
      },
      (req) =>
        new URL(req.url).pathname === PATH
          ? receive(req)
          : Promise.resolve(new Response(null, { status: 404 })),
    );
    const url = webhookUrl ?? `http://127.0.0.1:${server.addr.port}${PATH}`;
    await bot.setWebhook(url, { secret_token: secretToken });
    log(`webhook set to ${url}`);
    const loop = bot.messageLoop({
      chat: async (msg) => {
        const [contentType, , chatId] = glance(msg);
        const reply = contentType === "text"
          ? `Got "${msg.text}" by webhook`
          : `Got a ${contentType} by webhook`;
        await bot.sendMessage(chatId, reply);
      },
    });
    return {
      async stop() {
        await bot.deleteWebhook();
        await loop.stop();
        await server.shutdown();
      },
      done: loop.done,
    };
  },
  async script(scene) {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "Hello over the webhook");

    const url = scene.emu.bot(scene.bot).webhook?.url;
    if (url === undefined) throw new Error("the bot did not set a webhook");
    const forged = {
      update_id: 999_999,
      message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "hi" },
    };
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "guess" },
      body: JSON.stringify(forged),
    });
    await response.body?.cancel();
    scene.note(`a forged POST with a wrong secret gets HTTP ${response.status}`);

    await scene.exchange(alice, "Still here");
  },
};
