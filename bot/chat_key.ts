import type { LoopMessage } from "./handler.ts";

/**
 * The key that serializes handling: updates with the same key are handled one after another, in
 * `update_id` order; different keys run concurrently. It is the chat where there is one (a callback
 * query's is the chat of its message), else the user, else `undefined` (no ordering constraint).
 */
export function chatKey(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const p = payload as LoopMessage;
  const chatId = idOf(p.chat?.id ?? p.message?.chat?.id ?? p.voter_chat?.id);
  if (chatId !== undefined) return `c${chatId}`;
  const userId = idOf(p.from?.id ?? p.user?.id);
  if (userId !== undefined) return `c${userId}`;
  if (typeof p.id === "string" && Array.isArray(p.options)) return `p${p.id}`;
  if (typeof p.poll_id === "string") return `p${p.poll_id}`;
  return undefined;
}

// An id as Telegram sends it (a number; a string from a hand-made update); anything else, in a malformed
// or forged update, names no chat (and must not throw when made into a key).
function idOf(id: unknown): number | string | undefined {
  return typeof id === "number" || typeof id === "string" ? id : undefined;
}
