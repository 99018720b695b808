import { BadInput } from "../exception/bad_input.ts";

/**
 * Refuses a `bot` a helper could never call, when the helper is made: kept as it is, it would fail
 * with a TypeError at its first call instead. `method`, when given, is the one the helper calls.
 *
 * @throws {BadInput} when `bot` is not an object, or lacks `method`.
 */
export function checkBot(bot: unknown, method?: string): void {
  const usable = (typeof bot === "object" || typeof bot === "function") && bot !== null
    && (method === undefined || typeof (bot as Record<string, unknown>)[method] === "function");
  if (!usable) {
    throw new BadInput(
      "bot",
      method === undefined ? "a Bot (or an object with its methods)" : `a Bot, or an object with ${method}`,
    );
  }
}

/**
 * Refuses a chat a helper bound to it could never send to (null, an object), when the helper is made.
 *
 * @throws {BadInput} when `chatId` is neither a finite number, a bigint nor a non-empty string.
 */
export function checkChatId(chatId: unknown): void {
  const usable = (typeof chatId === "number" && Number.isFinite(chatId)) || typeof chatId === "bigint"
    || (typeof chatId === "string" && chatId !== "");
  if (!usable) throw new BadInput("chatId", "a chat's id (a number) or @username");
}
