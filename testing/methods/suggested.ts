/**
 * Suggested posts of a channel's direct-messages chat: a user suggests a post (`suggested_post_info`
 * pending), an administrator bot approves it (published in the channel at once or at its send date) or
 * declines it; each decision is a service message in the user's topic.
 */
import type { CallContext, Handler } from "../context.ts";
import { isDirectMessages, parentChannel, postContent, topicOf } from "../direct_messages.ts";
import { badRequest } from "../failure.ts";
import { optInt, optStr } from "../params.ts";
import type { MessageObj, Obj, UserObj } from "../types.ts";
import { unixNow } from "../types.ts";
import type { ChatState, World } from "../world.ts";
import { targetChat } from "./common.ts";

/** MessagesManager::process_suggested_post: a message that is not a pending suggestion the bot may decide on. */
const CANT_USE = "message can't be used in the method";
/** The latest send date an approval may set (the docs: at most 30 days ahead). */
const MAX_AHEAD = 2_678_400;
/** MessagesManager::can_approve_message: a post whose send date passed more than a day ago is too old. */
const TOO_OLD = 86_400;

/** The pending suggestion named by `message_id`, with its chat and the channel it is for. */
function suggestion(ctx: CallContext): { state: ChatState; channel: ChatState; post: MessageObj; info: Obj } {
  const state = targetChat(ctx);
  const id = optInt(ctx.params, "message_id") ?? 0;
  const post = id > 0 ? ctx.world.message(state, id) : undefined;
  // Client.cpp process_approve_suggested_post_query: check_message(…, "suggested post").
  if (post === undefined) throw badRequest("suggested post not found");
  const info = post.suggested_post_info as Obj | undefined;
  const channel = parentChannel(ctx.world, state);
  // MessagesManager::can_approve_or_decline_message: a pending suggestion, not the bot's own, in a
  // direct-messages chat.
  if (
    channel === undefined || !isDirectMessages(state) || info?.state !== "pending"
    || state.authors[id - 1] !== null
  ) throw badRequest(CANT_USE);
  return { state, channel, post, info };
}

/** Whether the bot holds a right in the channel (its creator holds every right). */
function holds(channel: ChatState, ctx: CallContext, right: string): boolean {
  const me = channel.members.get(ctx.bot.user.id);
  return me?.status === "creator" || (me?.status === "administrator" && me[right] === true);
}

/**
 * Posts a service message about the decision into the author's topic, sent by the channel, and tells the
 * chat's bots.
 */
function announce(world: World, state: ChatState, channel: ChatState, post: MessageObj, content: Obj): void {
  const fields: Obj = { sender_chat: channel.chat, reply_to_message: withoutReply(post), ...content };
  const topic = post.direct_messages_topic as Obj | undefined;
  if (topic !== undefined) fields.direct_messages_topic = topicOf(topic.user as UserObj);
  const message = world.addMessage(state, fields, null, null);
  world.broadcast(state, "message", message);
}

/** The post as a decision's service message nests it: without its own `reply_to_message` (the docs). */
function withoutReply(post: MessageObj): MessageObj {
  const { reply_to_message: _, ...rest } = post;
  return rest as MessageObj;
}

/** Publishes the approved post in the channel; its `channel_post` reaches the channel's bots. */
function publish(world: World, channel: ChatState, post: MessageObj): void {
  const paid = (post.suggested_post_info as Obj).price !== undefined;
  const message = world.addMessage(
    channel,
    { ...postContent(post), ...(paid ? { is_paid_post: true } : {}) },
    null,
    null,
  );
  world.broadcast(channel, "channel_post", message);
}

function approveSuggestedPost(ctx: CallContext): true {
  const { state, channel, post, info } = suggestion(ctx);
  if (!holds(channel, ctx, "can_post_messages")) throw badRequest(CANT_USE);
  const now = unixNow();
  const asked = optInt(ctx.params, "send_date");
  // Telegram's own error name for a schedule date beyond its limit.
  if (asked !== undefined && asked !== 0 && asked > now + MAX_AHEAD) {
    throw badRequest("SCHEDULE_DATE_TOO_LATE");
  }
  const proposed = info.send_date as number | undefined;
  if (proposed !== undefined && proposed < now - TOO_OLD) throw badRequest(CANT_USE);
  const sendDate = asked !== undefined && asked !== 0 ? asked : proposed ?? now;
  info.state = "approved";
  info.send_date = sendDate;
  ctx.world.changed({ kind: "edit", chat: state, message: post });
  const approved: Obj = { suggested_post_message: withoutReply(post), send_date: sendDate };
  if (info.price !== undefined) approved.price = info.price;
  announce(ctx.world, state, channel, post, { suggested_post_approved: approved });
  if (sendDate <= now) publish(ctx.world, channel, post);
  else ctx.world.schedulePost(() => publish(ctx.world, channel, post), (sendDate - now) * 1000);
  return true;
}

function declineSuggestedPost(ctx: CallContext): true {
  const { state, channel, post, info } = suggestion(ctx);
  if (!holds(channel, ctx, "can_manage_direct_messages")) throw badRequest(CANT_USE);
  const comment = optStr(ctx.params, "comment") ?? "";
  // The docs: a comment of 0-128 characters.
  if (comment.length > 128) throw badRequest("comment is too long");
  info.state = "declined";
  ctx.world.changed({ kind: "edit", chat: state, message: post });
  const declined: Obj = { suggested_post_message: withoutReply(post) };
  if (comment !== "") declined.comment = comment;
  announce(ctx.world, state, channel, post, { suggested_post_declined: declined });
  return true;
}

/** Decisions on suggested posts of channel direct-messages chats. */
export const SUGGESTED_POST_METHODS: Readonly<Record<string, Handler>> = {
  approveSuggestedPost,
  declineSuggestedPost,
};
