import type { Msg, SeedTuple } from "../bot/delegator_bot.ts";
import { originIdentifier } from "../bot/identifier.ts";
import {
  CallbackQueryOriginContext,
  ChatContext,
  InvoiceContext,
  ListenerContext,
  UserContext,
} from "./contexts.ts";
import { type DefaultRouted, DefaultRouterMixin } from "./default_router.ts";
import { IdleTerminateMixin, type IdleTerminating } from "./idle.ts";
import { keyedTemplate } from "./listener.ts";
import type { Constructor } from "./mixin.ts";
import { flavorOrNull } from "./quick_flavor.ts";
import { type StandardEventing, StandardEventMixin } from "./standard_event.ts";
import type { Pattern } from "./template.ts";

/** Options every timed handler takes (filled in by `createOpen(Handler, options)` and the pair producers). */
export interface HandlerOptions {
  /** Idle seconds after which the delegate closes with `IdleTerminate`. */
  timeout: number;
  /** The event space, given by `paveEventSpace`. */
  eventSpace?: unknown;
  /** Given by `interceptCallbackQueryOrigin`, read by `InterceptCallbackQueryMixin`. */
  interceptCallbackQuery?: unknown;
  /** Further options for subclasses. */
  [option: string]: unknown;
}

/** Options of {@link ChatHandler}. */
export interface ChatHandlerOptions extends HandlerOptions {
  /** Also receive callback queries from messages in this chat (set by `includeCallbackQueryChatId`). */
  includeCallbackQuery?: boolean;
}

/** Options of {@link UserHandler}. */
export interface UserHandlerOptions extends ChatHandlerOptions {
  /** Flavors to receive from this user: `"all"` or a list (default the chat and inline flavors). */
  flavors?: "all" | readonly string[];
}

/** Flavors of messages in a chat. */
export const CHAT_FLAVORS: readonly string[] = ["chat", "edited_chat"];
/** Flavors of inline mode. */
export const INLINE_FLAVORS: readonly string[] = ["inline_query", "chosen_inline_result"];
/** What a user handler and the per-user seeders take by default: the chat and the inline flavors. */
export const USER_FLAVORS: readonly string[] = [...CHAT_FLAVORS, ...INLINE_FLAVORS];

/** {@link Monitor}'s base: a listener context with the default router. */
export const MonitorBase: typeof ListenerContext & Constructor<DefaultRouted> = DefaultRouterMixin(
  ListenerContext,
);

/** The mixins every timed handler has: default router, standard events, idle termination. */
export type TimedHandlerBase<C extends Constructor<ListenerContext>> =
  & C
  & Constructor<DefaultRouted>
  & Constructor<StandardEventing>
  & Constructor<IdleTerminating>;

function timed<C extends Constructor<ListenerContext>>(context: C): TimedHandlerBase<C> {
  return IdleTerminateMixin(StandardEventMixin(DefaultRouterMixin(context)));
}

/** {@link ChatHandler}'s base: a chat context with router, events and idle termination. */
export const ChatHandlerBase: TimedHandlerBase<typeof ChatContext> = timed(ChatContext);
/** {@link UserHandler}'s base: a user context with router, events and idle termination. */
export const UserHandlerBase: TimedHandlerBase<typeof UserContext> = timed(UserContext);
/** {@link CallbackQueryOriginHandler}'s base: an origin context with router, events and idle termination. */
export const CallbackQueryOriginHandlerBase: TimedHandlerBase<typeof CallbackQueryOriginContext> = timed(
  CallbackQueryOriginContext,
);

/** {@link InvoiceHandler}'s base: an invoice context with router, events and idle termination. */
export const InvoiceHandlerBase: TimedHandlerBase<typeof InvoiceContext> = timed(InvoiceContext);

/**
 * A delegate that never times out, receiving what its capture patterns select; pair it with
 * `perApplication()` for a single background watcher.
 */
export class Monitor extends MonitorBase {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, seed]`.
   * @param capture patterns for the listener.
   * @param options options for mixins.
   */
  constructor(seedTuple: SeedTuple, capture: readonly Pattern[], options?: object) {
    super(seedTuple[0], seedTuple[2], options);
    for (const pattern of capture) this.listener.capture(pattern);
  }
}

/**
 * A delegate for one chat (seed: the chat id): receives the chat's messages and its own events, closes
 * after `timeout` idle seconds. Subclass it and define `onChatMessage`, `onEditedChatMessage`,
 * `onCallbackQuery`…
 *
 * A message whose flavor has no method on the subclass (a reaction without `onMessageReaction`, an
 * edited message without `onEditedChatMessage`) is ignored and reported once per class and flavor; the
 * delegate and its conversation go on. The same holds for every handler class here.
 *
 * @example
 * ```ts ignore
 * class Counter extends ChatHandler {
 *   count = 0;
 *   async onChatMessage(msg: Message) {
 *     await this.sender.sendMessage(String(++this.count));
 *   }
 * }
 * const bot = new DelegatorBot(token, [paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 })]);
 * ```
 */
export class ChatHandler extends ChatHandlerBase {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, chatId]`.
   * @param options `timeout`, `eventSpace`, `includeCallbackQuery`, and options of further mixins.
   */
  constructor(seedTuple: SeedTuple, options: ChatHandlerOptions) {
    super(seedTuple[0], seedTuple[2], options);
    // A template the bot can look up by its chat id, however many chats have a delegate.
    this.listener.capture([{ chat: { id: this.chatId } }]);
    if (options.includeCallbackQuery) this.listener.capture([{ message: { chat: { id: this.chatId } } }]);
  }
}

/** A delegate for one user (seed: the user id), receiving that user's messages of the chosen flavors. */
export class UserHandler extends UserHandlerBase {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, userId]`.
   * @param options `timeout`, `eventSpace`, `flavors`, `includeCallbackQuery`, and options of further mixins.
   */
  constructor(seedTuple: SeedTuple, options: UserHandlerOptions) {
    super(seedTuple[0], seedTuple[2], options);
    const flavors = options.flavors ?? USER_FLAVORS;
    if (flavors === "all") {
      this.listener.capture([{ from: { id: this.userId } }]);
    } else {
      this.listener.capture([(msg: Msg) => flavors.includes(flavorOrNull(msg) ?? ""), {
        from: { id: this.userId },
      }]);
    }
    if (options.includeCallbackQuery) this.listener.capture([{ message: { chat: { id: this.userId } } }]);
  }
}

/** A {@link UserHandler} for inline queries and chosen inline results only. */
export class InlineUserHandler extends UserHandler {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, userId]`.
   * @param options `timeout`, `eventSpace`, and options of further mixins.
   */
  constructor(seedTuple: SeedTuple, options: HandlerOptions) {
    super(seedTuple, { ...options, flavors: INLINE_FLAVORS });
  }
}

/**
 * A delegate for the callback queries of one message (seed: its origin identifier, as from
 * `perCallbackQueryOrigin()`); `editor` edits that message.
 */
export class CallbackQueryOriginHandler extends CallbackQueryOriginHandlerBase {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, origin]`.
   * @param options `timeout`, `eventSpace`, and options of further mixins.
   */
  constructor(seedTuple: SeedTuple, options: HandlerOptions) {
    super(seedTuple[0], seedTuple[2], options);
    const origin = this.origin as readonly unknown[];
    const mine = JSON.stringify(origin);
    const ofOrigin = (msg: Msg) =>
      flavorOrNull(msg) === "callback_query"
      && (msg.message !== undefined || msg.inline_message_id !== undefined)
      && JSON.stringify(originIdentifier(msg)) === mine;
    // Filed under the origin's chat id (or inline message id), so it is asked only about those.
    this.listener.capture([
      origin.length === 2
        ? keyedTemplate(["message", "chat", "id"], origin[0], ofOrigin)
        : keyedTemplate(["inline_message_id"], origin[0], ofOrigin),
    ]);
  }
}

/**
 * A delegate for one invoice (seed: its payload, as from `perInvoicePayload()`): receives the invoice's
 * shipping and pre-checkout queries and the message of its successful payment.
 *
 * @example
 * ```ts ignore
 * class Checkout extends InvoiceHandler {
 *   async onPreCheckoutQuery(query: PreCheckoutQuery) {
 *     await this.bot.answerPreCheckoutQuery(query.id, true);
 *   }
 *   onChatMessage(msg: Message) {
 *     console.log("paid:", this.payload, msg.successful_payment?.total_amount);
 *   }
 * }
 * const bot = new DelegatorBot(token, [paveEventSpace()(perInvoicePayload(), createOpen, Checkout, { timeout: 600 })]);
 * ```
 */
export class InvoiceHandler extends InvoiceHandlerBase {
  /**
   * Creates an instance.
   *
   * @param seedTuple `[bot, initialMsg, payload]`.
   * @param options `timeout`, `eventSpace`, and options of further mixins.
   */
  constructor(seedTuple: SeedTuple, options: HandlerOptions) {
    super(seedTuple[0], seedTuple[2], options);
    this.listener.capture([{ invoice_payload: this.payload }]);
    this.listener.capture([{ successful_payment: { invoice_payload: this.payload } }]);
  }
}
