/**
 * Receiving updates: the {@link Bot} class, telepot's flavor functions, the message loop over polling
 * or a queue, and webhook handlers.
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
  type InlineQueryHeadline,
  type InlineQueryHeadlineLong,
  type Loose,
  type Of,
  type PreCheckoutQueryHeadline,
  type PreCheckoutQueryHeadlineLong,
  type ShippingQueryHeadline,
} from "./glance.ts";
export { type LoopHandler, type LoopMessage, type MessageHandler, type RoutingTable } from "./handler.ts";
export { messageIdentifier, type MsgIdentifierTuple, originIdentifier } from "./identifier.ts";
export { defaultErrorLogger, type LoopHost, runLoop } from "./loop.ts";
export type { GettableQueue, LoopController, MessageLoopOptions, UpdateSource } from "./loop_options.ts";
export { parseUpdate } from "./parse_update.ts";
export type { PollingClient } from "./polling.ts";
export { originOf, rememberOrigin, type UpdateOrigin } from "./update_kind.ts";
export { type QueueEntry, type QueueItem, UpdateQueue } from "./update_queue.ts";
export { type FetchHandler, webhookHandler, type WebhookOptions } from "./webhook.ts";
export { nodeAdapter, type NodeHandler, type NodeRequest } from "./webhook_node.ts";
