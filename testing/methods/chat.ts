import type { TypeSpec } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optBool, optInt, optObj, optStr, reqStr } from "../params.ts";
import { grantsAll, readPermissions } from "../permissions.ts";
import { plausible } from "../plausible.ts";
import { type Obj, unixNow, type UserObj } from "../types.ts";
import { chatMember, type ChatState, FULL_RIGHTS } from "../world.ts";
import { postServiceMessage, targetChat, targetMessage } from "./common.ts";

const MEMBER_STATUS_PRIVATE = "chat member status can't be changed in private chats";

function groupOnly(state: ChatState, reason = MEMBER_STATUS_PRIVATE): void {
  if (state.user !== undefined) throw badRequest(reason);
}

function requireRight(ctx: CallContext, state: ChatState, right: string, what: string): void {
  groupOnly(
    state,
    right === "can_restrict_members" || right === "can_promote_members"
      ? MEMBER_STATUS_PRIVATE
      : "method is not available for private chats",
  );
  const me = state.members.get(ctx.bot.sender.id);
  if (me?.status === "creator") return;
  if (me?.status !== "administrator" || me[right] !== true) throw badRequest(`not enough rights to ${what}`);
}

function targetUser(ctx: CallContext): UserObj {
  const id = optInt(ctx.params, "user_id");
  if (id === undefined) throw badRequest("user_id is empty");
  const user = ctx.world.findUser(id);
  if (user === undefined) throw badRequest("user not found");
  return user;
}

/**
 * The member a call acts on, once the bot is found to hold `right` in the chat (`what` names the act in
 * the refusal) and the member is found not to be the chat's owner (`verb`: what cannot be done to one).
 */
function targetMember(
  ctx: CallContext,
  state: ChatState,
  right: string,
  what: string,
  verb: string,
): { user: UserObj; current: Obj | undefined } {
  requireRight(ctx, state, right, what);
  const user = targetUser(ctx);
  const current = ctx.world.member(state, user.id);
  if (current?.status === "creator") throw badRequest(`can't ${verb} chat owner`);
  return { user, current };
}

function banChatMember(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  const { user } = targetMember(ctx, state, "can_restrict_members", "restrict/ban chat member", "remove");
  if (user.id === ctx.bot.sender.id) throw badRequest("can't remove self");
  const wasMember = ctx.world.isMember(state, user.id);
  if (state.chat.type === "group") {
    // td's ban_dialog_participant only removes a member of a basic group (messages.deleteChatUser, which
    // refuses anyone else): no ban is kept, so until_date means nothing there and the user may come back.
    if (!wasMember) throw badRequest("USER_NOT_PARTICIPANT");
    ctx.world.changeMember(state, ctx.bot.sender, chatMember(user, "left"));
  } else {
    // The same rule as a restriction's: a ban for under 30 seconds or over 366 days is for ever.
    const until = foreverOr(optInt(ctx.params, "until_date") ?? 0);
    ctx.world.changeMember(state, ctx.bot.sender, { status: "kicked", user, until_date: until });
  }
  if (wasMember) postServiceMessage(ctx, state, { left_chat_member: user });
  return true;
}

function unbanChatMember(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  // Client.cpp process_unban_chat_member_query, before anything else: a basic group keeps no bans.
  if (state.chat.type !== "supergroup" && state.chat.type !== "channel") {
    throw badRequest("method is available for supergroup and channel chats only");
  }
  const { user, current } = targetMember(
    ctx,
    state,
    "can_restrict_members",
    "restrict/unrestrict chat member",
    "remove",
  );
  if (optBool(ctx.params, "only_if_banned") && current?.status !== "kicked") return true;
  if (current !== undefined && current.status !== "left") {
    ctx.world.changeMember(state, ctx.bot.sender, chatMember(user, "left"));
  }
  return true;
}

function restrictChatMember(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.chat.type !== "supergroup") throw badRequest("method is available only for supergroups");
  const { user } = targetMember(
    ctx,
    state,
    "can_restrict_members",
    "restrict/unrestrict chat member",
    "restrict",
  );
  const independent = optBool(ctx.params, "use_independent_chat_permissions") ?? false;
  const permissions = readPermissions(optObj(ctx.params, "permissions") ?? {}, independent);
  const isMember = ctx.world.isMember(state, user.id);
  // As in Telegram, granting every permission lifts the restriction instead of recording one.
  const member = grantsAll(permissions)
    ? chatMember(user, isMember ? "member" : "left")
    : {
      status: "restricted",
      user,
      is_member: isMember,
      ...permissions,
      until_date: foreverOr(optInt(ctx.params, "until_date") ?? 0),
    };
  ctx.world.changeMember(state, ctx.bot.sender, member);
  return true;
}

/**
 * When a restriction or ban ends: as the Bot API documents (and td's get_dialog_participant_status
 * does), one for more than 366 days or less than 30 seconds from now is forever (0).
 */
function foreverOr(until: number): number {
  const left = until - unixNow();
  return left < 30 || left > 366 * 86400 ? 0 : until;
}

function promoteChatMember(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  const { user } = targetMember(ctx, state, "can_promote_members", "promote chat member", "promote");
  const rights: Obj = {};
  let any = false;
  for (const key of Object.keys(FULL_RIGHTS)) {
    if (key === "can_be_edited") continue;
    const v = optBool(ctx.params, key) ?? false;
    rights[key] = v;
    if (v && key !== "is_anonymous") any = true;
  }
  const member = any
    ? { status: "administrator", user, can_be_edited: true, ...rights }
    : chatMember(user, "member");
  ctx.world.changeMember(state, ctx.bot.sender, member);
  return true;
}

function leaveChat(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  groupOnly(state);
  ctx.world.changeMember(state, ctx.bot.sender, chatMember(ctx.bot.sender, "left"));
  return true;
}

function getChat(types: Readonly<Record<string, TypeSpec>>): Handler {
  return (ctx) => {
    const state = ctx.world.findChat(ctx.params.chat_id, ctx.bot);
    if (state === undefined) throw badRequest("chat not found");
    return {
      ...(plausible(types, "ChatFullInfo") as Obj),
      accent_color_id: 0,
      max_reaction_count: 11,
      ...state.chat,
      ...state.info,
    };
  };
}

function getChatAdministrators(ctx: CallContext): Obj[] {
  const state = targetChat(ctx);
  if (state.user !== undefined) throw badRequest("there are no administrators in the private chat");
  const withBots = optBool(ctx.params, "return_bots") ?? false;
  return [...state.members.values()].filter((m) =>
    (m.status === "creator" || m.status === "administrator") && (withBots || !(m.user as UserObj).is_bot)
  );
}

function getChatMemberCount(ctx: CallContext): number {
  const state = targetChat(ctx);
  if (state.user !== undefined) return 2;
  let count = 0;
  for (const id of state.members.keys()) if (ctx.world.isMember(state, id)) count++;
  return count;
}

function getChatMember(ctx: CallContext): Obj {
  const state = targetChat(ctx);
  const user = targetUser(ctx);
  if (state.user !== undefined) {
    if (user.id === state.user.id || user.id === ctx.bot.sender.id) return chatMember(user, "member");
    throw badRequest("user not found");
  }
  return ctx.world.member(state, user.id) ?? chatMember(user, "left");
}

function setInfo(param: string, right: string, field: string, required: boolean): Handler {
  return (ctx) => {
    const state = targetChat(ctx);
    requireRight(ctx, state, right, "change chat info");
    const value = required ? reqStr(ctx.params, param) : optStr(ctx.params, param) ?? "";
    if (field === "title") {
      if (state.chat.title === value) throw badRequest("chat title is not modified");
      state.chat.title = value;
      postServiceMessage(ctx, state, { new_chat_title: value });
    } else if (value === "") delete state.info[field];
    else state.info[field] = value;
    ctx.world.changed({ kind: "chat", chat: state });
    return true;
  };
}

function pinChatMessage(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.user === undefined) {
    requireRight(ctx, state, "can_pin_messages", "manage pinned messages in the chat");
  }
  const message = targetMessage(ctx, state, "message to pin not found");
  state.info.pinned_message = message;
  const pinned: Obj[] = (state.info.pinned ??= []) as Obj[];
  pinned.push(message);
  // As the Bot API says, the pinned message in the service message carries no reply_to_message.
  const { reply_to_message: _, ...shown } = message;
  postServiceMessage(ctx, state, { pinned_message: shown });
  return true;
}

function unpinChatMessage(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.user === undefined) {
    requireRight(ctx, state, "can_pin_messages", "manage pinned messages in the chat");
  }
  const id = optInt(ctx.params, "message_id");
  const pinned = ((state.info.pinned ?? []) as Obj[]).filter((m) => id === undefined || m.message_id !== id);
  if (id === undefined) pinned.pop();
  state.info.pinned = pinned;
  if (pinned.length === 0) delete state.info.pinned_message;
  else state.info.pinned_message = pinned[pinned.length - 1];
  return true;
}

function unpinAllChatMessages(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.user === undefined) {
    requireRight(ctx, state, "can_pin_messages", "manage pinned messages in the chat");
  }
  delete state.info.pinned;
  delete state.info.pinned_message;
  return true;
}

function setChatPermissions(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  requireRight(ctx, state, "can_restrict_members", "change chat permissions");
  const independent = optBool(ctx.params, "use_independent_chat_permissions") ?? false;
  state.info.permissions = readPermissions(optObj(ctx.params, "permissions") ?? {}, independent);
  return true;
}

/** Chat administration and chat facts. */
export function chatMethods(types: Readonly<Record<string, TypeSpec>>): Record<string, Handler> {
  return {
    banChatMember,
    kickChatMember: banChatMember,
    unbanChatMember,
    restrictChatMember,
    promoteChatMember,
    leaveChat,
    getChat: getChat(types),
    getChatAdministrators,
    getChatMemberCount,
    getChatMembersCount: getChatMemberCount,
    getChatMember,
    setChatTitle: setInfo("title", "can_change_info", "title", true),
    setChatDescription: setInfo("description", "can_change_info", "description", false),
    pinChatMessage,
    unpinChatMessage,
    unpinAllChatMessages,
    setChatPermissions,
  };
}
