import type { Obj } from "./types.ts";
import { unixNow } from "./types.ts";
import type { BotState } from "./world.ts";

const REFUSED = /refused/i;

/** Timing of webhook delivery, in seconds. */
export interface WebhookTiming {
  /** Pause before retrying a failed delivery. */
  readonly retryDelay: number;
  /** How long to wait for the bot's answer before counting the delivery as failed. */
  readonly timeout: number;
}

/** Runs a method the bot put in its webhook answer (a "webhook reply"). */
export type ReplyRunner = (bot: BotState, method: string, params: Obj) => Promise<void>;

/**
 * Delivers one bot's updates to its webhook, one at a time and in order: POST with the secret header,
 * confirmed on a 2xx answer, retried after `retryDelay` otherwise. A JSON answer carrying `method` is
 * executed as a call of that bot, as Telegram does.
 */
export class WebhookRunner {
  #running = false;
  #stopped = false;
  #wake: (() => void) | null = null;
  #abort = new AbortController();

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

  /** Starts the delivery loop if it is not running. */
  start(): void {
    this.bot.queue.onEnqueue = () => this.#poke();
    if (this.#running) return this.#poke();
    this.#running = true;
    this.#loop().finally(() => (this.#running = false));
  }

  /** Stops delivering (the webhook was removed or the emulator closes). */
  stop(): void {
    this.#stopped = true;
    if (this.bot.queue.onEnqueue !== null) this.bot.queue.onEnqueue = null;
    this.#abort.abort();
    this.#poke();
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #idle(seconds?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = seconds === undefined ? undefined : setTimeout(() => this.#poke(), seconds * 1000);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #loop(): Promise<void> {
    const { bot } = this;
    while (!this.#stopped) {
      const hook = bot.webhook;
      if (hook === null) return;
      const [json] = bot.queue.peekJson(1);
      if (json === undefined) {
        await this.#idle();
        continue;
      }
      const id = bot.queue.firstId;
      const error = await this.#deliver(hook.url, hook.secretToken, json);
      if (this.#stopped) return;
      if (error === null) {
        if (bot.queue.firstId === id) bot.queue.confirm(id + 1);
      } else {
        hook.lastErrorDate = unixNow();
        hook.lastErrorMessage = error;
        await this.#idle(this.timing.retryDelay);
      }
    }
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
        signal: AbortSignal.any([timeout, this.#abort.signal]),
      });
    } catch (e) {
      if (timeout.aborted) return "Read timeout expired";
      const detail = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : "";
      return REFUSED.test(detail) ? "Connection refused" : "Connection failed";
    }
    let body = "";
    try {
      body = await response.text();
    } catch {
      return "Connection closed while reading the response";
    }
    if (!response.ok) return `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    if (body !== "" && (response.headers.get("content-type") ?? "").includes("json")) {
      try {
        const reply = JSON.parse(body);
        if (reply !== null && typeof reply === "object" && typeof reply.method === "string") {
          const { method, ...params } = reply;
          await this.runReply(this.bot, method, params);
        }
      } catch {
        // An unparsable webhook answer is ignored, as Telegram ignores it.
      }
    }
    return null;
  }
}
