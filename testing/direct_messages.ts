/**
 * Channel direct messages: a channel may have a direct-messages chat, a supergroup marked
 * `is_direct_messages` whose `parent_chat` is the channel. Every user who writes there opens a topic of
 * their own (its id is the user's id); the channel's administrators answer in that topic and approve or
 * decline the posts users suggest for the channel.
 */
import { badRequest, ScriptError } from "./failure.ts";
import type { ChatObj, MessageObj, Obj, UserObj } from "./types.ts";
import type { ChatState, World } from "./world.ts";

/** Whether a chat is a channel's direct-messages chat. */
export function isDirectMessages(state: ChatState): boolean {
  return state.chat.is_direct_messages === true;
}

/** The channel a direct-messages chat belongs to. */
export function parentChannel(world: World, state: ChatState): ChatState | undefined {
  const parent = state.info.parent_chat as ChatObj | undefined;
  return parent === undefined ? undefined : world.chats.get(parent.id);
}

/** The direct-messages chat of a channel, if it has one. */
export function directMessagesOf(world: World, channel: ChatState): ChatState | undefined {
  for (const state of world.chats.values()) {
    if (isDirectMessages(state) && (state.info.parent_chat as ChatObj).id === channel.chat.id) return state;
  }
  return undefined;
}

/**
 * Opens a channel's direct-messages chat: the channel's creator owns it and its bots administer it with
 * the rights they hold in the channel.
 */
export function openDirectMessages(world: World, channel: ChatState): ChatState {
  if (channel.chat.type !== "channel") throw new ScriptError("only a channel has direct messages");
  const creator = [...channel.members.values()].filter((m) => m.status === "creator");
  const state = world.createChat(
    "supergroup",
    channel.chat.title ?? "",
    creator.map((m) => m.user as UserObj),
    [],
  );
  state.chat.is_direct_messages = true;
  state.info.parent_chat = channel.chat;
  for (const [id, member] of channel.members) {
    if (world.bots.has(id)) state.members.set(id, { ...member });
  }
  return state;
}

/** The `direct_messages_topic` of a user's message in a direct-messages chat. */
export function topicOf(user: UserObj): Obj {
  return { topic_id: user.id, user };
}

/**
 * The topic a bot's message to a direct-messages chat goes to: `direct_messages_topic_id` must name a
 * user who has written there (MessageTopic.cpp get_send_message_topic and get_message_topic: a topic is
 * required in an administered direct-messages chat, and must exist).
 */
export function sendTopic(world: World, state: ChatState, topicId: number | undefined): Obj {
  if (topicId === undefined || topicId === 0) {
    throw badRequest("channel direct messages topic must be specified");
  }
  const opened = state.log.some((m) => (m?.direct_messages_topic as Obj | undefined)?.topic_id === topicId);
  const user = world.users.get(topicId);
  if (!opened || user === undefined) throw badRequest("topic not found");
  return topicOf(user);
}

/**
 * The pending `suggested_post_info` of a post a bot suggests with `suggested_post_parameters`
 * (SuggestedPost.cpp get_suggested_post refuses a negative send date).
 */
export function suggestedPostInfo(parameters: Obj): Obj {
  const info: Obj = { state: "pending" };
  if (parameters.price !== undefined) info.price = parameters.price;
  const sendDate = parameters.send_date;
  if (typeof sendDate === "number" && sendDate < 0) throw badRequest("invalid post send date specified");
  if (typeof sendDate === "number" && sendDate > 0) info.send_date = sendDate;
  return info;
}

/** The content of a suggested post as the channel publishes it: the message without its chat's fields. */
export function postContent(message: MessageObj): Obj {
  const {
    message_id: _id,
    date: _date,
    chat: _chat,
    from: _from,
    sender_chat: _sender,
    direct_messages_topic: _topic,
    suggested_post_info: _info,
    reply_to_message: _reply,
    ...content
  } = message;
  return content;
}
