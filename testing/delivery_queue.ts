import type { Obj } from "./types.ts";

// Update kinds delivered in order per chat, and per user, each family in a queue of its own, as the
// Bot API server groups them (a chat's messages apart from its reactions, a user's callback queries
// apart from their inline queries).
const PER_CHAT: Readonly<Record<string, string>> = {
  message: "message",
  edited_message: "message",
  channel_post: "message",
  edited_channel_post: "message",
  business_message: "business",
  edited_business_message: "business",
  deleted_business_messages: "business",
  my_chat_member: "member",
  message_reaction: "reaction",
  message_reaction_count: "reactions",
  chat_boost: "boost",
  removed_chat_boost: "boost",
};
const PER_USER: Readonly<Record<string, string>> = {
  inline_query: "inline",
  chosen_inline_result: "chosen",
  callback_query: "callback",
  shipping_query: "payment",
  pre_checkout_query: "payment",
  purchased_paid_media: "purchase",
  chat_join_request: "user",
};

function idOf(value: unknown): unknown {
  return (value as Obj | undefined)?.id;
}

/**
 * The webhook delivery queue of an update: updates of one queue reach the webhook one at a time, in
 * order; different queues are delivered concurrently, up to the webhook's `max_connections`. An update
 * that belongs to no chat or user gets a queue of its own.
 */
export function deliveryQueueOf(update: Obj): string {
  for (const [kind, payload] of Object.entries(update)) {
    if (kind === "update_id" || payload === null || typeof payload !== "object") continue;
    const fields = payload as Obj;
    const chatFamily = PER_CHAT[kind];
    const chat = idOf(fields.chat);
    if (chatFamily !== undefined && chat !== undefined) return `${chatFamily}:${chat}`;
    const userFamily = PER_USER[kind];
    const user = idOf(fields.from);
    if (userFamily !== undefined && user !== undefined) return `${userFamily}:${user}`;
    // A member's changes queue with their join requests, whoever made the change.
    const member = idOf((fields.old_chat_member as Obj | undefined)?.user);
    if (kind === "chat_member" && member !== undefined) return `user:${member}`;
    if (kind === "poll" && fields.id !== undefined) return `poll:${fields.id}`;
    if (kind === "poll_answer" && fields.poll_id !== undefined) return `poll:${fields.poll_id}`;
  }
  return `update:${update.update_id}`;
}
