import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import type { InviteState } from "../invites.ts";
import { optBool, optInt, optStr, reqStr } from "../params.ts";
import type { Obj, UserObj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { targetChat } from "./common.ts";

/** Telegram's subscription period: 30 days, the only one it offers. */
const SUBSCRIPTION_PERIOD = 2592000;
const MAX_SUBSCRIPTION_PRICE = 10000;
const MAX_MEMBER_LIMIT = 99999;

function inviter(ctx: CallContext): ChatState {
  const state = targetChat(ctx);
  if (state.user !== undefined) throw badRequest("method is not available for private chats");
  const me = state.members.get(ctx.bot.user.id);
  if (me?.status !== "creator" && (me?.status !== "administrator" || me.can_invite_users !== true)) {
    throw badRequest("not enough rights to manage chat invite link");
  }
  return state;
}

/** The link's optional fields from the call, checked as Telegram checks them. */
function linkFields(ctx: CallContext): Obj {
  const out: Obj = {};
  const name = optStr(ctx.params, "name");
  if (name !== undefined) {
    if (name.length > 32) throw badRequest("invite link name is too long");
    if (name === "") out.name = undefined;
    else out.name = name;
  }
  const expire = optInt(ctx.params, "expire_date");
  if (expire !== undefined) out.expire_date = expire === 0 ? undefined : expire;
  const limit = optInt(ctx.params, "member_limit");
  if (limit !== undefined) {
    if (limit < 0 || limit > MAX_MEMBER_LIMIT) throw badRequest("USAGE_LIMIT_INVALID");
    out.member_limit = limit === 0 ? undefined : limit;
  }
  const requests = optBool(ctx.params, "creates_join_request");
  if (requests !== undefined) out.creates_join_request = requests;
  return out;
}

function apply(link: Obj, fields: Obj): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete link[key];
    else link[key] = value;
  }
  if (link.creates_join_request === true && link.member_limit !== undefined) {
    throw badRequest("member limit can't be specified for links requiring administrator approval");
  }
}

/** A link of this chat the bot made (Telegram lets a bot manage only its own links). */
function ownLink(ctx: CallContext, state: ChatState): InviteState {
  const url = reqStr(ctx.params, "invite_link", "invite_link is empty");
  const found = ctx.world.invites.links.get(url);
  if (found === undefined || found.chat !== state) throw badRequest("INVITE_HASH_EXPIRED");
  if ((found.link.creator as UserObj).id !== ctx.bot.user.id) throw badRequest("CHAT_ADMIN_REQUIRED");
  return found;
}

function primary(ctx: CallContext, state: ChatState): string {
  const old = state.info.invite_link;
  if (typeof old === "string") {
    const previous = ctx.world.invites.links.get(old);
    if (previous !== undefined) previous.link.is_revoked = true;
  }
  const fresh = ctx.world.invites.create(state, ctx.bot.sender, {}, true);
  state.info.invite_link = fresh.link.invite_link;
  return fresh.link.invite_link;
}

function createChatInviteLink(ctx: CallContext): Obj {
  const state = inviter(ctx);
  const fields = linkFields(ctx);
  const link = ctx.world.invites.create(state, ctx.bot.sender, {}, false).link;
  apply(link, fields);
  return link;
}

function editChatInviteLink(ctx: CallContext): Obj {
  const state = inviter(ctx);
  const found = ownLink(ctx, state);
  if (found.link.is_revoked) throw badRequest("INVITE_HASH_EXPIRED");
  if (found.link.subscription_period !== undefined) throw badRequest("can't edit subscription invite link");
  apply(found.link, linkFields(ctx));
  return found.link;
}

function createChatSubscriptionInviteLink(ctx: CallContext): Obj {
  const state = inviter(ctx);
  if (state.chat.type !== "channel") throw badRequest("subscription links are available only in channels");
  if (optInt(ctx.params, "subscription_period") !== SUBSCRIPTION_PERIOD) {
    throw badRequest("SUBSCRIPTION_PERIOD_INVALID");
  }
  const price = optInt(ctx.params, "subscription_price") ?? 0;
  if (price < 1 || price > MAX_SUBSCRIPTION_PRICE) throw badRequest("SUBSCRIPTION_PRICE_INVALID");
  const name = optStr(ctx.params, "name");
  if (name !== undefined && name.length > 32) throw badRequest("invite link name is too long");
  return ctx.world.invites.create(state, ctx.bot.sender, {
    ...(name !== undefined && name !== "" ? { name } : {}),
    subscription_period: SUBSCRIPTION_PERIOD,
    subscription_price: price,
  }, false).link;
}

function editChatSubscriptionInviteLink(ctx: CallContext): Obj {
  const state = inviter(ctx);
  const found = ownLink(ctx, state);
  if (found.link.subscription_period === undefined) throw badRequest("not a subscription invite link");
  const name = optStr(ctx.params, "name") ?? "";
  if (name.length > 32) throw badRequest("invite link name is too long");
  if (name === "") delete found.link.name;
  else found.link.name = name;
  return found.link;
}

function revokeChatInviteLink(ctx: CallContext): Obj {
  const state = inviter(ctx);
  const found = ownLink(ctx, state);
  if (found.link.is_primary === true) primary(ctx, state);
  found.link.is_revoked = true;
  return found.link;
}

function settleJoinRequest(approve: boolean): Handler {
  return (ctx) => {
    const state = inviter(ctx);
    const userId = optInt(ctx.params, "user_id") ?? 0;
    if (approve && ctx.world.isMember(state, userId)) throw badRequest("USER_ALREADY_PARTICIPANT");
    // Telegram's answer when there is no pending request from this user.
    const pending = ctx.world.invites.settle(state, userId);
    if (pending === undefined) throw badRequest("HIDE_REQUESTER_MISSING");
    if (!approve) return true;
    if (pending.via !== undefined) pending.via.joined++;
    ctx.world.changeMember(state, ctx.bot.sender, ctx.world.joiningMember(state, pending.user));
    if (state.chat.type !== "channel") {
      const message = ctx.world.addMessage(state, { new_chat_members: [pending.user] }, pending.user, null);
      ctx.world.broadcast(state, "message", message);
    }
    return true;
  };
}

/** Invite links (primary, additional, subscription; edit and revoke) and join requests. */
export const INVITE_METHODS: Readonly<Record<string, Handler>> = {
  exportChatInviteLink: (ctx) => primary(ctx, inviter(ctx)),
  createChatInviteLink,
  editChatInviteLink,
  createChatSubscriptionInviteLink,
  editChatSubscriptionInviteLink,
  revokeChatInviteLink,
  approveChatJoinRequest: settleJoinRequest(true),
  declineChatJoinRequest: settleJoinRequest(false),
};
