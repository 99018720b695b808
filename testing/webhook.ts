import { deliveryQueueOf } from "./delivery_queue.ts";
import { ApiFailure } from "./failure.ts";
import type { CallInput } from "./params.ts";
import { unixNow } from "./types.ts";
import { readWebhookReply, type WebhookReply } from "./webhook_reply.ts";
import type { BotState, WebhookConfig } from "./world.ts";

const REFUSED = /refused/i;

/** Timing of webhook delivery, in seconds. */
export interface WebhookTiming {
  /**
   * The emulator's stand-in for the server's one second of retry delay: a failed delivery is retried
   * after the schedule of telegram-bot-api's WebhookActor::on_update_error counted in these units (the
   * webhook's `Retry-After` of N asks for N of them), so a small value speeds the schedule up.
   */
  readonly retryDelay: number;
  /** How long to wait for the bot's answer before counting the delivery as failed. */
  readonly timeout: number;
  /**
   * Longest pause, in real seconds, the growing backoff may reach (default 2), so that a test with a
   * webhook down for a while does not wait for the server's minute or two. A `Retry-After` is not cut.
   */
  readonly maxRetryDelay?: number;
}

// telegram-bot-api WebhookActor.h WEBHOOK_MAX_RESEND_TIMEOUT, and on_update_error's MAX_RETRY_AFTER.
const MAX_RESEND_TIMEOUT = 60;
const MAX_RETRY_AFTER = 3600;
const DEFAULT_MAX_RETRY_DELAY = 2;

/** How a delivery failed: the text for `last_error_message` and the answer's `Retry-After`, or 0. */
interface DeliveryError {
  readonly message: string;
  readonly retryAfter: number;
}

/**
 * The answer's `Retry-After` in seconds, as td's HttpQuery::get_retry_after reads it: a whole number
 * (an HTTP date or anything else counts as none), negative taken as 0.
 */
export function retryAfterOf(value: string | null): number {
  if (value === null || !/^-?\d+$/.test(value)) return 0;
  const n = Number(value);
  // to_integer_safe<int> fails on what does not fit an int.
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) return 0;
  return Math.max(0, n);
}

/** Runs a method the bot put in its webhook answer (a "webhook reply"). */
export type ReplyRunner = (bot: BotState, method: string, input: CallInput) => Promise<void>;

/**
 * Delivers one bot's updates to its webhook as the Bot API server does: POST with the secret header,
 * each update forgotten on a 2xx answer, retried otherwise (at once the first time, then after 2, 4, 8…
 * `retryDelay` units, or after the units of the answer's `Retry-After`: see {@link retryAfterOf}). Updates of one chat (or
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
  // Per failed update, as WebhookActor::Update keeps them: its current backoff (in units) and fail count.
  #failures = new Map<number, { delay: number; fails: number }>();
  // The queue's hooks, as this runner set them.
  #pumpSoon = () => this.#pump();
  #delivering = (id: number) => this.#inFlight.has(id);

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
    this.bot.queue.onEnqueue = this.#pumpSoon;
    this.bot.queue.holds = this.#delivering;
    this.#pump();
  }

  /** Stops delivering (the webhook was removed or the emulator closes). */
  stop(): void {
    this.#stopped = true;
    // A runner started since (a changed webhook) keeps its own hooks.
    if (this.bot.queue.onEnqueue === this.#pumpSoon) this.bot.queue.onEnqueue = null;
    if (this.bot.queue.holds === this.#delivering) this.bot.queue.holds = null;
    clearTimeout(this.#retryTimer);
    this.#failures.clear();
    this.#abort.abort();
  }

  // Starts every delivery that may start now: the oldest pending update of each queue that has none in
  // flight and none waiting to retry, while connections are free.
  #pump(): void {
    const hook = this.bot.webhook;
    if (this.#stopped || hook === null) return;
    const now = Date.now();
    // Updates dropped since they failed (drop_pending_updates) take their backoff along.
    for (const id of this.#failures.keys()) if (id < this.bot.queue.firstId) this.#failures.delete(id);
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
      this.#failures.delete(id);
      this.bot.queue.forget(id);
    } else {
      hook.lastErrorDate = unixNow();
      hook.lastErrorMessage = error.message;
      const delay = this.#nextDelay(id, error.retryAfter);
      const now = Date.now();
      const retryAt = now + delay * 1000;
      // WebhookActor::on_update_error drops an update whose next try would come after it expires.
      const expiry = this.bot.queue.expiryOf(id);
      if (expiry !== undefined && Math.floor(now / 1000) + delay > expiry) {
        this.#failures.delete(id);
        this.bot.queue.forget(id);
      } else {
        this.#retryAt.set(queue, retryAt);
      }
    }
    this.#pump();
  }

  // Seconds until update `id` is tried again, as telegram-bot-api WebhookActor::on_update_error sets its
  // wakeup: the answer's Retry-After (capped at an hour) leaves the backoff as it is; without one the
  // first failure retries at once and each later one doubles the backoff (from 1), up to a random 60-120
  // (WEBHOOK_MAX_RESEND_TIMEOUT to twice it). Units are `retryDelay`; the backoff also stops at
  // `maxRetryDelay` real seconds.
  #nextDelay(id: number, retryAfter: number): number {
    const state = this.#failures.get(id) ?? { delay: 1, fails: 0 };
    this.#failures.set(id, state);
    const asked = Math.min(retryAfter, MAX_RETRY_AFTER);
    let units = asked;
    if (asked === 0 && state.fails > 0) {
      const cap = MAX_RESEND_TIMEOUT + Math.floor(Math.random() * (MAX_RESEND_TIMEOUT + 1));
      state.delay = Math.min(cap, state.delay * 2);
      units = state.delay;
    }
    state.fails++;
    const seconds = units * this.timing.retryDelay;
    return asked > 0 ? seconds : Math.min(seconds, this.timing.maxRetryDelay ?? DEFAULT_MAX_RETRY_DELAY);
  }

  async #deliver(url: string, secret: string | undefined, json: string): Promise<DeliveryError | null> {
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
      if (timeout.aborted) return failed("Read timeout expired");
      const detail = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : "";
      return failed(REFUSED.test(detail) ? "Connection refused" : "Connection failed");
    }
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch {
      return failed("Connection closed while reading the response");
    }
    if (!response.ok) {
      // Only an answer that is not 2xx has its Retry-After read (WebhookActor::handle).
      return {
        message: `Wrong response from the webhook: ${response.status} ${response.statusText}`.trimEnd(),
        retryAfter: retryAfterOf(response.headers.get("retry-after")),
      };
    }
    let reply: WebhookReply | null;
    try {
      reply = await readWebhookReply(response.headers.get("content-type"), body);
    } catch (e) {
      // td's HttpReader fails the connection on a multipart answer it cannot read, and the update is
      // sent again (WebhookActor::on_connection_error).
      return failed(e instanceof ApiFailure ? e.description : "Webhook connection closed");
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

function failed(message: string): DeliveryError {
  return { message, retryAfter: 0 };
}
