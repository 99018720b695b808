/**
 * Telegraf's echo bot for the end-to-end bench, receiving by webhook: `Deno.serve` hands each POSTed
 * update to `bot.handleUpdate` (Telegraf's entry for servers other than its own) and answers 200 once
 * it was handled, or 500 when the reply failed for good, so that the update is delivered again, as
 * our memory journal does. `webhookReply` is off: the reply is a `sendMessage` call of its own, as
 * every other bot of the bench makes it.
 *
 * @module
 */
// A bench-only dev dependency, pinned here rather than in deno.json's imports (as the brief prefers).
// deno-lint-ignore no-import-prefix
import { Telegraf, TelegramError } from "npm:telegraf@4.16.3";
import { type FailureFacts, listen, readConfig, sendWithRetry, WEBHOOK_MAX_CONNECTIONS } from "./config.ts";

const config = readConfig();
const facts = (error: unknown): FailureFacts =>
  error instanceof TelegramError ? { code: error.code, retryAfter: error.parameters?.retry_after } : {};

const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot, webhookReply: false } });
bot.on("message", async (ctx) => {
  const text = "text" in ctx.message ? ctx.message.text : "";
  await sendWithRetry(() => ctx.reply(text), facts);
});
// Telegraf reports a failed handler through its catch hook, and handleUpdate then resolves: a failure
// is remembered per update so that the answer can say so.
const failed = new WeakSet<object>();
bot.catch((_error, ctx) => void failed.add(ctx.update));

async function handle(req: Request): Promise<Response> {
  const update = await req.json();
  await bot.handleUpdate(update);
  return new Response(null, { status: failed.has(update) ? 500 : 200 });
}

await bot.telegram.setWebhook(await listen(handle), { max_connections: WEBHOOK_MAX_CONNECTIONS });
