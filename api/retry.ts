import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { BadInput } from "../exception/bad_input.ts";
import { NetworkError } from "../exception/network_error.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { TooManyRequestsError } from "../exception/telegram_error_subclasses.ts";
import { isPlainObject } from "./plain_object.ts";
import { later } from "./timer.ts";

/** Automatic repetition of failed calls (opt-in through the `retry` option of `Api`). */
export interface RetryOptions {
  /** Most attempts per call, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** A flood-control wait (`retry_after`) longer than this many seconds is thrown instead. Default 60. */
  readonly maxRetryAfter?: number;
  /** Seconds before the first repeat after a 5xx answer or network error; doubles each time. Default 1. */
  readonly backoff?: number;
  /**
   * Which methods may be repeated after a 5xx answer or network error, when it is unknown whether
   * Telegram acted on the first attempt. Default {@link isIdempotent}.
   */
  readonly idempotent?: (method: string) => boolean;
}

/** Retry settings with every default filled in. */
export interface RetryPolicy {
  /** Most attempts per call. */
  readonly maxAttempts: number;
  /** Longest flood-control wait honoured, in seconds. */
  readonly maxRetryAfter: number;
  /** First back-off delay, in seconds. */
  readonly backoff: number;
  /** Methods safe to repeat after an uncertain failure. */
  readonly idempotent: (method: string) => boolean;
}

/**
 * The default rule for repeating after an uncertain failure: only the read-only `get…` methods,
 * because repeating anything else (sending, editing, answering) might do it twice.
 *
 * @throws {BadInput} when `method` is not a string.
 */
export function isIdempotent(method: string): boolean {
  if (typeof method !== "string") throw new BadInput("method", "a Bot API method name");
  return method.startsWith("get");
}

function positive(value: number | undefined, fallback: number, name: string, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)
    || (integer && !Number.isInteger(value))
  ) {
    throw new BadInput(`options.retry.${name}`, integer ? "a non-negative integer" : "a non-negative number");
  }
  return value;
}

/**
 * Fills in defaults; `true` means the defaults.
 *
 * @throws {BadInput} on options that are neither `true` nor an object, or a negative or non-numeric
 *   setting.
 */
export function retryPolicy(option: true | RetryOptions): RetryPolicy {
  if (option !== true && !isPlainObject(option)) {
    throw new BadInput("options.retry", "true or an object of RetryOptions");
  }
  const o: RetryOptions = option === true ? {} : option;
  if (o.idempotent !== undefined && typeof o.idempotent !== "function") {
    throw new BadInput("options.retry.idempotent", "a function (method) => boolean");
  }
  return {
    maxAttempts: Math.max(1, positive(o.maxAttempts, 3, "maxAttempts", true)),
    maxRetryAfter: positive(o.maxRetryAfter, 60, "maxRetryAfter"),
    backoff: positive(o.backoff, 1, "backoff"),
    idempotent: o.idempotent ?? isIdempotent,
  };
}

// 429s a throttle has already waited out as often as it may: repeating one from outside would put the
// call behind its chat's later calls, and go past the throttle's own limits.
const givenUp = new WeakSet<object>();

/** Marks a 429 that a throttle gave up on, so that the retry does not repeat it (see {@link retryDelay}). */
export function floodGivenUp(error: TooManyRequestsError): void {
  givenUp.add(error);
}

/**
 * Seconds to wait before attempt number `attempt + 1`, or `undefined` to give up and throw.
 * Flood control (429) is always safe to repeat: Telegram refused the call without acting on it.
 * 5xx answers and network errors are repeated only for idempotent methods.
 */
export function retryDelay(
  policy: RetryPolicy,
  error: unknown,
  method: string,
  attempt: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (error instanceof TooManyRequestsError) {
    if (givenUp.has(error)) return undefined;
    const wait = error.retryAfter ?? policy.backoff;
    return wait <= policy.maxRetryAfter ? wait : undefined;
  }
  const serverSide = (error instanceof TelegramError && error.errorCode >= 500)
    || (error instanceof BadHTTPResponse && error.status >= 500) || error instanceof NetworkError;
  if (serverSide && policy.idempotent(method)) return policy.backoff * 2 ** (attempt - 1);
  return undefined;
}

/** Resolves after `seconds`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = later(seconds * 1000, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
