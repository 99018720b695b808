import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { inSpan, tracing } from "../platform/telemetry.ts";
import type { RedactingLogger } from "./logger.ts";
import type { CallNext } from "./transformers.ts";

/** The status a finished call is logged with: 200, Telegram's error code, the HTTP status, or the error's name. */
function statusOf(error: unknown): string | number {
  if (error instanceof TelegramError) return error.errorCode;
  if (error instanceof BadHTTPResponse) return error.status;
  return error instanceof Error ? error.name : "failure";
}

/**
 * `send` with each request observed: a debug line `sendMessage 200 12 ms` and, under OpenTelemetry,
 * a span `telegram sendMessage` with the method and status (never the URL, which holds the token).
 */
export function observedSend(send: CallNext, logger: RedactingLogger): CallNext {
  return (call) => {
    // Nobody watching: the call goes straight through, with no clock read and no closure of its own.
    if (!logger.debugging && !tracing()) return send(call);
    return inSpan(`telegram ${call.method}`, async (span) => {
      span?.setAttribute("telegram.method", call.method);
      const started = performance.now();
      const finish = (status: string | number) => {
        const ms = Math.round(performance.now() - started);
        span?.setAttribute("telegram.status", String(status));
        logger.debug(`telepot-ts: ${call.method} ${status} ${ms} ms`);
      };
      try {
        const result = await send(call);
        finish(200);
        return result;
      } catch (error) {
        finish(statusOf(error));
        throw error;
      }
    });
  };
}
