import { canResend } from "./encoded_bodies.ts";
import { retryDelay, type RetryOptions, retryPolicy, sleep } from "./retry.ts";
import type { ApiTransformer } from "./transformers.ts";

/**
 * The built-in retry as a transformer (what the client's `retry` option installs): flood control
 * (429) waits `retry_after` and repeats any method; 5xx answers and network errors repeat only
 * idempotent methods; a call that uploaded a one-shot stream is never repeated. A call's `timeout` covers
 * every attempt and wait: a failure whose wait would outlast it is thrown.
 *
 * @param options `true` (or nothing) for the defaults, or {@link RetryOptions}.
 * @throws {BadInput} on a malformed option.
 *
 * @example
 * ```ts
 * import { Api, retryTransformer } from "@telepot/telepot-ts";
 * const api = new Api("123:abc");
 * api.transformers.use(retryTransformer({ maxAttempts: 5 }));
 * ```
 */
export function retryTransformer(options: true | RetryOptions = true): ApiTransformer {
  const policy = retryPolicy(options);
  return async (call, next) => {
    // A call's own timeout covers all its attempts and the waits between them.
    const timeout = call.options.timeout;
    const started = performance.now();
    for (let attempt = 1, current = call;; attempt++) {
      try {
        return await next(current);
      } catch (error) {
        const delay = canResend(call.params) ? retryDelay(policy, error, call.method, attempt) : undefined;
        if (delay === undefined) throw error;
        const left = timeout === undefined
          ? undefined
          : timeout - (performance.now() - started) / 1000 - delay;
        if (left !== undefined && left <= 0) throw error;
        await sleep(delay, call.options.signal);
        if (left !== undefined) current = { ...call, options: { ...call.options, timeout: left } };
      }
    }
  };
}
