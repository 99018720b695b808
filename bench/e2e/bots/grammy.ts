/**
 * grammY's echo bot for the end-to-end bench: `settings.runner` false for its own `bot.start()`, true for
 * @grammyjs/runner's `run(bot)` with `sequentialize` by chat (so one chat's replies stay in order);
 * `ctx.reply` with the bench's retry rule.
 *
 * @module
 */
// deno-lint-ignore no-import-prefix
import { Bot, GrammyError } from "npm:grammy@1.46.0";
// A bench-only dev dependency, pinned here rather than in deno.json's imports (as the brief prefers).
// deno-lint-ignore no-import-prefix
import { run, sequentialize } from "npm:@grammyjs/runner@2.0.3";
import { type FailureFacts, readConfig, sendWithRetry } from "./config.ts";

const config = readConfig();
const facts = (error: unknown): FailureFacts =>
  error instanceof GrammyError ? { code: error.error_code, retryAfter: error.parameters.retry_after } : {};

const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
if (config.settings.runner) bot.use(sequentialize((ctx) => String(ctx.chat?.id)));
bot.on("message:text", async (ctx) => {
  await sendWithRetry(() => ctx.reply(ctx.message.text), facts);
});
bot.catch((error) => console.error(error.error));
if (config.settings.runner) run(bot);
else void bot.start();
