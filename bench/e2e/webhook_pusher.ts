/**
 * Webhook delivery as the bench server does it, after Telegram's manner: every update POSTed as JSON to
 * the bot's URL, up to `max_connections` requests at once, one chat's updates one at a time and in
 * order; a request that fails or is not answered 2xx is repeated after a short pause. In the latency
 * mode each request waits that latency first, as every API answer does.
 *
 * Requests go over keep-alive HTTP/1.1 connections of the library's pool rather than `fetch`, which
 * costs about twice the CPU per request: Telegram's servers are not on the bench machine, so the
 * pusher should take as little of its two cores from the bots as it can.
 *
 * @module
 */
import { ConnectionPool } from "../../platform/http1_pool.ts";

const RETRY_PAUSE_MS = 100;

/** Pushes `texts` (update `i` at index `i - 1`, its chat slot `i % chats`) to `url`. */
export class WebhookPusher {
  readonly #url: string;
  readonly #texts: readonly string[];
  readonly #maxConnections: number;
  // Per chat slot: the next update index (1-based) to push, stepping by `chats`.
  readonly #next: Int32Array;
  readonly #chats: number;
  readonly #idle: number[] = [];
  #idleHead = 0;
  #inFlight = 0;
  #stopped = false;
  readonly #pool = new ConnectionPool();
  // The latency mode's delay on the way to the bot, as every API answer has it on the way back: a
  // webhook must not get its updates for free where a polling bot pays for each getUpdates.
  readonly #latencyMs: number;
  /** Requests that failed or were refused and were repeated. */
  repeats = 0;

  /** Prepares delivery of every update; nothing is sent before {@link WebhookPusher.start}. */
  constructor(url: string, texts: readonly string[], chats: number, maxConnections: number, latencyMs = 0) {
    this.#latencyMs = latencyMs;
    this.#url = url;
    this.#texts = texts;
    this.#chats = chats;
    this.#maxConnections = Math.max(1, maxConnections);
    this.#next = new Int32Array(chats);
    for (let slot = 0; slot < chats; slot++) {
      const first = slot === 0 ? chats : slot;
      this.#next[slot] = first;
      if (first <= texts.length) this.#idle.push(slot);
    }
    // Chat slot 0 holds the updates numbered chats, 2·chats, …: put the chats in the order of their first
    // update, as Telegram would have received them.
    if (this.#idle[0] === 0) this.#idle.push(this.#idle.shift()!);
  }

  /** Starts pushing. */
  start(): void {
    this.#pump();
  }

  /** Sends nothing more (requests in flight still end). */
  stop(): void {
    this.#stopped = true;
    this.#pool.close();
  }

  #pump(): void {
    while (!this.#stopped && this.#inFlight < this.#maxConnections && this.#idleHead < this.#idle.length) {
      const slot = this.#idle[this.#idleHead++];
      if (this.#idleHead > 4096 && this.#idleHead * 2 > this.#idle.length) {
        this.#idle.splice(0, this.#idleHead);
        this.#idleHead = 0;
      }
      this.#inFlight++;
      void this.#push(slot);
    }
  }

  async #push(slot: number): Promise<void> {
    const i = this.#next[slot];
    let delivered = false;
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    try {
      const res = await this.#pool.fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: this.#texts[i - 1],
      });
      await res.body?.cancel();
      delivered = res.ok;
    } catch {
      // The bot is gone or restarting: repeat like Telegram does.
    }
    if (!delivered) {
      this.repeats++;
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    } else {
      this.#next[slot] = i + this.#chats;
    }
    this.#inFlight--;
    if (this.#next[slot] <= this.#texts.length) this.#idle.push(slot);
    this.#pump();
  }
}
