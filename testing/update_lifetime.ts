/**
 * How long the Bot API server keeps an update for its bot before dropping it undelivered, as
 * telegram-bot-api's Client::add_update_* set each kind's timeout: a query a user waits on lives for as
 * long as an answer could still reach them, everything else a day.
 *
 * @module
 */
import type { Obj } from "./types.ts";

/** A day: the lifetime of every kind not in {@link UPDATE_LIFETIMES}. */
export const DEFAULT_UPDATE_LIFETIME = 86400;

/** Seconds an update of these kinds is kept, where it is not a day. */
export const UPDATE_LIFETIMES: Readonly<Record<string, number>> = {
  inline_query: 30,
  callback_query: 150,
  shipping_query: 150,
  pre_checkout_query: 150,
  chosen_inline_result: 600,
};

// Kinds whose lifetime runs from the date they carry (a message's last edit, a change's date), not from
// when they were queued: an update about something that happened long ago is kept for less.
const DATED_KINDS: ReadonlySet<string> = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_message",
  "edited_business_message",
  "chat_member",
  "my_chat_member",
  "chat_join_request",
  "message_reaction",
  "message_reaction_count",
]);

function dateOf(kind: string, payload: unknown): number | undefined {
  if (payload === null || typeof payload !== "object") return undefined;
  const fields = payload as Obj;
  if (kind === "chat_boost") {
    const boost = fields.boost as Obj | undefined;
    return typeof boost?.add_date === "number" ? boost.add_date : undefined;
  }
  if (!DATED_KINDS.has(kind)) return undefined;
  if (typeof fields.edit_date === "number" && fields.edit_date > 0) return fields.edit_date;
  return typeof fields.date === "number" ? fields.date : undefined;
}

/**
 * The whole second an update of `kind` queued at `now` expires at, as the server stores it: its
 * lifetime (from `lifetimes`, else {@link UPDATE_LIFETIMES}, else a day) after its own date for dated
 * kinds, after `now` (in whole seconds) for the rest. The server drops it once the whole-second clock
 * has passed that second, so it is kept up to a second longer than its lifetime.
 */
export function updateExpiry(
  kind: string,
  payload: unknown,
  now: number,
  lifetimes: Readonly<Record<string, number>> = {},
): number {
  const lifetime = lifetimes[kind] ?? UPDATE_LIFETIMES[kind] ?? DEFAULT_UPDATE_LIFETIME;
  return Math.floor(dateOf(kind, payload) ?? now) + lifetime;
}
