import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optInt, optStr, reqStr } from "../params.ts";
import type { BusinessState } from "../stars.ts";
import type { Obj } from "../types.ts";
import { ownedGifts } from "./stars.ts";

/** Client.cpp TdOnCheckBusinessConnectionCallback's default message. */
const NOT_FOUND = "business connection not found";

/** The business connection a call names, which must be this bot's and enabled. */
export function businessOf(ctx: CallContext): BusinessState {
  const id = reqStr(ctx.params, "business_connection_id", "business_connection_id is empty");
  const found = ctx.world.stars.business.get(id);
  if (found === undefined || found.bot !== ctx.bot) throw badRequest(NOT_FOUND);
  if (!found.connection.is_enabled) throw badRequest("BUSINESS_CONNECTION_NOT_ALLOWED");
  return found;
}

/**
 * Wraps a handler of a method taking `business_connection_id` so that an id that does not exist (or is another
 * bot's) is refused before anything is done, as the real server checks the connection first.
 */
export function checkingBusiness(handler: Handler): Handler {
  return (ctx) => {
    const id = ctx.params.business_connection_id;
    if (id !== undefined && id !== "") businessOf(ctx);
    return handler(ctx);
  };
}

/** A business right the connection must grant, else Telegram's BOT_ACCESS_FORBIDDEN. */
function needs(ctx: CallContext, right: string): BusinessState {
  const business = businessOf(ctx);
  const rights = (business.connection.rights ?? {}) as Obj;
  if (rights[right] !== true) throw badRequest("BOT_ACCESS_FORBIDDEN");
  return business;
}

/** The business account methods the emulator keeps state for. */
export const BUSINESS_METHODS: Readonly<Record<string, Handler>> = {
  getBusinessConnection: (ctx) => businessOf(ctx).connection,
  setBusinessAccountName: (ctx) => {
    const user = needs(ctx, "can_edit_name").connection.user;
    const first = reqStr(ctx.params, "first_name");
    if (first.length > 64) throw badRequest("FIRSTNAME_INVALID");
    user.first_name = first;
    const last = optStr(ctx.params, "last_name") ?? "";
    if (last === "") delete user.last_name;
    else user.last_name = last;
    return true;
  },
  setBusinessAccountUsername: (ctx) => {
    const business = needs(ctx, "can_edit_username");
    const user = business.connection.user;
    const name = optStr(ctx.params, "username") ?? "";
    if (name !== "" && !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name)) throw badRequest("USERNAME_INVALID");
    const taken = ctx.world.usernames.get(name.toLowerCase());
    if (name !== "" && taken !== undefined && taken !== user.id) throw badRequest("USERNAME_OCCUPIED");
    if (user.username !== undefined) ctx.world.usernames.delete(user.username.toLowerCase());
    if (name === "") delete user.username;
    else {
      user.username = name;
      ctx.world.usernames.set(name.toLowerCase(), user.id);
    }
    return true;
  },
  setBusinessAccountBio: (ctx) => {
    const business = needs(ctx, "can_edit_bio");
    const bio = optStr(ctx.params, "bio") ?? "";
    if (bio.length > 140) throw badRequest("ABOUT_TOO_LONG");
    business.bio = bio;
    return true;
  },
  getBusinessAccountStarBalance: (ctx) => ({ amount: needs(ctx, "can_view_gifts_and_stars").stars }),
  transferBusinessAccountStars: (ctx) => {
    const business = needs(ctx, "can_transfer_stars");
    const count = optInt(ctx.params, "star_count") ?? 0;
    if (count < 1 || count > 10000) throw badRequest("STARS_AMOUNT_INVALID");
    if (business.stars < count) throw badRequest("BALANCE_TOO_LOW");
    business.stars -= count;
    ctx.world.stars.receive(ctx.bot, count, business.connection.user);
    return true;
  },
  getBusinessAccountGifts: (ctx) =>
    ownedGifts(ctx, needs(ctx, "can_view_gifts_and_stars").connection.user.id),
};
