/**
 * Telegraf's echo bot for the end-to-end bench, however it receives: each message answered with
 * `ctx.reply` under the bench's retry rule.
 *
 * @module
 */
// A bench-only dev dependency, pinned here rather than in deno.json's imports (as the brief prefers).
// deno-lint-ignore no-import-prefix
import { Telegraf, TelegramError } from "npm:telegraf@4.16.3";
import { type BotConfig, type FailureFacts, sendWithRetry } from "./config.ts";

const facts = (error: unknown): FailureFacts =>
  error instanceof TelegramError ? { code: error.code, retryAfter: error.parameters?.retry_after } : {};

/** The echo bot for `config`, with these options of Telegraf's API client. */
export function telegrafEcho(config: BotConfig, telegram: { webhookReply?: boolean } = {}): Telegraf {
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot, ...telegram } });
  // Telegraf handles a batch's updates all at once, whatever their chat: each chat's replies are chained,
  // so that it keeps a chat's order as every other bot here does.
  const chains = new Map<number, Promise<unknown>>();
  bot.on("message", (ctx) => {
    const text = "text" in ctx.message ? ctx.message.text : "";
    const chat = ctx.chat.id;
    const reply = (chains.get(chat) ?? Promise.resolve()).then(() =>
      sendWithRetry(() => ctx.reply(text), facts)
    );
    const settled = reply.catch(() => {});
    chains.set(chat, settled);
    settled.then(() => {
      if (chains.get(chat) === settled) chains.delete(chat);
    });
    return reply;
  });
  return bot;
}
