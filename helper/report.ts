/**
 * Reports a background failure through the bot's `logError` (which cuts the token out), or on the
 * console when the object given as a bot has none (a test double, a hand-made stand-in).
 */
export function reportFailure(bot: unknown, what: string, error: unknown): void {
  const logError = (bot as { logError?: unknown } | null)?.logError;
  if (typeof logError === "function") logError.call(bot, what, error);
  else console.error(`telepot-ts: ${what}:`, error);
}
