import { BadInput } from "../exception/bad_input.ts";
import { RequestTimeout } from "../exception/request_timeout.ts";
import { TooManyRequestsError } from "../exception/telegram_error_subclasses.ts";
import { ThrottleQueueFull } from "../exception/throttle_queue_full.ts";
import { MESSAGE_SENDER_METHODS } from "./classification.gen.ts";
import { canResend } from "./encoded_bodies.ts";
import { refuseUnknownOptions } from "./option_names.ts";
import { RateGate } from "./rate_gate.ts";
import { floodGivenUp, sleep } from "./retry.ts";
import { checkSeconds } from "./seconds.ts";
import { EPSILON, now, TokenBucket } from "./token_bucket.ts";
import type { ApiCall, ApiTransformer, CallNext } from "./transformers.ts";

/** Message rates a bot may send at (Telegram's flood limits). */
export interface ThrottleLimits {
  /** Messages per second, all chats together. Telegram: about 30. */
  readonly perSecond?: number;
  /** Messages per second into one chat (a burst of this many, then this rate). Telegram: about 1. */
  readonly perChatPerSecond?: number;
  /** Messages per minute into one group, supergroup or channel. Telegram: 20. */
  readonly perGroupPerMinute?: number;
  /**
   * Messages per second, all chats together, for calls with `allow_paid_broadcast: true` (paid in
   * Telegram Stars, counted apart from the free rate). Telegram: up to 1000.
   */
  readonly paidPerSecond?: number;
}

/** Telegram's published flood limits, the throttler's defaults. */
export const TELEGRAM_LIMITS: Required<ThrottleLimits> = {
  perSecond: 30,
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  paidPerSecond: 1000,
};

/** Settings of {@link throttle}: limits (default {@link TELEGRAM_LIMITS}) and how the queue behaves. */
export interface ThrottleOptions extends ThrottleLimits {
  /** Most calls waiting (not yet sent) at once; one more is refused with `ThrottleQueueFull`. Default 10,000. */
  readonly maxQueued?: number;
  /**
   * Seconds by which a request may reach Telegram late relative to one sent after it; the overall burst
   * is shrunk by what the overall rate sends in that time, so uneven network delays never add up to a
   * burst the server refuses. Default 0.1.
   */
  readonly jitter?: number;
  /**
   * Whether the overall burst is there at once. Default false: the overall rate builds up from zero,
   * because a process started right after another one sent at full rate (a restart mid-broadcast) would
   * otherwise run over the limit; it costs a second's burst. Set it when the bot has been quiet before.
   * (A chat's or group's own burst is always there at once.)
   */
  readonly burstAtStart?: boolean;
  /** How many 429 answers one call may get before it fails with the `TooManyRequestsError`. Default 3. */
  readonly maxRetries?: number;
  /**
   * A 429 asking for a longer wait than this many seconds fails the call at once (its chat still waits
   * the whole `retry_after`). It also bounds the pause of every chat after 429s from two chats at once:
   * the other chats wait at most this long, however long the `retry_after`. Default 60.
   */
  readonly maxRetryAfter?: number;
  /**
   * Whether a chat id is a group, supergroup or channel (the per-minute limit applies). Default: negative
   * ids and `@username`s, as Telegram numbers chats.
   */
  readonly isGroup?: (chatId: number | string) => boolean;
}

/** What a throttler is doing now. */
export interface ThrottleStats {
  /** Calls waiting for their turn. */
  readonly queued: number;
  /** Calls sent and not answered yet. */
  readonly inFlight: number;
  /** Calls sent (each repeat after a 429 counted again). */
  readonly sent: number;
  /** 429 answers received despite the throttling. */
  readonly tooManyRequests: number;
}

/** A throttling transformer: install it with `api.transformers.use(...)`; `stats` shows its queue. */
export interface ThrottleTransformer extends ApiTransformer {
  /** The throttler's counters now. */
  readonly stats: ThrottleStats;
}

/** A call waiting in its chat's line. */
interface Pending {
  /** The line it is in: a `@username`'s line hands its calls over once the chat's id is known. */
  lane: Lane;
  readonly call: ApiCall;
  readonly next: CallNext;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  /**
   * Aborted by the caller's signal or the call's timeout while it waits: ends the waits. Replaced by a
   * fresh one when a merge of lines ends its wait for its turn (`wake`).
   */
  stop: AbortController;
  readonly enqueued: number;
  /** Its place among all calls, by the time they were made: lines that merge keep this order. */
  readonly order: number;
  state: "queued" | "flight" | "done";
  retries: number;
  timer?: ReturnType<typeof setTimeout>;
  onAbort?: () => void;
}

/** One chat: its calls in order, at most one of them in flight. */
interface Lane {
  /** The chat id as a string, or a lowercased `@username` whose chat's id is not known yet. */
  key: string;
  readonly queue: Pending[];
  readonly chat: TokenBucket;
  readonly group: TokenBucket | undefined;
  pausedUntil: number;
  running: boolean;
  /** Set on a `@username`'s line found to be this chat's: its driver hands its calls over and stops. */
  into?: Lane;
  /** The call at the head of the line while it waits for its turn (see `wake`). */
  waiting?: Pending;
}

const FLOOD_COUNTED: ReadonlySet<string> = new Set(MESSAGE_SENDER_METHODS);

/** Most `@username`s whose chat id is remembered (the oldest learned is forgotten first). */
const MAX_ALIASES = 10_000;

/**
 * Ends the wait of the call at the head of `lane` for its turn, without its taking a token: the signal
 * it waits on is aborted, and the call carries a fresh one from here on (nothing is allocated for this
 * on the way of every call, only when lines merge).
 */
function wake(lane: Lane): void {
  const item = lane.waiting;
  if (item === undefined) return;
  const waking = item.stop;
  item.stop = new AbortController();
  waking.abort();
}

/** The chat a send's answer (a Message, or several for an album) went to, if it says. */
function sentTo(result: unknown): { id: number; username?: string } | undefined {
  const message = Array.isArray(result) ? result[0] : result;
  if (message === null || typeof message !== "object") return undefined;
  const chat = (message as { chat?: unknown }).chat;
  if (chat === null || typeof chat !== "object") return undefined;
  const { id, username, type } = chat as { id?: unknown; username?: unknown; type?: unknown };
  if (typeof id !== "number" || !Number.isSafeInteger(id)) return undefined;
  // Only a group's or channel's username can stand for it as a chat_id.
  const named = typeof username === "string" && username !== "" && type !== "private";
  return named ? { id, username } : { id };
}

function isGroupChat(chatId: number | string): boolean {
  if (typeof chatId === "string" && chatId.startsWith("@")) return true;
  return Number(chatId) < 0;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new BadInput(`throttle.${name}`, "a positive number");
  }
  return value;
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new BadInput(`throttle.${name}`, "a non-negative integer");
  return value;
}

/** Keeps outgoing messages within flood limits; see {@link throttle}. */
class Throttler {
  readonly #perChat: number;
  readonly #perGroup: number;
  readonly #free: RateGate;
  readonly #paid: RateGate;
  readonly #maxQueued: number;
  readonly #maxRetries: number;
  readonly #maxRetryAfter: number;
  readonly #isGroup: (chatId: number | string) => boolean;
  readonly #lanes = new Map<string, Lane>();
  /** Lowercased `@username` → the key of its chat's id, learned from the answers to sends by name. */
  readonly #aliases = new Map<string, string>();
  #queued = 0;
  #inFlight = 0;
  #sent = 0;
  #tooMany = 0;
  #calls = 0;
  #last429: { key: string; at: number } | undefined;

  constructor(options: ThrottleOptions) {
    const perSecond = positive(options.perSecond, TELEGRAM_LIMITS.perSecond, "perSecond");
    const paid = positive(options.paidPerSecond, TELEGRAM_LIMITS.paidPerSecond, "paidPerSecond");
    this.#perChat = positive(options.perChatPerSecond, TELEGRAM_LIMITS.perChatPerSecond, "perChatPerSecond");
    this.#perGroup = positive(
      options.perGroupPerMinute,
      TELEGRAM_LIMITS.perGroupPerMinute,
      "perGroupPerMinute",
    );
    const jitter = checkSeconds(options.jitter, "throttle.jitter", true) ?? 0.1;
    const burst = (rate: number) => Math.max(1, Math.floor(rate - Math.ceil(rate * jitter)));
    if (options.burstAtStart !== undefined && typeof options.burstAtStart !== "boolean") {
      throw new BadInput("throttle.burstAtStart", "a boolean");
    }
    const full = options.burstAtStart === true;
    this.#free = new RateGate(perSecond, burst(perSecond), full);
    this.#paid = new RateGate(paid, burst(paid), full);
    this.#maxQueued = count(options.maxQueued, 10_000, "maxQueued");
    this.#maxRetries = count(options.maxRetries, 3, "maxRetries");
    this.#maxRetryAfter = checkSeconds(options.maxRetryAfter, "throttle.maxRetryAfter") ?? 60;
    if (options.isGroup !== undefined && typeof options.isGroup !== "function") {
      throw new BadInput("throttle.isGroup", "a function (chatId) => boolean");
    }
    this.#isGroup = options.isGroup ?? isGroupChat;
  }

  get stats(): ThrottleStats {
    return {
      queued: this.#queued,
      inFlight: this.#inFlight,
      sent: this.#sent,
      tooManyRequests: this.#tooMany,
    };
  }

  async run(call: ApiCall, next: CallNext): Promise<unknown> {
    const chatId = call.params.chat_id;
    // Not even a pause of every chat holds these up: Telegram's message limits do not count them, and
    // polling, callback answers and reads must go on while the bot's messages wait.
    if (!FLOOD_COUNTED.has(call.method) || (typeof chatId !== "number" && typeof chatId !== "string")) {
      return await next(call);
    }
    if (this.#queued >= this.#maxQueued) throw new ThrottleQueueFull(call.method, this.#maxQueued);
    const signal = call.options.signal;
    if (signal?.aborted) throw signal.reason;
    const lane = this.#lane(chatId);
    return await new Promise((resolve, reject) => {
      const item: Pending = {
        lane,
        call,
        next,
        resolve,
        reject,
        stop: new AbortController(),
        enqueued: now(),
        order: this.#calls++,
        state: "queued",
        retries: 0,
      };
      const timeout = call.options.timeout;
      if (timeout !== undefined) {
        item.timer = setTimeout(
          () => this.#drop(item, new RequestTimeout(call.method, timeout)),
          timeout * 1000,
        );
      }
      if (signal !== undefined) {
        item.onAbort = () => this.#drop(item, signal.reason);
        signal.addEventListener("abort", item.onAbort, { once: true });
      }
      lane.queue.push(item);
      this.#queued++;
      if (!lane.running) void this.#drive(lane);
    });
  }

  #lane(chatId: number | string): Lane {
    // Telegram's usernames ignore case, so "@News" and "@news" share a line (and, once known, the id's).
    const named = typeof chatId === "string" && chatId.startsWith("@") ? chatId.toLowerCase() : undefined;
    // A name's line still handing its calls over to the id's takes the name's calls until it has: they
    // join the id's line with it, in the order they were made, not ahead of the calls waiting in it.
    const handing = named === undefined ? undefined : this.#lanes.get(named);
    if (handing?.into !== undefined) return handing;
    const key = named === undefined ? String(chatId) : this.#aliases.get(named) ?? named;
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      const group = this.#isGroup(chatId);
      lane = {
        key,
        queue: [],
        chat: new TokenBucket(this.#perChat, Math.max(1, Math.floor(this.#perChat))),
        group: group
          ? new TokenBucket(this.#perGroup / 60, Math.max(1, Math.floor(this.#perGroup)))
          : undefined,
        pausedUntil: 0,
        running: false,
      };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Ends a waiting call with `reason` (its abort or timeout); a call already sent is left to its request. */
  #drop(item: Pending, reason: unknown): void {
    if (item.state !== "queued") return;
    const queue = item.lane.queue;
    const at = queue.indexOf(item);
    if (at >= 0) {
      queue.splice(at, 1);
      this.#queued--;
    }
    item.stop.abort(reason);
    this.#finish(item);
    item.reject(reason);
  }

  #finish(item: Pending): void {
    item.state = "done";
    clearTimeout(item.timer);
    if (item.onAbort) item.call.options.signal?.removeEventListener("abort", item.onAbort);
  }

  async #drive(lane: Lane): Promise<void> {
    lane.running = true;
    while (lane.queue.length > 0 && lane.into === undefined) {
      const item = lane.queue[0];
      try {
        await this.#turn(lane, item);
      } catch {
        // Dropped while waiting (#drop took it out of the line and rejected it), or woken because the
        // line merged with another: the loop looks at the line again.
        continue;
      }
      if (item.state !== "queued") continue;
      // The line merged just as its turn came (the wake came too late to stop the token being taken):
      // the call goes in its place in the merged line rather than out of order.
      if (lane.into !== undefined) break;
      if (lane.queue[0] !== item) continue;
      lane.queue.shift();
      this.#queued--;
      await this.#send(lane, item);
    }
    lane.running = false;
    if (lane.into === undefined) this.#forget(lane);
    else this.#handOver(lane, lane.into);
  }

  /** Waits until the chat's limits and then the overall one let `item` go; rejects when it is dropped. */
  async #turn(lane: Lane, item: Pending): Promise<void> {
    lane.waiting = item;
    const signal = item.stop.signal;
    try {
      for (;;) {
        const at = now();
        const wait = Math.max(lane.pausedUntil - at, lane.chat.wait(at), lane.group?.wait(at) ?? 0);
        if (wait <= 0) break;
        await sleep(wait + EPSILON, signal);
      }
      // Urgency: how long this chat's line takes at the chat's own limit, so that the chats that would
      // otherwise finish last go first among those ready.
      const rate = Math.min(this.#perChat, lane.group ? this.#perGroup / 60 : Infinity);
      const gate = item.call.params.allow_paid_broadcast === true ? this.#paid : this.#free;
      await gate.acquire(signal, lane.queue.length / rate);
    } finally {
      if (lane.waiting === item) lane.waiting = undefined;
    }
  }

  async #send(lane: Lane, item: Pending): Promise<void> {
    item.state = "flight";
    lane.chat.take();
    lane.group?.take();
    const { call } = item;
    const options = call.options.timeout === undefined
      ? call.options
      : { ...call.options, timeout: Math.max(0.001, call.options.timeout - (now() - item.enqueued)) };
    this.#inFlight++;
    this.#sent++;
    try {
      const result = await item.next({ ...call, options });
      this.#learn(lane, result);
      this.#finish(item);
      item.resolve(result);
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        if (this.#honour(lane, item, error)) return;
        floodGivenUp(error);
      }
      this.#finish(item);
      item.reject(error);
    } finally {
      this.#inFlight--;
      lane.chat.hold();
      lane.group?.hold();
    }
  }

  /**
   * Pauses the chat for `retry_after` (and, when 429s come from two chats at once, every chat for up to
   * `maxRetryAfter`), and puts the call back at the head of its line if it may be repeated.
   */
  #honour(lane: Lane, item: Pending, error: TooManyRequestsError): boolean {
    this.#tooMany++;
    const wait = error.retryAfter ?? 1;
    const at = now();
    lane.pausedUntil = Math.max(lane.pausedUntil, at + wait);
    // That the whole bot is over its limit is only inferred from two chats, so the others are held no
    // longer than a call may wait at all: a retry_after of an hour must not silence the bot for an hour.
    const overall = Math.min(wait, this.#maxRetryAfter);
    const last = this.#last429;
    if (last !== undefined && last.key !== lane.key && at - last.at < overall) {
      this.#free.pause(overall);
      this.#paid.pause(overall);
    }
    this.#last429 = { key: lane.key, at };
    item.retries++;
    const timeout = item.call.options.timeout;
    const outOfTime = timeout !== undefined && at + wait - item.enqueued >= timeout;
    if (
      item.retries > this.#maxRetries || wait > this.#maxRetryAfter || outOfTime || item.stop.signal.aborted
      || !canResend(item.call.params)
    ) {
      return false;
    }
    item.state = "queued";
    lane.queue.unshift(item);
    this.#queued++;
    return true;
  }

  /**
   * Remembers which chat id a `@username` stands for, from a send's answer: the name it was addressed
   * by, or the username of the group or channel it went to.
   */
  #learn(lane: Lane, result: unknown): void {
    const chat = sentTo(result);
    if (chat === undefined) return;
    const key = String(chat.id);
    if (lane.key.startsWith("@")) this.#alias(lane.key, key);
    if (chat.username !== undefined) this.#alias(`@${chat.username.toLowerCase()}`, key);
  }

  /**
   * Makes `name` stand for the chat `key` from now on, and its line, if it has one, that chat's line:
   * one chat addressed both ways is then not sent to at twice its limit.
   */
  #alias(name: string, key: string): void {
    if (this.#aliases.get(name) !== key) {
      this.#aliases.delete(name);
      this.#aliases.set(name, key);
      if (this.#aliases.size > MAX_ALIASES) this.#aliases.delete(this.#aliases.keys().next().value!);
    }
    const named = this.#lanes.get(name);
    // Not a name's own line, or one already being handed over.
    if (named === undefined || named.key !== name || named.into !== undefined) return;
    const target = this.#lanes.get(key);
    if (target === undefined) {
      this.#lanes.delete(name);
      named.key = key;
      this.#lanes.set(key, named);
      return;
    }
    // The messages already sent by name (one may be in flight) count against the chat's limits too.
    target.chat.charge(named.chat.used());
    if (target.group !== undefined && named.group !== undefined) target.group.charge(named.group.used());
    named.into = target;
    // A call waiting for its turn stops waiting before it takes a token that its new line would not
    // use; a call in flight is let finish (its answer, or a 429 putting it back at the head, comes
    // first), and the driver hands the line over when it stops.
    wake(named);
    if (!named.running) this.#handOver(named, target);
  }

  /**
   * Merges a name's line into the line of the same chat by id, each call in its place by the time it
   * was made, so that neither line's waiting calls go behind calls made after them.
   */
  #handOver(from: Lane, to: Lane): void {
    if (this.#lanes.get(from.key) === from) this.#lanes.delete(from.key);
    to.pausedUntil = Math.max(to.pausedUntil, from.pausedUntil);
    const head = to.queue[0];
    const mine = to.queue.splice(0);
    const theirs = from.queue.splice(0);
    let i = 0;
    let j = 0;
    while (i < mine.length || j < theirs.length) {
      if (j === theirs.length || (i < mine.length && mine[i].order < theirs[j].order)) {
        to.queue.push(mine[i++]);
      } else {
        const item = theirs[j++];
        item.lane = to;
        to.queue.push(item);
      }
    }
    // A call now ahead of the one waiting for its turn goes first: that wait ends without a token.
    if (to.queue[0] !== head) wake(to);
    if (!to.running && to.queue.length > 0) void this.#drive(to);
  }

  /** Forgets a quiet chat once its limits hold nothing more to remember. */
  #forget(lane: Lane): void {
    const at = now();
    if (lane.queue.length === 0 && isQuiet(lane, at)) {
      // A line merged into its id's is no longer the one under its key.
      if (this.#lanes.get(lane.key) === lane) this.#lanes.delete(lane.key);
    } else if (this.#lanes.size > 1_000) {
      for (const other of this.#lanes.values()) {
        if (!other.running && other.queue.length === 0 && isQuiet(other, at)) this.#lanes.delete(other.key);
      }
    }
  }
}

// A chat whose buckets are full again and that no 429 holds: forgetting it loses nothing.
function isQuiet(lane: Lane, at: number): boolean {
  return lane.chat.full() && (lane.group?.full() ?? true) && lane.pausedUntil <= at;
}

const THROTTLES = new WeakSet<ApiTransformer>();

// Every option's name; the mapped type makes the table fail the type check when an option is added
// without it.
const THROTTLE_OPTIONS: { readonly [K in keyof Required<ThrottleOptions>]: true } = {
  perSecond: true,
  perChatPerSecond: true,
  perGroupPerMinute: true,
  paidPerSecond: true,
  maxQueued: true,
  jitter: true,
  burstAtStart: true,
  maxRetries: true,
  maxRetryAfter: true,
  isGroup: true,
};

/**
 * A transformer that keeps a bot's messages within Telegram's flood limits instead of running into 429s:
 * every call of a method that posts a message (`MESSAGE_SENDER_METHODS`) waits in its chat's line until
 * the chat's limit (about one a second; 20 a minute in groups) and the overall one (about 30 a second;
 * `paidPerSecond` for `allow_paid_broadcast` calls) let it go. A chat's calls go out one at a time and in
 * order; chats that are ready take turns, a turn going first to the chat whose line is longest at its
 * own limit plus the time it has waited (so a long line into a group is not left to trickle out alone
 * at the end, and nobody waits forever). A 429 that happens anyway pauses that chat (and, when two
 * chats get one at once, every chat's messages for at most `maxRetryAfter`) and repeats the call. A
 * chat addressed as `@username` shares its id's line once a send's answer has told the id, the calls
 * waiting by name joining it in the order they were made. A call's `signal` and `timeout` count while
 * it waits; when `maxQueued` calls wait, the next is refused with `ThrottleQueueFull`. Other methods
 * pass through, even while every chat is paused.
 *
 * @param options limits (default {@link TELEGRAM_LIMITS}) and queue settings.
 * @throws {BadInput} on a malformed option.
 *
 * @example
 * ```ts
 * import { Bot, throttle } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * const throttler = throttle({ maxQueued: 50_000 });
 * bot.transformers.use(throttler);
 * // throttler.stats.queued: calls waiting for their turn
 * ```
 */
export function throttle(options: ThrottleOptions = {}): ThrottleTransformer {
  if (options === null || typeof options !== "object") throw new BadInput("throttle options", "an object");
  refuseUnknownOptions(options, THROTTLE_OPTIONS, "throttle.", "throttle");
  const throttler = new Throttler(options);
  const transformer: ApiTransformer = (call, next) => throttler.run(call, next);
  Object.defineProperty(transformer, "stats", { get: () => throttler.stats });
  THROTTLES.add(transformer);
  return transformer as ThrottleTransformer;
}

/** Whether a transformer is one {@link throttle} made (so that a broadcast does not throttle twice). */
export function isThrottle(transformer: ApiTransformer): transformer is ThrottleTransformer {
  return THROTTLES.has(transformer);
}
