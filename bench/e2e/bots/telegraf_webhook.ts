/**
 * Telegraf's echo bot for the end-to-end bench, receiving by webhook: `Deno.serve` hands each POSTed
 * update to `bot.handleUpdate` (Telegraf's entry for servers other than its own) and answers 200 once
 * it was handled, or 500 when the reply failed for good, so that the update is delivered again, as
 * our memory journal does. `webhookReply` is off: the reply is a `sendMessage` call of its own, as
 * every other bot of the bench makes it.
 *
 * @module
 */
import { listen, readConfig, WEBHOOK_MAX_CONNECTIONS } from "./config.ts";
import { telegrafEcho } from "./telegraf_echo.ts";

const bot = telegrafEcho(readConfig(), { webhookReply: false });
// Telegraf hands a failed handler to its catch hook; thrown from there, it fails handleUpdate.
bot.catch((error) => {
  throw error;
});

async function handle(req: Request): Promise<Response> {
  try {
    await bot.handleUpdate(await req.json());
  } catch {
    return new Response(null, { status: 500 });
  }
  return new Response(null, { status: 200 });
}

await bot.telegram.setWebhook(await listen(handle), { max_connections: WEBHOOK_MAX_CONNECTIONS });
