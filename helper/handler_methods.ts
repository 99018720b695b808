import type { FlavorMethods } from "../api/payloads.gen.ts";

/** The `_idle` event a timed handler receives after `timeout` idle seconds. */
export interface IdleEvent {
  /** The idle time that elapsed, in seconds. */
  readonly _idle: { readonly seconds: number };
}

/**
 * The typed `on…` methods of a handler class: one per flavor, each with its flavor's payload
 * (`onChatMessage(msg: Message)`, `onCallbackQuery(query: CallbackQuery)`, …), plus `onIdle`. Say
 * `implements HandlerMethods` (or one of the narrower interfaces) on a subclass and TypeScript checks
 * its methods: `onChatMessage(msg: CallbackQuery)` does not compile.
 *
 * @example
 * ```ts
 * import { ChatHandler, type ChatHandlerMethods, type Message } from "@telepot/telepot-ts";
 * class Echo extends ChatHandler implements ChatHandlerMethods {
 *   async onChatMessage(msg: Message) {
 *     await this.sender.sendMessage(msg.text ?? "?");
 *   }
 * }
 * ```
 */
export interface HandlerMethods extends FlavorMethods {
  /** Receives the `_idle` event; by default the delegate then closes with `IdleTerminate`. */
  onIdle?: (event: IdleEvent) => unknown;
}

/**
 * The methods of a {@link ChatHandler}: a chat's messages and edits, its callback queries, `_idle`, and
 * every other payload with a `chat` that `perChatId({ flavors: "all" })` seeds (member updates, join
 * requests, reactions, boosts…).
 */
export type ChatHandlerMethods = Pick<
  HandlerMethods,
  | "onChatMessage"
  | "onEditedChatMessage"
  | "onCallbackQuery"
  | "onMessageReaction"
  | "onMessageReactionCount"
  | "onChatMember"
  | "onMyChatMember"
  | "onChatJoinRequest"
  | "onChatBoost"
  | "onRemovedChatBoost"
  | "onDeletedBusinessMessages"
  | "onStoppedMessageGeneration"
  | "onIdle"
>;

/** The methods of a {@link UserHandler}: a user's messages and inline mode, `_idle`. */
export type UserHandlerMethods = Pick<
  HandlerMethods,
  | "onChatMessage"
  | "onEditedChatMessage"
  | "onCallbackQuery"
  | "onInlineQuery"
  | "onChosenInlineResult"
  | "onIdle"
>;

/** The methods of an {@link InlineUserHandler}: inline queries and chosen results, `_idle`. */
export type InlineHandlerMethods = Pick<HandlerMethods, "onInlineQuery" | "onChosenInlineResult" | "onIdle">;

/** The methods of a {@link CallbackQueryOriginHandler}: the callback queries of one message, `_idle`. */
export type CallbackQueryOriginHandlerMethods = Pick<HandlerMethods, "onCallbackQuery" | "onIdle">;

/** The methods of an {@link InvoiceHandler}: one invoice's shipping and pre-checkout queries, its payment, `_idle`. */
export type InvoiceHandlerMethods = Pick<
  HandlerMethods,
  "onShippingQuery" | "onPreCheckoutQuery" | "onChatMessage" | "onIdle"
>;
