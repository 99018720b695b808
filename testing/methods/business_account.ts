import type { TypeSpec } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optArray, optBool, optInt, optObj, reqStr } from "../params.ts";
import { plausible } from "../plausible.ts";
import type { BusinessState } from "../stars.ts";
import type { Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { businessOf } from "./business.ts";
import { resolveFile } from "./common.ts";

/** The connection, which must grant `right` (Telegram's BOT_ACCESS_FORBIDDEN otherwise). */
function withRight(ctx: CallContext, right: string): BusinessState {
  const business = businessOf(ctx);
  if ((business.connection.rights as Obj | undefined)?.[right] !== true) {
    throw badRequest("BOT_ACCESS_FORBIDDEN");
  }
  return business;
}

/** Messages of the account's chats, found by the connection they went out through. */
function businessMessages(ctx: CallContext, business: BusinessState): { state: ChatState; id: number }[] {
  const out: { state: ChatState; id: number }[] = [];
  for (const state of ctx.world.privates.values()) {
    for (const message of state.log) {
      if (message?.business_connection_id === business.connection.id) {
        out.push({ state, id: message.message_id });
      }
    }
  }
  return out;
}

function readBusinessMessage(ctx: CallContext): boolean {
  withRight(ctx, "can_read_messages");
  const chat = ctx.world.findChat(ctx.params.chat_id, ctx.bot);
  if (chat === undefined || chat.user === undefined) throw badRequest("chat not found");
  if (ctx.world.message(chat, ctx.params.message_id) === undefined) throw badRequest("message not found");
  return true;
}

function deleteBusinessMessages(ctx: CallContext): boolean {
  const business = businessOf(ctx);
  const rights = (business.connection.rights ?? {}) as Obj;
  if (rights.can_delete_sent_messages !== true && rights.can_delete_all_messages !== true) {
    throw badRequest("BOT_ACCESS_FORBIDDEN");
  }
  const ids = ((optArray(ctx.params, "message_ids") ?? []) as unknown[]).map(Number);
  if (ids.length === 0 || ids.length > 100) throw badRequest("message identifiers are not specified");
  const known = businessMessages(ctx, business);
  const targets = known.filter((m) => ids.includes(m.id));
  // All messages must come from one chat (the docs); unknown ones are skipped, as Telegram skips them.
  if (new Set(targets.map((t) => t.state)).size > 1) throw badRequest("MESSAGE_IDS_FROM_DIFFERENT_CHATS");
  for (const { state, id } of targets) state.log[id - 1] = undefined;
  return true;
}

async function setBusinessAccountProfilePhoto(ctx: CallContext): Promise<boolean> {
  const business = withRight(ctx, "can_edit_profile_photo");
  const input = optObj(ctx.params, "photo") ?? {};
  const value = input.type === "animated" ? input.animation : input.photo;
  const upload = value instanceof File || (typeof value === "string" && value.startsWith("attach://"));
  // Client.cpp get_input_chat_photo: "Photo must be uploaded as a file".
  if (!upload) throw badRequest("photo must be uploaded as a file");
  const file = await resolveFile(ctx, value, "profile_photos");
  const { file_path: _, ...facts } = FileStore.describe(file);
  const sizes = [{ ...facts, width: 160, height: 160 }, { ...facts, width: 640, height: 640 }];
  const userId = business.connection.user.id;
  // A public photo is what users who cannot see the main one get; the emulator shows both to bots.
  ctx.world.profilePhotos.set(userId, [sizes, ...(ctx.world.profilePhotos.get(userId) ?? [])]);
  return true;
}

function removeBusinessAccountProfilePhoto(ctx: CallContext): boolean {
  const business = withRight(ctx, "can_edit_profile_photo");
  const userId = business.connection.user.id;
  const photos = ctx.world.profilePhotos.get(userId) ?? [];
  if (photos.length === 0) throw badRequest("PHOTO_NOT_FOUND");
  ctx.world.profilePhotos.set(userId, photos.slice(1));
  return true;
}

function setBusinessAccountGiftSettings(ctx: CallContext): boolean {
  const business = withRight(ctx, "can_change_gift_settings");
  business.giftSettings = {
    show_gift_button: optBool(ctx.params, "show_gift_button") ?? false,
    accepted_gift_types: optObj(ctx.params, "accepted_gift_types") ?? {},
  };
  return true;
}

/** An owned gift of the account, by owned_gift_id. */
function ownedGift(ctx: CallContext, business: BusinessState): { list: Obj[]; index: number } {
  const id = reqStr(ctx.params, "owned_gift_id");
  const list = ctx.world.stars.ownedGifts.get(business.connection.user.id) ?? [];
  const index = list.findIndex((g) => g.owned_gift_id === id);
  if (index < 0) throw badRequest("STARGIFT_INVALID");
  return { list, index };
}

function convertGiftToStars(ctx: CallContext): boolean {
  const business = withRight(ctx, "can_convert_gifts_to_stars");
  const { list, index } = ownedGift(ctx, business);
  const gift = list[index];
  if (gift.type !== "regular") throw badRequest("STARGIFT_CONVERT_TOO_OLD");
  business.stars += Number((gift.gift as Obj).star_count ?? 0);
  list.splice(index, 1);
  return true;
}

function upgradeGift(types: Readonly<Record<string, TypeSpec>>): Handler {
  return (ctx) => {
    const business = withRight(ctx, "can_transfer_and_upgrade_gifts");
    const { list, index } = ownedGift(ctx, business);
    const gift = list[index];
    if (gift.type !== "regular") throw badRequest("STARGIFT_UPGRADE_UNAVAILABLE");
    const price = optInt(ctx.params, "star_count") ?? 0;
    if (business.stars < price) throw badRequest("BALANCE_TOO_LOW");
    business.stars -= price;
    const base = (gift.gift as Obj).id as string;
    const unique = {
      ...(plausible(types, "UniqueGift") as Obj),
      gift_id: base,
      base_name: "Gift",
      name: `Gift-${list.length}`,
      number: list.length,
    };
    list[index] = {
      type: "unique",
      gift: unique,
      owned_gift_id: gift.owned_gift_id,
      send_date: gift.send_date,
      can_be_transferred: true,
    };
    return true;
  };
}

function transferGift(ctx: CallContext): boolean {
  const business = withRight(ctx, "can_transfer_and_upgrade_gifts");
  const { list, index } = ownedGift(ctx, business);
  const gift = list[index];
  if (gift.type !== "unique") throw badRequest("STARGIFT_NOT_UNIQUE");
  const to = optInt(ctx.params, "new_owner_chat_id") ?? 0;
  if (ctx.world.findUser(to) === undefined && ctx.world.chats.get(to) === undefined) {
    throw badRequest("chat not found");
  }
  const price = optInt(ctx.params, "star_count") ?? 0;
  if (business.stars < price) throw badRequest("BALANCE_TOO_LOW");
  business.stars -= price;
  list.splice(index, 1);
  const owned = ctx.world.stars.ownedGifts;
  owned.set(to, [...(owned.get(to) ?? []), gift]);
  return true;
}

/** Business account messages, photos, gift settings and owned gifts. */
export function businessAccountMethods(types: Readonly<Record<string, TypeSpec>>): Record<string, Handler> {
  return {
    readBusinessMessage,
    deleteBusinessMessages,
    setBusinessAccountProfilePhoto,
    removeBusinessAccountProfilePhoto,
    setBusinessAccountGiftSettings,
    convertGiftToStars,
    upgradeGift: upgradeGift(types),
    transferGift,
  };
}
