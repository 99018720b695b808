import type { CallOptions } from "../api/call_options.ts";
import { Api, type ApiOptions } from "../api/client.ts";
import type { FlavorMethods } from "../api/payloads.gen.ts";
import { redactText } from "../api/redact.ts";
import type { User } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { exitProcess } from "../platform/process.ts";
import { delegatesTake } from "./delegate_flavors.ts";
import { callFlavorMethod, hasFlavorMethod, UPDATE_FLAVORS } from "./flavor_method.ts";
import { kindsFor, type LoopHandler, type LoopMessage, resolveHandler } from "./handler.ts";
import { runLoop } from "./loop.ts";
import { EventRouting } from "./loop_events.ts";
import { loopErrorReporter } from "./loop_logger.ts";
import type { LoopController, MessageLoopOptions } from "./loop_options.ts";
import { checkLoopOptions } from "./loop_options_check.ts";
import { observeUpdates } from "./observe_update.ts";
import { parseUpdate } from "./parse_update.ts";
import { receiverOf } from "./receiver.ts";
import { EventScheduler } from "./scheduler.ts";
import { botUser, rememberBotUser, startLoop } from "./startup.ts";
import type { QueueItem } from "./update_queue.ts";

/** Options of {@link Bot}: the same as those of the {@link Api} client. */
export type BotOptions = ApiOptions;

/**
 * A Telegram bot: the whole Bot API client (every method, `call`, `downloadFile`) plus ways to receive
 * updates. Give `messageLoop` a handler, or subclass it and define flavor methods (`onChatMessage`,
 * `onCallbackQuery`, …, telepot's default router) or override {@link Bot.handle}.
 *
 * @example
 * ```ts
 * import { Bot } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc", { apiRoot: "http://127.0.0.1:8081" });
 * const loop = bot.messageLoop({
 *   chat: (msg) => console.log("chat", msg.text),
 *   callback_query: (query) => console.log("button", query.data),
 * });
 * await loop.stop();
 * ```
 *
 * @example
 * ```ts
 * import { Bot } from "@telepot/telepot-ts";
 * import type { LoopMessage } from "@telepot/telepot-ts";
 * class Echo extends Bot {
 *   onChatMessage(msg: LoopMessage) {
 *     return this.sendMessage(msg.chat.id, msg.text ?? "?");
 *   }
 * }
 * const loop = new Echo("123:abc", { apiRoot: "http://127.0.0.1:8081" }).messageLoop();
 * await loop.stop();
 * ```
 */
export class Bot extends Api {
  readonly #redact: (text: string) => string;
  #scheduler: EventScheduler<LoopMessage> | undefined;
  readonly #events = new EventRouting({
    handle: (event) => this.handle(event),
    report: (error) => this.logError("scheduled event failed", error),
  });

  /**
   * Creates a bot.
   *
   * @param token the bot token from @BotFather.
   * @param options server, timeout, abort signal, fetch and retry settings, as for `Api`.
   * @throws {BadInput} on a malformed token or option.
   */
  constructor(token: string, options: BotOptions = {}) {
    super(token, options);
    this.#redact = (text) => redactText(text, token);
  }

  /**
   * The bot's own User (`username` for commands), known once getMe has answered: a polling loop asks
   * before its handlers run, a webhook loop in the background, and any call of {@link Bot.getMe} counts.
   */
  get me(): User | undefined {
    return botUser(this);
  }

  /** Calls getMe, and remembers the answer as {@link Bot.me}. */
  override async getMe(callOptions?: CallOptions): Promise<User> {
    const me = await super.getMe(callOptions);
    rememberBotUser(this, me);
    return me;
  }

  /**
   * The bot's event scheduler (telepot's `bot.scheduler`): `eventAt`, `eventLater`, `eventNow`,
   * `cancel`. A due event goes where messages go: to the handler of the running `messageLoop` (a
   * routing table takes it under its flavor, e.g. `_alarm`), or to {@link Bot.handle} (with the default
   * router, `onAlarm`). Delegates schedule theirs here too, through their `StandardEventScheduler`.
   */
  get scheduler(): EventScheduler<LoopMessage> {
    return this.#scheduler ??= new EventScheduler((event) => this.#events.deliver(event));
  }

  /**
   * Handles one message (or update payload, or event) when `messageLoop` is given no handler: telepot's
   * default router, calling the method for the message's flavor (`chat` → `onChatMessage`,
   * `edited_chat` → `onEditedChatMessage`, `callback_query` → `onCallbackQuery`, `inline_query` →
   * `onInlineQuery`, `chosen_inline_result` → `onChosenInlineResult`, `poll_answer` → `onPollAnswer`,
   * an `_alarm` event → `onAlarm`, …). A returned promise tells the loop when the message is accepted:
   * the loop confirms an update to Telegram only after it settles.
   *
   * @throws {BadFlavor} "no handler for …" when the bot has no method for the flavor (the loop reports
   *   it to `onError` and goes on).
   */
  handle(msg: LoopMessage): unknown {
    return callFlavorMethod(this, msg);
  }

  /**
   * Hands one update (an object, or its JSON text or bytes) to this bot's receiver, as a webhook
   * request does: it is handled by the running `messageLoop` (or kept until one starts), once per
   * `update_id`. Resolves when the update may be confirmed to its sender: journaled, with a durable
   * journal, else handled.
   *
   * @throws {BadInput} (as a rejection) when `update` is not an Update with an integer `update_id`.
   */
  async handleUpdate(update: QueueItem): Promise<void> {
    await receiverOf(this).deliver(parseUpdate(update));
  }

  /**
   * Receives updates in the background and hands each one's payload (a Message, CallbackQuery, …) to
   * `handler`: a function, a routing table by flavor (`{ chat: fn, callback_query: fn, null: fallback }`),
   * or nothing for this bot's {@link Bot.handle}. The bot's {@link Bot.scheduler} events go to the
   * same handler while the loop runs.
   *
   * Updates come from `getUpdates` (an update is confirmed to Telegram only once handled, or once
   * journaled with a durable `journal`: a crash means redelivery, never loss), from `options.source` (a
   * queue or iterable), or from this bot's `webhookHandler`, all into the bot's one receiver. Each
   * `update_id` is handled once per process; one chat's updates in order, different chats concurrently.
   * A handler that throws is reported to `onError`, tried again up to `maxAttempts`, then dead-lettered;
   * the loop goes on. An update no handler takes is reported ("no handler for …"). Network errors and
   * 5xx are retried with back-off for ever (reported at the first failure of a run and every tenth),
   * 429 waits `retry_after`; 401 (`UnauthorizedError`) and 409 (another poller, or a webhook) end the
   * loop: `done` rejects with them.
   *
   * `getUpdates` asks for what Telegram sends by default plus the opt-in kinds (`chat_member`,
   * `message_reaction`, `message_reaction_count`) that the routing table or the bot's flavor methods
   * name, unless `options.allowedUpdates` says otherwise.
   *
   * A polling loop first calls getMe ({@link Bot.me}): a refused token (401) ends it at once with an
   * `UnauthorizedError` that says so, an unreachable `apiRoot` is reported (to `onError`, else the
   * logger) and asked again with back-off. On a subclass, the flavor methods are type-checked here:
   * `onChatMessage(msg: CallbackQuery)` does not compile (see `FlavorMethods`).
   *
   * @returns a controller: `stop()` ends gracefully, `done` settles when the loop has ended.
   * @throws {BadInput} at once, before anything starts, on a malformed handler or any bad option
   *   (unknown name, wrong kind of value, a `source` that is no queue), or with no handler on a bot
   *   that neither overrides `handle` nor defines a flavor method.
   * @throws {TelepotException} when a loop of this bot is already running.
   */
  messageLoop(
    this: Bot & FlavorMethods,
    handler?: LoopHandler,
    options?: MessageLoopOptions,
  ): LoopController {
    const checked = checkLoopOptions(options);
    const routed = handler === undefined ? undefined : resolveHandler(handler);
    const defaultRouter = this.handle === Bot.prototype.handle;
    // A DelegatorBot's flavors are its delegates' (their classes' methods).
    const takes = (flavor: string) =>
      defaultRouter ? hasFlavorMethod(this, flavor) : delegatesTake(this, flavor);
    if (
      routed === undefined && defaultRouter && !UPDATE_FLAVORS.some(takes)
    ) {
      throw new BadInput(
        "handler",
        "a function or routing table, since this bot neither defines onChatMessage (or another flavor "
          + "method) nor overrides handle",
      );
    }
    const allowedUpdates = checked.allowedUpdates ?? kindsFor(handler, takes);
    const handle = observeUpdates(routed ?? ((msg) => this.handle(msg)), this.logger);
    const onError = checked.onError ?? loopErrorReporter(this.logger);
    // A loop on a bot with a webhook handler, or reading a queue, does not poll (the receiver decides
    // once, at start), so only a polling loop waits for getMe.
    const polls = checked.source === undefined && !receiverOf(this).webhook;
    const reception = { polls, identifies: checked.source === undefined };
    // Taken before the loop starts, since starting already calls getMe.
    const release = this.keepConnections();
    let loop: LoopController;
    try {
      loop = startLoop(
        this,
        checked,
        reception,
        handle,
        (gated) => runLoop(this, gated, { ...checked, allowedUpdates, onError }, this.#redact),
      );
    } catch (error) {
      release();
      throw error;
    }
    const detach = this.#events.attach({
      handle: routed ?? ((event) => this.handle(event)),
      report: (error) => this.#reportEvent(checked, error),
    });
    // While the loop runs, its events (idle timeouts among them) keep the process alive.
    const unhold = this.scheduler.hold();
    const end = () => {
      detach();
      unhold();
      release();
    };
    loop.done.then(end, (error) => {
      end();
      // A loop ended by a 401 or 409 says so even when nobody awaits `done`; a program that lived for
      // it (runForever) ends with a failure status.
      this.logError("the message loop ended", error);
      if (checked.runForever) exitProcess(1);
    });
    return loop;
  }

  // A failed event goes to the loop's onError like a failed update; a reporter that fails is logged.
  #reportEvent(options: MessageLoopOptions, error: unknown): void {
    if (options.onError === undefined) return this.logError("scheduled event failed", error);
    try {
      const result = options.onError(error);
      if (result instanceof Promise) result.catch((failure) => this.logError("onError failed", failure));
    } catch (failure) {
      this.logError("onError failed", failure);
    }
  }
}
