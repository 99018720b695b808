/**
 * One bench scenario as the API server keeps it: N updates over M chats, and the record of the replies
 * (which updates were answered, in which order per chat, how many twice or to the wrong chat).
 *
 * Update `i` (1-based, also its `update_id`) belongs to chat `CHAT_BASE + (i % chats)` and carries the
 * text `String(i)`; an echo bot answers with the same text, so a reply names the update it answers.
 *
 * @module
 */

/** What the harness asks the server to set up for one bot token. */
export interface ScenarioSpec {
  /** Updates to serve. */
  readonly updates: number;
  /** Chats they are spread over, round robin. */
  readonly chats: number;
  /** Milliseconds added before answering every Bot API call. */
  readonly latencyMs: number;
  /** Share of `sendMessage` calls answered with a fault (half 500, half 429). */
  readonly faultRate: number;
  /** `retry_after` of an injected 429, in seconds. */
  readonly retryAfter: number;
}

/** The record of a bot's replies, which a run's result carries over as it is. */
export interface ReplyCounts {
  /** Distinct updates answered. */
  readonly answered: number;
  /** Replies to an update already answered. */
  readonly duplicates: number;
  /** Replies that came before a reply to an earlier update of the same chat. */
  readonly outOfOrder: number;
  /** Replies to an unknown update or to the wrong chat. */
  readonly wrong: number;
  /** Injected `sendMessage` faults. */
  readonly faults: number;
  /**
   * Milliseconds of `retry_after` the unluckiest chat was told to wait, all its 429s added up: a bot
   * that keeps each chat's replies in order and honours `retry_after` cannot finish sooner.
   */
  readonly floodWaitMs: number;
  /** `getUpdates` calls that returned updates. */
  readonly polls: number;
  /** Updates those calls returned in all (re-fetches included). */
  readonly polled: number;
}

/** The counts the harness reads back. */
export interface ScenarioStatus extends ReplyCounts {
  /** The bot has polled `getUpdates` or set a webhook: it is ready to receive. */
  readonly ready: boolean;
  /** The harness released the updates. */
  readonly started: boolean;
  /** Milliseconds from the release to the last first-time answer (or to now, while unfinished). */
  readonly elapsedMs: number;
  /** Every update was answered. */
  readonly done: boolean;
}

/** Chat ids start here, so they look like real private chats. */
export const CHAT_BASE = 100_000;

/** The chat of update `i`. */
export function chatOf(i: number, chats: number): number {
  return CHAT_BASE + (i % chats);
}

/** The updates of a scenario as JSON text, index 0 holding `update_id` 1. */
export function updateTexts(spec: ScenarioSpec): string[] {
  const texts = new Array<string>(spec.updates);
  for (let i = 1; i <= spec.updates; i++) {
    const chat = chatOf(i, spec.chats);
    texts[i - 1] = `{"update_id":${i},"message":{"message_id":${i},"date":1700000000,`
      + `"from":{"id":${chat},"is_bot":false,"first_name":"U"},`
      + `"chat":{"id":${chat},"type":"private","first_name":"U"},"text":"${i}"}}`;
  }
  return texts;
}

/** The replies recorded for one scenario. */
export class ReplyLedger {
  readonly #spec: ScenarioSpec;
  readonly #answered: Uint8Array;
  readonly #lastPerChat: Int32Array;
  #count = 0;
  /** Replies to an update already answered. */
  duplicates = 0;
  /** Replies that came before a reply to an earlier update of the same chat. */
  outOfOrder = 0;
  /** Replies to an unknown update or to the wrong chat. */
  wrong = 0;
  /** `performance.now()` of the last first-time answer. */
  lastAnswerAt = 0;

  /** Creates an empty ledger for `spec`. */
  constructor(spec: ScenarioSpec) {
    this.#spec = spec;
    this.#answered = new Uint8Array(spec.updates + 1);
    this.#lastPerChat = new Int32Array(spec.chats);
  }

  /** Distinct updates answered. */
  get answered(): number {
    return this.#count;
  }

  /** Every update was answered. */
  get complete(): boolean {
    return this.#count === this.#spec.updates;
  }

  /** Records a reply with `text` to `chatId`. */
  record(chatId: number, text: string): void {
    const i = Number(text);
    if (!Number.isInteger(i) || i < 1 || i > this.#spec.updates || chatOf(i, this.#spec.chats) !== chatId) {
      this.wrong++;
      return;
    }
    const slot = i % this.#spec.chats;
    if (this.#lastPerChat[slot] > i) this.outOfOrder++;
    else this.#lastPerChat[slot] = i;
    if (this.#answered[i] === 1) {
      this.duplicates++;
      return;
    }
    this.#answered[i] = 1;
    this.#count++;
    this.lastAnswerAt = performance.now();
  }
}
