import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optInt, optStr, reqStr } from "../params.ts";
import type { Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { MAX_TEXT, targetChat } from "./common.ts";
import { formattedText } from "./compose.ts";

/** Sender chats (channels) banned from posting in a chat, per chat. */
const bannedSenders = new WeakMap<ChatState, Set<number>>();

function groupOrSupergroup(state: ChatState): void {
  const type = state.chat.type;
  // Client.cpp process_set_chat_administrator_custom_title_query and process_set_chat_member_tag_query.
  if (type !== "group" && type !== "supergroup") {
    throw badRequest("method is available only for groups and supergroups");
  }
}

function administratorWith(ctx: CallContext, state: ChatState, right: string): void {
  const me = state.members.get(ctx.bot.user.id);
  if (me?.status === "creator") return;
  if (me?.status !== "administrator" || me[right] !== true) throw badRequest("CHAT_ADMIN_REQUIRED");
}

function member(ctx: CallContext, state: ChatState): Obj {
  const id = optInt(ctx.params, "user_id") ?? 0;
  const user = ctx.world.findUser(id);
  if (user === undefined) throw badRequest("user not found");
  const found = ctx.world.member(state, id);
  if (found === undefined || !ctx.world.isMember(state, id)) throw badRequest("USER_NOT_PARTICIPANT");
  return found;
}

function setChatAdministratorCustomTitle(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  groupOrSupergroup(state);
  const target = member(ctx, state);
  if (target.status === "creator") throw badRequest("only the owner can edit their custom title");
  if (target.status !== "administrator") throw badRequest("user is not an administrator");
  if (target.can_be_edited !== true) throw badRequest("not enough rights to change custom title of the user");
  const title = optStr(ctx.params, "custom_title") ?? "";
  // The docs: 0-16 characters, emoji not allowed (Telegram's ADMIN_RANK_* errors).
  if (title.length > 16) throw badRequest("ADMIN_RANK_INVALID");
  if (/\p{Extended_Pictographic}/u.test(title)) throw badRequest("ADMIN_RANK_EMOJI_NOT_ALLOWED");
  if (title === "") delete target.custom_title;
  else target.custom_title = title;
  return true;
}

function setChatMemberTag(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  groupOrSupergroup(state);
  administratorWith(ctx, state, "can_manage_tags");
  const target = member(ctx, state);
  const tag = optStr(ctx.params, "tag") ?? "";
  if (tag.length > 16) throw badRequest("ADMIN_RANK_INVALID");
  // An administrator's tag is its custom title (Client.cpp prints the member's tag as custom_title).
  const field = target.status === "administrator" || target.status === "creator" ? "custom_title" : "tag";
  if (tag === "") delete target[field];
  else target[field] = tag;
  return true;
}

function senderBan(banned: boolean): Handler {
  return (ctx) => {
    const state = targetChat(ctx);
    if (state.chat.type !== "supergroup" && state.chat.type !== "channel") {
      throw badRequest("method is available only for supergroups and channel");
    }
    administratorWith(ctx, state, "can_restrict_members");
    const sender = ctx.world.chats.get(optInt(ctx.params, "sender_chat_id") ?? 0);
    if (sender === undefined) throw badRequest("chat not found");
    const set = bannedSenders.get(state) ?? new Set<number>();
    bannedSenders.set(state, set);
    if (banned) set.add(sender.chat.id);
    else set.delete(sender.chat.id);
    return true;
  };
}

function getUserChatBoosts(ctx: CallContext): Obj {
  const state = targetChat(ctx);
  if (state.chat.type !== "supergroup" && state.chat.type !== "channel") {
    throw badRequest("CHAT_ADMIN_REQUIRED");
  }
  administratorWith(ctx, state, "can_manage_chat");
  if (ctx.world.findUser(optInt(ctx.params, "user_id")) === undefined) throw badRequest("user not found");
  // Boosts come from Premium subscriptions, which no emulated user has.
  return { boosts: [] };
}

function sendMessageDraft(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.user === undefined) throw badRequest("TEXTDRAFT_PEER_INVALID");
  const draftId = optInt(ctx.params, "draft_id") ?? 0;
  if (draftId === 0) throw badRequest("DRAFT_ID_INVALID");
  reqStr(ctx.params, "text", "message text is empty");
  const text = formattedText(ctx, "text", "entities", "parse_mode", MAX_TEXT)!;
  ctx.world.drafts.set(state, { draft_id: draftId, ...text });
  return true;
}

/** Member titles and tags, sender chat bans, boosts and message drafts. */
export const MEMBER_METHODS: Readonly<Record<string, Handler>> = {
  setChatAdministratorCustomTitle,
  setChatMemberTag,
  banChatSenderChat: senderBan(true),
  unbanChatSenderChat: senderBan(false),
  getUserChatBoosts,
  sendMessageDraft,
};
