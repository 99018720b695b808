/**
 * Receiving updates: the {@link Bot} class, telepot's flavor functions, the message loop over polling
 * or a queue, and webhook handlers.
 *
 * What `messageLoop` guarantees:
 * - At least once: with `getUpdates`, the offset confirmed to Telegram never passes an update whose
 *   handler has not settled (for `DelegatorBot`: been handled by its delegates), so a crashed bot
 *   gets its unfinished updates again on restart.
 * - At most once per process: an `update_id` is handled once, whichever loop of the bot receives it.
 * - One chat's updates in order, different chats concurrently: a handler that never settles holds up
 *   only its own chat.
 * - Graceful stop (`stop()`, the `signal` option, SIGINT/SIGTERM with `runForever`): polling stops,
 *   in-flight handlers get `stopTimeout` seconds, the final offset is confirmed.
 * - Network errors, timeouts and 5xx are retried for ever with exponential back-off and jitter; 429
 *   waits `retry_after`; 401 and 409 end the loop (`done` rejects) with an error that says why.
 * - A handler that throws or rejects goes to `onError` and the loop goes on.
 *
 * @example
 * ```ts
 * import { Bot, glance } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc", { apiRoot: "http://127.0.0.1:8081" });
 * const loop = bot.messageLoop({
 *   chat: async (msg) => {
 *     const [contentType, , chatId] = glance(msg);
 *     if (contentType === "text" && msg.text !== undefined) await bot.sendMessage(chatId, msg.text);
 *   },
 * }, { onError: (error, update) => console.error(update?.update_id, error) });
 * await loop.stop();
 * ```
 *
 * @module
 */
export type { BackoffOptions } from "./backoff.ts";
export { Bot, type BotOptions } from "./bot.ts";
export {
  type EventFlavor,
  type Flavor,
  flavor,
  type FlavorObject,
  flavorOfKind,
  fleece,
  hasFlavor,
  isEvent,
  type MessageFlavor,
  type MessageUpdateKind,
  peel,
  type UpdateFlavor,
} from "./flavor.ts";
export {
  type CallbackQueryHeadline,
  type ChatEventHeadline,
  type ChatEventHeadlineLong,
  type ChatHeadline,
  type ChatHeadlineLong,
  type ChatType,
  type ChosenInlineResultHeadline,
  contentType,
  flance,
  glance,
  type Glanceable,
  type HeadlineFlavor,
  type InlineQueryHeadline,
  type InlineQueryHeadlineLong,
  type Loose,
  type Of,
  type PreCheckoutQueryHeadline,
  type PreCheckoutQueryHeadlineLong,
  type RuntimeFlavor,
  type ShippingQueryHeadline,
} from "./glance.ts";
export {
  type EventHandler,
  type EventMessage,
  type LoopHandler,
  type LoopMessage,
  type LoopPayload,
  type MessageHandler,
  type RoutingTable,
} from "./handler.ts";
export {
  type ChatMessageLike,
  type EphemeralMessageLike,
  messageIdentifier,
  type MsgIdentifierTuple,
  originIdentifier,
} from "./identifier.ts";
export type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "./journal.ts";
export { defaultErrorLogger, type LoopHost, runLoop } from "./loop.ts";
export type { GettableQueue, LoopController, MessageLoopOptions, UpdateSource } from "./loop_options.ts";
export { MemoryJournal } from "./memory_journal.ts";
export { guardNodeServer, type NodeDeadlines } from "./node_deadlines.ts";
export { parseUpdate } from "./parse_update.ts";
export type { PollingClient } from "./polling.ts";
export { type BodyLimits, DEFAULT_BODY_LIMITS } from "./read_body.ts";
export { serveWebhook, type ServeWebhookOptions, type WebhookServer } from "./serve_webhook.ts";
export { type ServerlessBot, serverlessHandler, type ServerlessOptions } from "./serverless.ts";
export { originOf, rememberOrigin, type UpdateOrigin } from "./update_kind.ts";
export { type QueueEntry, type QueueItem, UpdateQueue } from "./update_queue.ts";
export { type FetchHandler, webhookHandler, type WebhookOptions } from "./webhook.ts";
export { nodeAdapter, type NodeHandler, type NodeRequest } from "./webhook_node.ts";
