/**
 * Our echo bot for the end-to-end bench: `settings.style` "plain" (`bot.messageLoop(handler)`) or
 * "delegator" (a `DelegatorBot` with one `ChatHandler` per chat through
 * `paveEventSpace()(perChatId(), createOpen, …)`), over polling or a webhook, with the loop options of
 * `settings.loop` (e.g. `{ "journal": "/tmp/…/bot.db" }`). A loop that refuses an option reports the
 * variant as unsupported instead of failing the run.
 *
 * @module
 */
import { DelegatorBot, type Msg } from "../../../bot/delegator_bot.ts";
import { Bot, type MessageLoopOptions, webhookHandler } from "../../../bot/mod.ts";
import { createOpen, paveEventSpace, perChatId } from "../../../delegate/mod.ts";
import { BadInput } from "../../../exception/mod.ts";
import { ChatHandler } from "../../../helper/mod.ts";
import {
  FIRST_BACKOFF,
  listen,
  MAX_ATTEMPTS,
  readConfig,
  unsupported,
  WEBHOOK_MAX_CONNECTIONS,
} from "./config.ts";

const config = readConfig();
const options = {
  apiRoot: config.apiRoot,
  // The bench's retry rule, through the client's own retry: sendMessage is repeated after a 5xx too,
  // since the bench server's 500 means the message was not sent.
  retry: { maxAttempts: MAX_ATTEMPTS, backoff: FIRST_BACKOFF, idempotent: () => true },
  // Given, fetch carries every call: the loop keeps no pooled connections.
  ...(config.settings.overFetch === true ? { fetch } : {}),
};

class Echo extends ChatHandler {
  async onChatMessage(msg: Msg): Promise<void> {
    await this.sender.sendMessage(String(msg.text));
  }
}

const delegator = config.settings.style === "delegator";
const bot = delegator
  ? new DelegatorBot(
    config.token,
    [paveEventSpace()(perChatId(), createOpen, Echo, { timeout: 10 })],
    options,
  )
  : new Bot(config.token, options);
const echo = async (msg: Msg): Promise<void> => {
  await bot.sendMessage(msg.chat.id, String(msg.text));
};

const webhook = config.receive === "webhook" ? webhookHandler(bot) : undefined;
// Options the loop of this build may not know yet (such as `journal`) are passed through as given.
const loopOptions = { ...(config.settings.loop as object | undefined) } as MessageLoopOptions;
let loop;
try {
  loop = delegator ? bot.messageLoop(undefined, loopOptions) : bot.messageLoop(echo, loopOptions);
} catch (error) {
  if (error instanceof BadInput) unsupported(error.message);
  throw error;
}
loop.done.catch((error) => {
  console.error(error);
  Deno.exit(1);
});
if (webhook) await bot.setWebhook(await listen(webhook), { max_connections: WEBHOOK_MAX_CONNECTIONS });
