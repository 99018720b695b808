import type { Logger } from "../api/logger.ts";
import type { Update } from "../api/types.gen.ts";

/**
 * A loop's default `onError`: one line per failure through the bot's logger (which cuts the token out),
 * naming the update when there is one.
 */
export function loopErrorReporter(logger: Logger): (error: unknown, update?: Update) => void {
  return (error, update) => {
    logger.error(`telepot-ts: ${update ? `update ${update.update_id}` : "message loop"}:`, error);
  };
}
