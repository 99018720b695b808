import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { NetworkError } from "../exception/network_error.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import {
  ConflictError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../exception/telegram_error_subclasses.ts";

/** What the polling loop does about a failed `getUpdates`. */
export type PollVerdict =
  | { readonly action: "fatal"; readonly error: unknown }
  | { readonly action: "conflict"; readonly error: TelegramError; readonly webhook: boolean }
  | { readonly action: "wait"; readonly seconds: number }
  | { readonly action: "retry"; readonly transient: boolean };

/**
 * Whether the runtime itself refused the request (Deno without `--allow-net` for the Bot API's host):
 * no retry can succeed until the program is started again with the permission.
 */
export function refusedByRuntime(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause.name === "NotCapable") return true;
  }
  return false;
}

/** Sorts a `getUpdates` failure into stop, wait `retry_after`, conflict, or back off and retry. */
export function judgePollError(error: unknown): PollVerdict {
  const status = error instanceof TelegramError
    ? error.errorCode
    : error instanceof BadHTTPResponse
    ? error.status
    : undefined;
  if (error instanceof UnauthorizedError || status === 401 || refusedByRuntime(error)) {
    return { action: "fatal", error };
  }
  if (error instanceof TelegramError && status === 409) {
    return { action: "conflict", error, webhook: /webhook/i.test(error.description) };
  }
  if (error instanceof TooManyRequestsError || status === 429) {
    const hinted = error instanceof TooManyRequestsError
      ? error.retryAfter
      : error instanceof TelegramError
      ? error.parameters?.retry_after
      : undefined;
    return { action: "wait", seconds: typeof hinted === "number" && hinted > 0 ? hinted : 1 };
  }
  if (error instanceof NetworkError || error instanceof BadHTTPResponse) {
    return { action: "retry", transient: true };
  }
  if (status !== undefined && status >= 500) return { action: "retry", transient: true };
  // Anything else (a 400, a programming error) will likely repeat: keep trying, slowly, and say so.
  return { action: "retry", transient: false };
}

/**
 * The clear error a 409 becomes: which of the two conflicts it is, and what to do. It keeps the call's
 * method and params, and Telegram's own error as its `cause`.
 */
export function conflictError(error: TelegramError, webhook: boolean): ConflictError {
  const description = webhook
    ? "Conflict: a webhook is set for this bot, so getUpdates cannot be used; call deleteWebhook, "
      + "or make a webhookHandler for the bot before starting messageLoop (which then does not poll)"
    : "Conflict: another getUpdates poller is running for this bot (another process or loop with "
      + "the same token); only one may poll at a time";
  const context = { method: error.method ?? "getUpdates", params: error.params };
  return new ConflictError(description, 409, error.json, context, { cause: error });
}
