import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { BadInput } from "../exception/bad_input.ts";
import { NetworkError } from "../exception/network_error.ts";
import { RequestTimeout } from "../exception/request_timeout.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import {
  BotWasBlockedError,
  BotWasKickedError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../exception/telegram_error_subclasses.ts";
import type { BroadcastRecord, BroadcastStore } from "./broadcast_store.ts";
import type { CallOptions } from "./call_options.ts";
import type { MessageSenderMethod } from "./classification.gen.ts";
import { refuseUnknownOptions } from "./option_names.ts";
import { isPlainObject } from "./plain_object.ts";
import { isThrottle, throttle, type ThrottleOptions } from "./throttle.ts";
import { now } from "./token_bucket.ts";
import type { ApiCall, ApiTransformer } from "./transformers.ts";

/** A message to broadcast: a text (sent with `sendMessage`), or a method and its parameters but `chat_id`. */
export type BroadcastMessage = string | {
  /** The method that posts it. Default `"sendMessage"`. */
  readonly method?: MessageSenderMethod;
  /** Its parameters; `chat_id` is filled in per chat. */
  readonly params?: Readonly<Record<string, unknown>>;
};

/**
 * Why a chat did not get the message. `blocked`, `deactivated`, `kicked` and `chat not found` are about
 * the chat, and final: a run with the same store does not try that chat again. `flood` (a 429 that was
 * not waited out: the throttle or the retry gave up) and `error` (any other refusal, such as a 400 about
 * the message itself: entities that do not parse, a text too long) are not: a run with the same store
 * sends to that chat again, so that a corrected message reaches it.
 */
export type BroadcastFailureReason =
  | "blocked"
  | "deactivated"
  | "kicked"
  | "chat not found"
  | "flood"
  | "error";

/** A chat the broadcast could not reach. */
export interface BroadcastFailure {
  /** The chat id as given. */
  readonly chat: number | string;
  /** `blocked` (the user blocked the bot), `deactivated` (deleted account), `kicked`, `chat not found`, `flood`, `error`. */
  readonly reason: BroadcastFailureReason;
  /** Telegram's description, or the error's message. */
  readonly description: string;
}

/** How far a broadcast is. */
export interface BroadcastProgress {
  /** Chats to reach, this run and earlier ones together. */
  readonly total: number;
  /** Chats handled (sent, failed, or done by an earlier run). */
  readonly done: number;
  /** Chats that got the message. */
  readonly sent: number;
  /** Chats that could not get it. */
  readonly failed: number;
  /** Messages per second handled in this run. */
  readonly rate: number;
  /** Seconds until the end at this rate (`undefined` before the first chat is done). */
  readonly eta: number | undefined;
}

/** What a finished broadcast did. */
export interface BroadcastResult {
  /** Chats that got the message (this run and earlier ones). */
  readonly sent: number;
  /** Chats that could not get it, with the reason (this run and earlier ones). */
  readonly failed: readonly BroadcastFailure[];
  /**
   * Chats that may or may not have got it: an earlier run stopped between sending and recording (they
   * were not sent again, unless `resendUncertain` was set), or this run's call failed without saying
   * whether Telegram acted on it (a 5xx answer, a network error, a timeout; no run sends them again
   * unless `resendUncertain` is set).
   */
  readonly uncertain: readonly (number | string)[];
  /** Chats skipped because an earlier run had handled them. */
  readonly resumed: number;
  /** Seconds this run took. */
  readonly seconds: number;
}

/** Settings of {@link broadcast}. */
export interface BroadcastOptions {
  /** Where progress is kept; a run with the same store resumes after the chats done. */
  readonly store?: BroadcastStore;
  /** Called about every `progressEvery` seconds and once at the end. */
  readonly onProgress?: (progress: BroadcastProgress) => void;
  /** Seconds between progress reports. Default 1. */
  readonly progressEvery?: number;
  /** Stops the broadcast: no new chat is started, and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Calls handed to the throttler at once. Default 100. */
  readonly concurrency?: number;
  /** Send again to chats an interrupted run may have reached. Default false: nobody gets a message twice. */
  readonly resendUncertain?: boolean;
  /**
   * Limits for the broadcast's own throttler, used when the client has no `throttle()` transformer
   * installed (one that is installed throttles the broadcast with the bot's other messages).
   */
  readonly throttle?: ThrottleOptions;
}

/** The part of a client a broadcast uses. */
export interface BroadcastClient {
  /** Calls a method. */
  call(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
  /** Its transformers: a throttle among them is used. */
  readonly transformers: { readonly list: readonly ApiTransformer[] };
}

/** Reasons that say the chat cannot get any message: a later run with the same store skips the chat. */
const FINAL_REASONS: ReadonlySet<string> = new Set(["blocked", "deactivated", "kicked", "chat not found"]);

/**
 * How many chats in a row, from the start of a run (chats an earlier run tried not counted), may refuse
 * the message with the same kind of 400 about the message before the broadcast concludes that the
 * message itself is bad and ends.
 */
const BAD_MESSAGE_CHATS = 5;

function reasonOf(error: unknown): BroadcastFailureReason {
  if (error instanceof TooManyRequestsError) return "flood";
  if (error instanceof BotWasBlockedError) return "blocked";
  if (error instanceof BotWasKickedError) return "kicked";
  const description = error instanceof TelegramError ? error.description : "";
  if (/deactivated/i.test(description)) return "deactivated";
  if (/chat not found/i.test(description)) return "chat not found";
  return "error";
}

/**
 * Bad Request descriptions (without the "Bad Request: " prefix) that are about the call itself: its
 * text, entities, caption, keyboard, file or parameters. Every chat would refuse such a call. Any other
 * 400 (a closed topic, a private channel, missing rights, one this list does not know) may be about the
 * chat alone, so it never ends a broadcast: ending on it would stop every run at the same chats.
 */
const ABOUT_THE_MESSAGE: readonly RegExp[] = [
  // Entities, reply markup, inline keyboard buttons, media arrays that do not parse.
  /^can't parse /i,
  /^unsupported parse_mode/i,
  /^(message|message caption|text) is too long/i,
  /^(MESSAGE_TOO_LONG|MEDIA_CAPTION_TOO_LONG|ENTITIES_TOO_LONG|ENTITY_BOUNDS_INVALID)$/,
  /^(message text is empty|text must be non-empty)/i,
  /^reply markup is too long/i,
  /^BUTTON_(DATA|URL|TYPE)_INVALID$/,
  /^inline keyboard button /i,
  // A file the call names or links to that Telegram cannot use.
  /^wrong file identifier\/HTTP URL specified/i,
  /^wrong remote file identifier specified/i,
  /^(wrong file_id|invalid file_id)/i,
  /^wrong type of the web page content/i,
  /^failed to get HTTP URL content/i,
  /^(PHOTO_INVALID_DIMENSIONS|IMAGE_PROCESS_FAILED|WEBPAGE_CURL_FAILED|WEBPAGE_MEDIA_EMPTY)$/,
  /^there is no \w+ in the request/i,
  // Parameters missing or of the wrong kind.
  /^parameter "[^"]+" is required/i,
  /^wrong type of the parameter /i,
  /^unknown parameter /i,
  /^(poll must have at least|poll can't have more than)/i,
  /^invalid dice emoji specified/i,
  /^wrong latitude or longitude specified/i,
  /^too many messages to send as an album/i,
];

/**
 * The kind of 400 any chat would answer the call with (see ABOUT_THE_MESSAGE), or undefined for any
 * other failure. The kind is the description up to its details ("can't parse entities" of "can't parse
 * entities: Unsupported start tag at byte offset 12"): the details change with each chat's text when the
 * message is a function of the chat, the fault in it does not.
 */
function messageRefusal(error: unknown): string | undefined {
  if (!(error instanceof TelegramError) || error.errorCode !== 400 || reasonOf(error) !== "error") {
    return undefined;
  }
  const description = error.description.replace(/^Bad Request:\s*/i, "");
  if (!ABOUT_THE_MESSAGE.some((pattern) => pattern.test(description))) return undefined;
  return description.split(": ")[0].toLowerCase();
}

/** What a call still queued when the broadcast ended rejects with: it was never sent. */
class BroadcastEnded extends Error {}

// A failure that leaves open whether Telegram acted on the call: the answer (or its absence) says nothing.
function mayHaveActed(error: unknown): boolean {
  if (error instanceof TelegramError) return error.errorCode >= 500;
  return error instanceof BadHTTPResponse || error instanceof NetworkError || error instanceof RequestTimeout;
}

function describe(error: unknown): string {
  if (error instanceof TelegramError) return error.description;
  return error instanceof Error ? error.message : String(error);
}

function callOf(
  message: BroadcastMessage,
  chat: number | string,
): { method: string; params: Record<string, unknown> } {
  if (typeof message === "string") return { method: "sendMessage", params: { chat_id: chat, text: message } };
  if (
    !isPlainObject(message) || (message.method !== undefined && typeof message.method !== "string")
    || (message.params !== undefined && !isPlainObject(message.params))
  ) {
    throw new BadInput("broadcast message", "a text or { method, params }");
  }
  return { method: message.method ?? "sendMessage", params: { ...message.params, chat_id: chat } };
}

type Check = (value: unknown, name: string) => void;

function isFunction(value: unknown): boolean {
  return typeof value === "function";
}

// One check per option; the mapped type makes it exhaustive, so an option added to BroadcastOptions
// without a check fails the type check. A bad option found only once the chats are being sent to would
// reject after they got the message, and the result saying who did would be lost.
const CHECKS: { readonly [K in keyof Required<BroadcastOptions>]: Check } = {
  store: (value, name) => {
    const store = value as Partial<Record<keyof BroadcastStore, unknown>> | null;
    if (
      store === null || typeof store !== "object" || !isFunction(store.load) || !isFunction(store.record)
      || !isFunction(store.close)
    ) {
      throw new BadInput(name, "a BroadcastStore: an object with load, record and close");
    }
  },
  onProgress: (value, name) => {
    if (!isFunction(value)) throw new BadInput(name, "a function (progress) => void");
  },
  progressEvery: (value, name) => {
    if (typeof value !== "number" || !(value > 0)) throw new BadInput(name, "a positive number of seconds");
  },
  signal: (value, name) => {
    if (!(value instanceof AbortSignal)) throw new BadInput(name, "an AbortSignal");
  },
  concurrency: (value, name) => {
    if (!Number.isInteger(value) || (value as number) < 1) throw new BadInput(name, "a positive integer");
  },
  resendUncertain: (value, name) => {
    if (typeof value !== "boolean") throw new BadInput(name, "true or false");
  },
  // The limits themselves are checked by throttle(), which the broadcast calls before sending.
  throttle: () => {},
};

function checkOptions(options: unknown): BroadcastOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new BadInput("broadcast options", "an object of broadcast options");
  refuseUnknownOptions(options, CHECKS, "broadcast options.", "broadcast");
  for (const [name, check] of Object.entries(CHECKS)) {
    const value = options[name];
    if (value !== undefined) check(value, `broadcast options.${name}`);
  }
  return options as BroadcastOptions;
}

function checkArguments(api: unknown, chats: unknown, message: unknown): void {
  const client = api as Partial<BroadcastClient> | null;
  if (
    client === null || typeof client !== "object" || !isFunction(client.call)
    || !Array.isArray(client.transformers?.list)
  ) {
    throw new BadInput("broadcast api", "an Api or a Bot");
  }
  // A string is iterable too, but its characters are no chat ids.
  if (
    chats === null || typeof chats !== "object" || !isFunction((chats as Iterable<unknown>)[Symbol.iterator])
  ) {
    throw new BadInput("broadcast chats", "an iterable of chat ids (an array, a Set, …)");
  }
  if (!isFunction(message)) callOf(message as BroadcastMessage, 0);
}

/**
 * Sends one message (or one per chat, from a function of the chat id) to many chats at the highest rate
 * Telegram's flood limits allow: through the client's `throttle()` transformer if it has one, else
 * through a throttler of its own. A chat that cannot get it (blocked the bot, deleted account, kicked,
 * not found) is listed in the result and the broadcast goes on. With a `store`, each chat is recorded
 * as its call goes out (past the throttle's queue) and again with the outcome, and a run with the same
 * store after a crash, restart or abort skips the chats done; one that was being sent then is not sent
 * again (it is reported as uncertain). A store that fails ends the broadcast, and so do the first five
 * chats of a run that no earlier run tried all refusing the message with the same kind of 400 about the
 * message itself (entities that do not parse, a text too long, a file or keyboard Telegram cannot use:
 * every chat would refuse it); a 400 that may be about the chat (a closed topic, a private channel, one
 * not known) never ends it. The chats that refused it, and those not reached, are sent to by the next
 * run; calls still waiting in the throttle then are dropped without taking a turn of its overall rate.
 *
 * @param api the client (an `Api` or `Bot`).
 * @param chats the chat ids.
 * @param message the message, or a function of the chat id giving it.
 * @param options store, progress reports, abort signal, concurrency.
 * @returns who got it and who did not.
 * @throws {UnauthorizedError} when the token is refused (every chat would fail).
 * @throws {TelegramError} the 400 about the message that the run's first five chats refused it with.
 * @throws {BadInput} on a malformed message or option.
 *
 * @example
 * ```ts
 * import { Api, broadcast, jsonLinesStore, throttle } from "@telepot/telepot-ts";
 * const api = new Api("123:abc");
 * api.transformers.use(throttle());
 * const news = () =>
 *   broadcast(api, [111, 222, 333], (chat) => `Hello, ${chat}`, {
 *     store: jsonLinesStore("news.jsonl"),
 *     onProgress: (p) => console.log(`${p.done}/${p.total}, ${p.rate.toFixed(1)}/s, ETA ${p.eta} s`),
 *   });
 * ```
 */
export async function broadcast(
  api: BroadcastClient,
  chats: Iterable<number | string>,
  message: BroadcastMessage | ((chat: number | string) => BroadcastMessage | Promise<BroadcastMessage>),
  options?: BroadcastOptions,
): Promise<BroadcastResult> {
  checkArguments(api, chats, message);
  options = checkOptions(options);
  const concurrency = options.concurrency ?? 100;
  const every = options.progressEvery ?? 1;
  const send = sender(api, options.throttle);
  const { store, signal } = options;
  const earlier = store ? await store.load() : new Map<string, BroadcastRecord>();

  const failed: BroadcastFailure[] = [];
  const uncertain: (number | string)[] = [];
  const todo: (number | string)[] = [];
  // Chats an earlier run tried and will try again: their refusals do not end this run (see `outcome`).
  const retried = new Set<number | string>();
  const seen = new Set<string>();
  let sent = 0;
  let resumed = 0;
  for (const chat of chats) {
    const key = String(chat);
    if (seen.has(key)) continue;
    seen.add(key);
    const record = earlier.get(key);
    if (record?.state === "sent") sent++;
    else if (record?.state === "failed" && FINAL_REASONS.has(record.reason ?? "error")) {
      failed.push({
        chat,
        reason: (record.reason ?? "error") as BroadcastFailureReason,
        description: record.description ?? "",
      });
    } else if (record?.state === "sending" && !options.resendUncertain) uncertain.push(chat);
    else {
      todo.push(chat);
      if (record !== undefined) retried.add(chat);
      continue;
    }
    resumed++;
  }

  const started = now();
  let handled = 0;
  let lastReport = started;
  const report = () => {
    const elapsed = now() - started;
    const rate = elapsed > 0 ? handled / elapsed : 0;
    const done = resumed + handled;
    options.onProgress?.({
      total: seen.size,
      done,
      sent,
      failed: failed.length,
      rate,
      eta: rate > 0 ? (seen.size - done) / rate : undefined,
    });
    lastReport = now();
  };

  let fatal: { error: unknown } | undefined;
  // The calls handed to the throttle whose request has not started: aborted when the broadcast ends, so
  // that the throttle drops them at once instead of giving each a turn of the overall rate first.
  const waiting = new Set<AbortController>();
  const end = (error: unknown) => {
    if (fatal !== undefined) return;
    fatal = { error };
    for (const queued of waiting) queued.abort(new BroadcastEnded());
    waiting.clear();
  };
  let at = 0;
  // The run's first outcomes while they are all the same kind of refusal of the message; null once one
  // is not.
  let refusals: { kind: string; count: number } | null | undefined;
  const outcome = (chat: number | string, error: unknown) => {
    if (refusals === null) return;
    // A chat an earlier run tried may have ended that run: were it counted again, the same chats would
    // end every run before any other chat was tried.
    if (error !== undefined && retried.has(chat)) return;
    const kind = messageRefusal(error);
    if (kind === undefined || (refusals !== undefined && refusals.kind !== kind)) {
      refusals = null;
      return;
    }
    refusals = { kind, count: (refusals?.count ?? 0) + 1 };
    // Every chat would refuse it: each further call would only spend a message of the flood limit.
    if (refusals.count >= BAD_MESSAGE_CHATS) end(error);
  };
  // A worker never rejects: what ends the broadcast (the message function or the store failing, an
  // abort, a refused token) is kept in `fatal`, which the others see before their next chat, so that
  // none goes on sending once the broadcast has settled, and the store is closed after the last.
  const worker = async () => {
    try {
      await work();
    } catch (error) {
      end(error);
    }
  };
  const work = async () => {
    while (fatal === undefined && at < todo.length && !signal?.aborted) {
      const chat = todo[at++];
      const { method, params } = callOf(typeof message === "function" ? await message(chat) : message, chat);
      // The broadcast may have ended while the message function ran.
      if (fatal !== undefined) return;
      // Recorded as under way only when the call leaves the throttle's queue: one still queued when the
      // broadcast is stopped was never sent, and the next run sends it.
      let storeFailure: { error: unknown } | undefined;
      const queued = new AbortController();
      waiting.add(queued);
      const beforeSend = async () => {
        // From here on the request may be under way: aborting it would leave unknown whether Telegram
        // has the message, so the end of the broadcast no longer aborts it.
        waiting.delete(queued);
        // A call the throttle let go just as the broadcast ended is not sent either.
        if (fatal !== undefined) throw new BroadcastEnded();
        if (store === undefined) return;
        try {
          await store.record({ chat, state: "sending" });
        } catch (error) {
          storeFailure ??= { error };
          throw error;
        }
      };
      let delivered = false;
      try {
        const callSignal = signal === undefined ? queued.signal : AbortSignal.any([signal, queued.signal]);
        await send({ method, params, options: { signal: callSignal, beforeSend } });
        delivered = true;
      } catch (error) {
        waiting.delete(queued);
        // Not sent and not recorded: the next run sends it.
        if (error instanceof BroadcastEnded) return;
        if (storeFailure !== undefined || signal?.aborted || error instanceof UnauthorizedError) {
          end(storeFailure !== undefined ? storeFailure.error : signal?.aborted ? signal.reason : error);
          return;
        }
        outcome(chat, error);
        if (mayHaveActed(error)) {
          // The "sending" record stays: whether Telegram has it is unknown, so no run sends it again.
          uncertain.push(chat);
        } else {
          const failure = { chat, reason: reasonOf(error), description: describe(error) };
          failed.push(failure);
          await store?.record({
            chat,
            state: "failed",
            reason: failure.reason,
            description: failure.description,
          });
        }
      }
      if (delivered) {
        outcome(chat, undefined);
        sent++;
        // Outside the send's failures: a store that cannot record it ends the broadcast.
        await store?.record({ chat, state: "sent" });
      }
      handled++;
      if (now() - lastReport >= every) report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  } finally {
    await store?.close();
  }
  if (fatal !== undefined) throw fatal.error;
  if (signal?.aborted) throw signal.reason;
  report();
  return { sent, failed, uncertain, resumed, seconds: now() - started };
}

/** Sends a call through the client's throttle, or through one of the broadcast's own if it has none. */
function sender(
  api: BroadcastClient,
  limits: ThrottleOptions | undefined,
): (call: ApiCall) => Promise<unknown> {
  const direct = (call: ApiCall) => api.call(call.method, { ...call.params }, call.options);
  // Made even when the client's throttle is used, so that bad limits are refused however the client is set up.
  const own = throttle(limits);
  if (api.transformers.list.some(isThrottle)) return direct;
  return (call) => own(call, direct);
}
