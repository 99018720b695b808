import type { RedactingLogger } from "../api/logger.ts";
import { inSpan, tracing } from "../platform/telemetry.ts";
import type { LoopMessage, MessageHandler } from "./handler.ts";
import { originOf } from "./update_kind.ts";

/**
 * `handle` with each received update observed: a debug line `update 42 (message)` and, under
 * OpenTelemetry, a span `telegram update` around its handling (the API calls it makes are its children).
 */
export function observeUpdates(handle: MessageHandler, logger: RedactingLogger): MessageHandler {
  return (msg: LoopMessage) => {
    if (!logger.debugging && !tracing()) return handle(msg);
    const origin = originOf(msg);
    if (origin === undefined) return handle(msg);
    logger.debug(`telepot-ts: update ${origin.updateId} (${origin.kind})`);
    if (!tracing()) return handle(msg);
    return inSpan("telegram update", async (span) => {
      span?.setAttribute("telegram.update_id", origin.updateId);
      span?.setAttribute("telegram.update_kind", origin.kind);
      return await handle(msg);
    });
  };
}
