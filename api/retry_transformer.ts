import { canResend } from "./encoded_bodies.ts";
import { retryDelay, type RetryOptions, retryPolicy, sleep } from "./retry.ts";
import type { ApiTransformer } from "./transformers.ts";

/**
 * The built-in retry as a transformer (what the client's `retry` option installs): flood control
 * (429) waits `retry_after` and repeats any method; 5xx answers and network errors repeat only
 * idempotent methods; a call that uploaded a one-shot stream is never repeated.
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
  const policy = retryPolicy(options)!;
  return async (call, next) => {
    for (let attempt = 1;; attempt++) {
      try {
        return await next(call);
      } catch (error) {
        const delay = canResend(call.params) ? retryDelay(policy, error, call.method, attempt) : undefined;
        if (delay === undefined) throw error;
        await sleep(delay, call.options.signal);
      }
    }
  };
}
