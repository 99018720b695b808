import type { Handler } from "./context.ts";
import { ApiFailure } from "./failure.ts";

/** Flood control limits; a limit left out is not enforced. */
export interface FloodLimits {
  /** Messages one bot may send per second, all chats together (Telegram: about 30). */
  readonly perSecond?: number;
  /** Messages one bot may send per second into one chat (Telegram: about 1). */
  readonly perChatPerSecond?: number;
  /** Messages one bot may send per minute into one group or supergroup (Telegram: 20). */
  readonly perGroupPerMinute?: number;
  /**
   * Messages one bot may send per second, all chats together, with `allow_paid_broadcast: true` (Telegram:
   * up to 1000, paid in Stars). Such sends are counted here instead of against `perSecond`; the per-chat
   * and per-group limits still apply to them.
   */
  readonly paidPerSecond?: number;
}

/**
 * The limits Telegram documents: about 30 messages per second overall, about one per second in a chat, 20
 * per minute in a group, and up to 1000 per second overall for paid broadcasts (`allow_paid_broadcast`).
 * `BotApiEmulator.start({ flood: true })` uses them.
 */
export const TELEGRAM_FLOOD_LIMITS: FloodLimits = {
  perSecond: 30,
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  paidPerSecond: 1000,
};

interface Bucket {
  tokens: number;
  last: number;
}

interface Rule {
  readonly key: string;
  /** Tokens back per second. */
  readonly rate: number;
  /** Bucket size: how many sends may go in a burst. */
  readonly size: number;
}

/**
 * Token buckets per bot, per bot+chat and per bot+group: each send takes a token from every bucket that
 * applies, tokens come back at the limit's rate, and an empty bucket answers 429 with the whole seconds
 * until a token is back, as Telegram's flood control (`Too Many Requests: retry after N`, Query.cpp
 * set_retry_after_error). A paid broadcast send (`allow_paid_broadcast: true`) takes its overall token
 * from a bucket of its own, at `paidPerSecond`, so paid and free sends do not hold each other up (as the
 * client's `throttle()` counts them); how Telegram shares the overall budget between them is not
 * documented.
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

  /**
   * Seconds to wait before this send may go, or 0 when it may go now (its tokens are taken then).
   * @param group whether the chat is a group or supergroup (where the per-minute limit applies).
   * @param paid whether the send has `allow_paid_broadcast: true` (counted against `paidPerSecond`
   *   instead of `perSecond`).
   */
  take(
    botId: number,
    chatId: unknown,
    now: number = performance.now() / 1000,
    group = false,
    paid = false,
  ): number {
    const rules = this.#rules(botId, String(chatId), group, paid);
    let wait = 0;
    for (const rule of rules) {
      const bucket = this.#bucket(rule, now);
      if (bucket.tokens < 1) wait = Math.max(wait, Math.ceil((1 - bucket.tokens) / rule.rate));
    }
    if (wait > 0) return wait;
    for (const rule of rules) this.#bucket(rule, now).tokens -= 1;
    return 0;
  }

  /** Wraps a send handler so it answers 429 while the bot is over its limits. */
  guard(handler: Handler): Handler {
    return (ctx) => {
      const state = ctx.world.findChat(ctx.params.chat_id, ctx.bot);
      const type = state?.chat.type;
      const wait = this.take(
        ctx.bot.user.id,
        state?.chat.id ?? ctx.params.chat_id,
        undefined,
        type === "group" || type === "supergroup",
        // The validator has read the parameter by now: a boolean on the methods whose spec lists it, and
        // dropped as unknown (refused in strict mode) on the others, so only those can pay for a broadcast.
        ctx.params.allow_paid_broadcast === true,
      );
      if (wait > 0) {
        throw new ApiFailure(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
      }
      return handler(ctx);
    };
  }

  #rules(botId: number, chatId: string, group: boolean, paid: boolean): Rule[] {
    const { perSecond, perChatPerSecond, perGroupPerMinute, paidPerSecond } = this.limits;
    const rules: Rule[] = [];
    // A paid send is bound by `paidPerSecond` alone overall: the free rate is what paying lifts.
    const overall = paid ? paidPerSecond : perSecond;
    if (overall !== undefined) {
      rules.push({ key: paid ? `${botId}|paid` : `${botId}`, rate: overall, size: overall });
    }
    if (perChatPerSecond !== undefined) {
      rules.push({ key: `${botId}|${chatId}`, rate: perChatPerSecond, size: perChatPerSecond });
    }
    if (group && perGroupPerMinute !== undefined) {
      rules.push({ key: `${botId}|${chatId}|minute`, rate: perGroupPerMinute / 60, size: perGroupPerMinute });
    }
    return rules;
  }

  #bucket(rule: Rule, now: number): Bucket {
    let bucket = this.#buckets.get(rule.key);
    if (bucket === undefined) {
      bucket = { tokens: rule.size, last: now };
      this.#buckets.set(rule.key, bucket);
    }
    bucket.tokens = Math.min(rule.size, bucket.tokens + (now - bucket.last) * rule.rate);
    bucket.last = now;
    return bucket;
  }
}
