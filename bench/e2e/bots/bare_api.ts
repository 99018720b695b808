/**
 * The Bot API as the two bare baselines call it: `fetch` and `res.json()`, nothing else, with the
 * failure facts the bench's retry rule needs. Given `pooled`, the calls go over the library's pooled
 * connections instead of `fetch` (for the row that shows what the transport alone is worth).
 *
 * @module
 */
import { ConnectionPool } from "../../../platform/http1_pool.ts";
import type { FailureFacts } from "./config.ts";

class CallFailed extends Error {
  constructor(readonly facts: FailureFacts) {
    super(`Bot API call failed: ${facts.code}`);
  }
}

/** A bare Bot API client for the bot at `apiRoot` with `token`. */
export function bareApi(
  apiRoot: string,
  token: string,
  pooled = false,
): <T>(method: string, params: Record<string, unknown>) => Promise<T> {
  const base = `${apiRoot}/bot${token}`;
  const transport = pooled ? new ConnectionPool().fetch : fetch;
  return async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
    let res: Response;
    try {
      res = await transport(`${base}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      });
    } catch {
      throw new CallFailed({});
    }
    const answer = await res.json();
    if (!answer.ok) {
      throw new CallFailed({ code: answer.error_code, retryAfter: answer.parameters?.retry_after });
    }
    return answer.result as T;
  };
}

/** What the retry rule needs to know of a failed call. */
export const failureFacts = (error: unknown): FailureFacts => error instanceof CallFailed ? error.facts : {};
