import type { Handler } from "./context.ts";
import { ApiFailure } from "./failure.ts";

/** Flood control limits, in messages per second; a limit left out is not enforced. */
export interface FloodLimits {
  /** Messages one bot may send per second, all chats together (Telegram: about 30). */
  readonly perSecond?: number;
  /** Messages one bot may send per second into one chat (Telegram: about 1). */
  readonly perChatPerSecond?: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * Token buckets per bot and per bot+chat: each send takes a token, tokens come back at the limit's rate,
 * and an empty bucket answers 429 with the whole seconds until a token is back, as Telegram's flood control.
 */
export class FloodGate {
  #buckets = new Map<string, Bucket>();

  /** The rates to enforce. */
  readonly limits: FloodLimits;
  /**
   * Creates the gate.
   * @param limits the rates to enforce.
   */
  constructor(limits: FloodLimits) {
    this.limits = limits;
  }

  /** Seconds to wait before this send may go, or 0 when it may go now (its token is taken then). */
  take(botId: number, chatId: unknown, now: number = performance.now() / 1000): number {
    const { perSecond, perChatPerSecond } = this.limits;
    const overall = perSecond === undefined ? 0 : this.#wait(`${botId}`, perSecond, now);
    const chat = perChatPerSecond === undefined
      ? 0
      : this.#wait(`${botId}|${String(chatId)}`, perChatPerSecond, now);
    const wait = Math.max(overall, chat);
    if (wait > 0) return wait;
    if (perSecond !== undefined) this.#bucket(`${botId}`, perSecond, now).tokens -= 1;
    if (perChatPerSecond !== undefined) {
      this.#bucket(`${botId}|${String(chatId)}`, perChatPerSecond, now).tokens -= 1;
    }
    return 0;
  }

  /** Wraps a send handler so it answers 429 while the bot is over its limits. */
  guard(handler: Handler): Handler {
    return (ctx) => {
      const wait = this.take(ctx.bot.user.id, ctx.params.chat_id);
      if (wait > 0) {
        throw new ApiFailure(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
      }
      return handler(ctx);
    };
  }

  #bucket(key: string, rate: number, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: rate, last: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(rate, bucket.tokens + (now - bucket.last) * rate);
    bucket.last = now;
    return bucket;
  }

  #wait(key: string, rate: number, now: number): number {
    const bucket = this.#bucket(key, rate, now);
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / rate);
  }
}
