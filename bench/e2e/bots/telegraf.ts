/**
 * Telegraf's echo bot for the end-to-end bench: `bot.launch()` (its own polling), `ctx.reply` with the
 * bench's retry rule.
 *
 * @module
 */
// A bench-only dev dependency, pinned here rather than in deno.json's imports (as the brief prefers).
// deno-lint-ignore no-import-prefix
import { Telegraf, TelegramError } from "npm:telegraf@4.16.3";
import { type FailureFacts, readConfig, sendWithRetry } from "./config.ts";

const config = readConfig();
const facts = (error: unknown): FailureFacts =>
  error instanceof TelegramError ? { code: error.code, retryAfter: error.parameters?.retry_after } : {};

const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot } });
bot.on("message", async (ctx) => {
  const text = "text" in ctx.message ? ctx.message.text : "";
  await sendWithRetry(() => ctx.reply(text), facts);
});
void bot.launch();
