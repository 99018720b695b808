import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optInt, optStr, reqStr } from "../params.ts";
import type { Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { targetChat } from "./common.ts";

/** A forum topic and whether it is closed. */
interface Topic {
  /** The ForumTopic object. */
  readonly topic: Obj & { message_thread_id: number; name: string; icon_color: number };
  closed: boolean;
}

/** The General topic of a forum supergroup (thread 1 in TDLib terms, never addressed by message_thread_id). */
interface General {
  name: string;
  closed: boolean;
  hidden: boolean;
}

interface Forum {
  readonly topics: Map<number, Topic>;
  readonly general: General;
}

const forums = new WeakMap<ChatState, Forum>();

/** Topic icon colours Telegram offers (RGB). */
const ICON_COLORS: ReadonlySet<number> = new Set([
  0x6FB9F0,
  0xFFD67E,
  0xCB86DB,
  0x8EEE98,
  0xFF93B2,
  0xFB6F5F,
]);
const NOT_MODIFIED = "TOPIC_NOT_MODIFIED";
/** Client.cpp check_message_thread (around `is_forum`): an unknown topic or the General topic's id. */
export const THREAD_NOT_FOUND = "message thread not found";

/**
 * Whether a chat has topics: a supergroup created as a forum, or a bot's private chat with a user when the
 * bot has topics enabled (`has_topics_enabled`), as Client.cpp lets forum topic ids through for both.
 */
export function hasTopics(state: ChatState): boolean {
  if (state.chat.type === "supergroup") return state.chat.is_forum === true;
  return state.peer?.user.has_topics_enabled === true;
}

function forumOf(state: ChatState): Forum {
  let forum = forums.get(state);
  if (forum === undefined) {
    forum = { topics: new Map(), general: { name: "General", closed: false, hidden: false } };
    forums.set(state, forum);
  }
  return forum;
}

/**
 * Whether a message sent with `message_thread_id` goes into a topic (true), or into a chat without topics
 * (false); a topic the chat does not have is a 400.
 */
export function inTopic(state: ChatState, thread: number | undefined): boolean {
  if (thread === undefined || thread === 0 || !hasTopics(state)) return false;
  if (!forumOf(state).topics.has(thread)) throw badRequest(THREAD_NOT_FOUND);
  return true;
}

function forumChat(ctx: CallContext, right = "can_manage_topics"): { state: ChatState; forum: Forum } {
  const state = targetChat(ctx);
  if (!hasTopics(state)) throw badRequest("the chat is not a forum");
  if (state.user === undefined) {
    const me = state.members.get(ctx.bot.user.id);
    if (me?.status !== "creator" && (me?.status !== "administrator" || me[right] !== true)) {
      throw badRequest("not enough rights to manage topics");
    }
  }
  return { state, forum: forumOf(state) };
}

function topicOf(ctx: CallContext, forum: Forum): Topic {
  const topic = forum.topics.get(optInt(ctx.params, "message_thread_id") ?? 0);
  if (topic === undefined) throw badRequest(THREAD_NOT_FOUND);
  return topic;
}

function topicName(ctx: CallContext): string {
  const name = reqStr(ctx.params, "name", "topic name is empty");
  if (name.length > 128) throw badRequest("TOPIC_TITLE_INVALID");
  return name;
}

/** Posts a forum service message (forum_topic_created, …) into a topic and tells the chat's bots. */
function serviceMessage(ctx: CallContext, state: ChatState, thread: number | undefined, fields: Obj): number {
  const message = ctx.world.addMessage(
    state,
    {
      ...(thread !== undefined ? { message_thread_id: thread, is_topic_message: true } : {}),
      ...fields,
    },
    ctx.bot.sender,
    null,
  );
  // The acting bot gets it too, as from the real server (see postServiceMessage).
  ctx.world.broadcast(state, "message", message);
  return message.message_id;
}

function createForumTopic(ctx: CallContext): Obj {
  const { state, forum } = forumChat(ctx);
  const name = topicName(ctx);
  const color = optInt(ctx.params, "icon_color") ?? 0x6FB9F0;
  if (!ICON_COLORS.has(color)) throw badRequest("TOPIC_COLOR_INVALID");
  const topic: Topic["topic"] = { message_thread_id: 0, name, icon_color: color };
  const emoji = optStr(ctx.params, "icon_custom_emoji_id");
  if (emoji !== undefined && emoji !== "") topic.icon_custom_emoji_id = emoji;
  // The topic's id is the id of the service message that opens it.
  const id = state.log.length + 1;
  topic.message_thread_id = id;
  forum.topics.set(id, { topic, closed: false });
  serviceMessage(ctx, state, id, { forum_topic_created: { name, icon_color: color, ...pickEmoji(topic) } });
  return topic;
}

function pickEmoji(topic: Obj): Obj {
  return topic.icon_custom_emoji_id === undefined ? {} : { icon_custom_emoji_id: topic.icon_custom_emoji_id };
}

function editForumTopic(ctx: CallContext): boolean {
  const { state, forum } = forumChat(ctx);
  const entry = topicOf(ctx, forum);
  const name = optStr(ctx.params, "name");
  const emoji = optStr(ctx.params, "icon_custom_emoji_id");
  const edited: Obj = {};
  if (name !== undefined && name !== "" && name !== entry.topic.name) {
    if (name.length > 128) throw badRequest("TOPIC_TITLE_INVALID");
    entry.topic.name = edited.name = name;
  }
  if (emoji !== undefined && emoji !== (entry.topic.icon_custom_emoji_id ?? "")) {
    edited.icon_custom_emoji_id = emoji;
    if (emoji === "") delete entry.topic.icon_custom_emoji_id;
    else entry.topic.icon_custom_emoji_id = emoji;
  }
  if (Object.keys(edited).length === 0) throw badRequest(NOT_MODIFIED);
  serviceMessage(ctx, state, entry.topic.message_thread_id, { forum_topic_edited: edited });
  return true;
}

function setClosed(closed: boolean): Handler {
  return (ctx) => {
    const { state, forum } = forumChat(ctx);
    const entry = topicOf(ctx, forum);
    if (entry.closed === closed) throw badRequest(NOT_MODIFIED);
    entry.closed = closed;
    serviceMessage(ctx, state, entry.topic.message_thread_id, {
      [closed ? "forum_topic_closed" : "forum_topic_reopened"]: {},
    });
    return true;
  };
}

function deleteForumTopic(ctx: CallContext): boolean {
  const { state, forum } = forumChat(ctx, "can_delete_messages");
  const entry = topicOf(ctx, forum);
  const thread = entry.topic.message_thread_id;
  forum.topics.delete(thread);
  state.log.forEach((m, i) => {
    if (m !== undefined && (m.message_thread_id === thread || m.message_id === thread)) {
      state.log[i] = undefined;
    }
  });
  return true;
}

function unpinAllIn(ctx: CallContext, thread: number | undefined): boolean {
  const { state } = forumChat(ctx, "can_pin_messages");
  const pinned = ((state.info.pinned ?? []) as Obj[]).filter((m) => m.message_thread_id !== thread);
  state.info.pinned = pinned;
  if (pinned.length === 0) delete state.info.pinned_message;
  else state.info.pinned_message = pinned[pinned.length - 1];
  return true;
}

function general(change: (g: General, ctx: CallContext) => Obj | undefined): Handler {
  return (ctx) => {
    const { state, forum } = forumChat(ctx);
    if (state.chat.type !== "supergroup") throw badRequest("the chat is not a forum");
    const fields = change(forum.general, ctx);
    if (fields === undefined) throw badRequest(NOT_MODIFIED);
    serviceMessage(ctx, state, undefined, fields);
    return true;
  };
}

/** Forum topics of forum supergroups and of private chats with topics, and the General topic. */
export const FORUM_METHODS: Readonly<Record<string, Handler>> = {
  createForumTopic,
  editForumTopic,
  closeForumTopic: setClosed(true),
  reopenForumTopic: setClosed(false),
  deleteForumTopic,
  unpinAllForumTopicMessages: (ctx) => {
    const { forum } = forumChat(ctx, "can_pin_messages");
    return unpinAllIn(ctx, topicOf(ctx, forum).topic.message_thread_id);
  },
  editGeneralForumTopic: general((g, ctx) => {
    const name = topicName(ctx);
    if (name === g.name) return undefined;
    g.name = name;
    return { forum_topic_edited: { name } };
  }),
  closeGeneralForumTopic: general((g) => {
    if (g.closed) return undefined;
    g.closed = true;
    return { forum_topic_closed: {} };
  }),
  reopenGeneralForumTopic: general((g) => {
    if (!g.closed && !g.hidden) return undefined;
    g.closed = false;
    g.hidden = false;
    return { forum_topic_reopened: {} };
  }),
  // Hiding the General topic also closes it (Telegram's rule).
  hideGeneralForumTopic: general((g) => {
    if (g.hidden) return undefined;
    g.hidden = true;
    g.closed = true;
    return { general_forum_topic_hidden: {} };
  }),
  unhideGeneralForumTopic: general((g) => {
    if (!g.hidden) return undefined;
    g.hidden = false;
    return { general_forum_topic_unhidden: {} };
  }),
  unpinAllGeneralForumTopicMessages: (ctx) => unpinAllIn(ctx, undefined),
};
