import { deliveryQueueOf } from "./delivery_queue.ts";
import { ApiFailure } from "./failure.ts";
import type { CallInput } from "./params.ts";
import { unixNow } from "./types.ts";
import { readWebhookReply, type WebhookReply } from "./webhook_reply.ts";
import type { BotState, WebhookConfig } from "./world.ts";

const REFUSED = /refused/i;

/** Timing of webhook delivery, in seconds. */
export interface WebhookTiming {
  /** Pause before retrying a failed delivery. */
  readonly retryDelay: number;
  /** How long to wait for the bot's answer before counting the delivery as failed. */
  readonly timeout: number;
}

/** Runs a method the bot put in its webhook answer (a "webhook reply"). */
export type ReplyRunner = (bot: BotState, method: string, input: CallInput) => Promise<void>;

/**
 * Delivers one bot's updates to its webhook as the Bot API server does: POST with the secret header,
 * each update forgotten on a 2xx answer, retried after `retryDelay` otherwise. Updates of one chat (or
 * of one user's queries: see {@link deliveryQueueOf}) go one at a time and in order; different chats
 * are delivered concurrently, up to the webhook's `max_connections`, from the oldest `2 ×
 * max_connections` pending updates (so a flood in one chat can still hold up the others). An answer
 * carrying `method` (JSON, urlencoded or multipart: see {@link readWebhookReply}) is executed as a call
 * of that bot, as Telegram does.
 */
export class WebhookRunner {
  #stopped = false;
  #abort = new AbortController();
  // Ids being delivered now, and the delivery queues that wait to retry a failed one (until when).
  #inFlight = new Set<number>();
  #retryAt = new Map<string, number>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Whose updates to deliver. */
  readonly bot: BotState;
  /** Retry delay and answer timeout. */
  readonly timing: WebhookTiming;
  /** Executes a webhook reply. */
  readonly runReply: ReplyRunner;
  /**
   * Creates a runner; `start` begins delivery.
   * @param bot whose updates to deliver.
   * @param timing retry delay and answer timeout.
   * @param runReply executes a webhook reply.
   */
  constructor(bot: BotState, timing: WebhookTiming, runReply: ReplyRunner) {
    this.bot = bot;
    this.timing = timing;
    this.runReply = runReply;
  }

  /** Starts delivering what is pending, and each update as it is queued. */
  start(): void {
    this.bot.queue.onEnqueue = () => this.#pump();
    this.#pump();
  }

  /** Stops delivering (the webhook was removed or the emulator closes). */
  stop(): void {
    this.#stopped = true;
    if (this.bot.queue.onEnqueue !== null) this.bot.queue.onEnqueue = null;
    clearTimeout(this.#retryTimer);
    this.#abort.abort();
  }

  // Starts every delivery that may start now: the oldest pending update of each queue that has none in
  // flight and none waiting to retry, while connections are free.
  #pump(): void {
    const hook = this.bot.webhook;
    if (this.#stopped || hook === null) return;
    const now = Date.now();
    let nextRetry = Infinity;
    const held = new Set<string>();
    for (const { update, json } of this.bot.queue.entries(hook.maxConnections * 2)) {
      if (this.#inFlight.size >= hook.maxConnections) break;
      const queue = deliveryQueueOf(update);
      if (held.has(queue)) continue;
      held.add(queue);
      const id = update.update_id as number;
      if (this.#inFlight.has(id)) continue;
      const retryAt = this.#retryAt.get(queue) ?? 0;
      if (retryAt > now) {
        nextRetry = Math.min(nextRetry, retryAt);
        continue;
      }
      this.#retryAt.delete(queue);
      this.#inFlight.add(id);
      this.#deliverOne(hook, id, queue, json);
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = nextRetry === Infinity ? undefined : setTimeout(() => this.#pump(), nextRetry - now);
  }

  async #deliverOne(hook: WebhookConfig, id: number, queue: string, json: string): Promise<void> {
    const error = await this.#deliver(hook.url, hook.secretToken, json);
    this.#inFlight.delete(id);
    if (this.#stopped) return;
    if (error === null) {
      this.bot.queue.forget(id);
    } else {
      hook.lastErrorDate = unixNow();
      hook.lastErrorMessage = error;
      this.#retryAt.set(queue, Date.now() + this.timing.retryDelay * 1000);
    }
    this.#pump();
  }

  async #deliver(url: string, secret: string | undefined, json: string): Promise<string | null> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secret !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
    const timeout = AbortSignal.timeout(this.timing.timeout * 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers,
        body: json,
        // Telegram counts a redirect as a failed delivery (and tries again); following it would post
        // nothing to the new place and count as delivered.
        redirect: "manual",
        signal: AbortSignal.any([timeout, this.#abort.signal]),
      });
    } catch (e) {
      if (timeout.aborted) return "Read timeout expired";
      const detail = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : "";
      return REFUSED.test(detail) ? "Connection refused" : "Connection failed";
    }
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch {
      return "Connection closed while reading the response";
    }
    if (!response.ok) {
      return `Wrong response from the webhook: ${response.status} ${response.statusText}`.trimEnd();
    }
    let reply: WebhookReply | null;
    try {
      reply = await readWebhookReply(response.headers.get("content-type"), body);
    } catch (e) {
      // td's HttpReader fails the connection on a multipart answer it cannot read, and the update is
      // sent again (WebhookActor::on_connection_error).
      return e instanceof ApiFailure ? e.description : "Webhook connection closed";
    }
    // The server hands the reply to the bot's client and forgets it: an unknown method or a bad
    // parameter fails only that call, and the update counts as delivered (WebhookActor::handle).
    if (reply !== null) {
      try {
        await this.runReply(this.bot, reply.method, reply.input);
      } catch {
        // Its answer goes nowhere.
      }
    }
    return null;
  }
}
