import { TYPES } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore, type StoredFile } from "../files.ts";
import { optArray, optInt, optObj, reqStr } from "../params.ts";
import type { Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { postServiceMessage, resolveFile, targetChat, targetMessage } from "./common.ts";

/** The emoji Telegram offers as reactions: the values the spec lists for ReactionTypeEmoji.emoji. */
export const REACTION_EMOJI: ReadonlySet<string> = new Set(
  TYPES.ReactionTypeEmoji.fields.find((field) => field.name === "emoji")?.enum?.map(String) ?? [],
);

/** Reactions a bot may put on one message (bots are not Premium users). */
const MAX_BOT_REACTIONS = 1;

function reactionKey(state: ChatState, messageId: number, userId: number): string {
  return `${state.chat.id}:${state.peer?.user.id ?? 0}:${messageId}:${userId}`;
}

function setMessageReaction(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  // Client.cpp check_message(…, "message to react", …) appends " not found".
  const message = targetMessage(ctx, state, "message to react not found");
  const reactions = (optArray(ctx.params, "reaction") ?? []) as Obj[];
  if (reactions.length > MAX_BOT_REACTIONS) throw badRequest("REACTIONS_TOO_MANY");
  for (const r of reactions) {
    if (r.type === "emoji" && !REACTION_EMOJI.has(String(r.emoji).replace(/\uFE0F/g, ""))) {
      throw badRequest("REACTION_INVALID");
    }
    if (r.type === "paid") throw badRequest("REACTION_INVALID");
  }
  const key = reactionKey(state, message.message_id, ctx.bot.user.id);
  if (reactions.length === 0) ctx.world.reactions.delete(key);
  else ctx.world.reactions.set(key, reactions);
  return true;
}

function adminWith(ctx: CallContext, state: ChatState, right: string, what: string): void {
  if (state.user !== undefined) throw badRequest("method is not available for private chats");
  const me = state.members.get(ctx.bot.user.id);
  if (me?.status !== "creator" && (me?.status !== "administrator" || me[right] !== true)) {
    throw badRequest(`not enough rights to ${what}`);
  }
}

function deleteReactions(ctx: CallContext, messageId: number | undefined): boolean {
  const state = targetChat(ctx);
  adminWith(ctx, state, "can_delete_messages", "delete reactions");
  const userId = optInt(ctx.params, "user_id") ?? optInt(ctx.params, "actor_chat_id");
  if (userId === undefined) throw badRequest("user_id or actor_chat_id must be specified");
  const prefix = `${state.chat.id}:0:`;
  for (const key of [...ctx.world.reactions.keys()]) {
    if (!key.startsWith(prefix) || !key.endsWith(`:${userId}`)) continue;
    if (messageId === undefined || key === reactionKey(state, messageId, userId)) {
      ctx.world.reactions.delete(key);
    }
  }
  return true;
}

function chatPhoto(file: StoredFile): Obj {
  return {
    small_file_id: file.file_id,
    small_file_unique_id: file.file_unique_id,
    big_file_id: file.file_id,
    big_file_unique_id: file.file_unique_id,
  };
}

function photoSizes(file: StoredFile): Obj[] {
  const { file_path: _, ...facts } = FileStore.describe(file);
  return [{ ...facts, width: 160, height: 160 }, { ...facts, width: 640, height: 640 }];
}

async function setChatPhoto(ctx: CallContext): Promise<boolean> {
  const state = targetChat(ctx);
  adminWith(ctx, state, "can_change_info", "change chat photo");
  const value = ctx.params.photo ?? ctx.files.get("photo");
  if (!(value instanceof File) && !(typeof value === "string" && value.startsWith("attach://"))) {
    // Client.cpp process_set_chat_photo_query: a file_id or URL is refused.
    throw badRequest("photo must be uploaded as an InputFile");
  }
  const file = await resolveFile(ctx, value, "profile_photos");
  state.info.photo = chatPhoto(file);
  postServiceMessage(ctx, state, { new_chat_photo: photoSizes(file) });
  return true;
}

function deleteChatPhoto(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  adminWith(ctx, state, "can_change_info", "change chat photo");
  if (state.info.photo === undefined) throw badRequest("CHAT_NOT_MODIFIED");
  delete state.info.photo;
  postServiceMessage(ctx, state, { delete_chat_photo: true });
  return true;
}

function setChatStickerSet(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.chat.type !== "supergroup") throw badRequest("method is available only for supergroups");
  adminWith(ctx, state, "can_change_info", "change chat sticker set");
  const name = reqStr(ctx.params, "sticker_set_name", "sticker_set_name is empty");
  const set = ctx.world.stickerSets.get(name.toLowerCase());
  // Client.cpp check_sticker_set answers its default message when the set cannot be found.
  if (set === undefined) throw badRequest("sticker set not found");
  state.info.sticker_set_name = set.set.name;
  state.info.can_set_sticker_set = true;
  return true;
}

function deleteChatStickerSet(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  if (state.chat.type !== "supergroup") throw badRequest("method is available only for supergroups");
  adminWith(ctx, state, "can_change_info", "change chat sticker set");
  delete state.info.sticker_set_name;
  return true;
}

function getUserProfilePhotos(ctx: CallContext): Obj {
  const id = optInt(ctx.params, "user_id") ?? 0;
  if (ctx.world.findUser(id) === undefined) throw badRequest("user not found");
  const photos = ctx.world.profilePhotos.get(id) ?? [];
  const offset = Math.max(optInt(ctx.params, "offset") ?? 0, 0);
  const limit = Math.min(Math.max(optInt(ctx.params, "limit") ?? 100, 1), 100);
  return { total_count: photos.length, photos: photos.slice(offset, offset + limit) };
}

async function setMyProfilePhoto(ctx: CallContext): Promise<boolean> {
  const input = optObj(ctx.params, "photo") ?? {};
  const value = input.type === "animated" ? input.animation : input.photo;
  if (value === undefined) throw badRequest("photo isn't specified");
  // Client.cpp get_input_chat_photo: "Photo must be uploaded as a file".
  const upload = value instanceof File || (typeof value === "string" && value.startsWith("attach://"));
  if (!upload) throw badRequest("photo must be uploaded as a file");
  const file = await resolveFile(ctx, value, "profile_photos");
  const id = ctx.bot.user.id;
  ctx.world.profilePhotos.set(id, [photoSizes(file), ...(ctx.world.profilePhotos.get(id) ?? [])]);
  return true;
}

function removeMyProfilePhoto(ctx: CallContext): boolean {
  const id = ctx.bot.user.id;
  const photos = ctx.world.profilePhotos.get(id) ?? [];
  if (photos.length === 0) throw badRequest("PHOTO_NOT_FOUND");
  ctx.world.profilePhotos.set(id, photos.slice(1));
  return true;
}

/** Reactions, chat photos, chat sticker sets and profile photos. */
export const LOOKS_METHODS: Readonly<Record<string, Handler>> = {
  setMessageReaction,
  deleteMessageReaction: (ctx) => deleteReactions(ctx, optInt(ctx.params, "message_id")),
  deleteAllMessageReactions: (ctx) => deleteReactions(ctx, undefined),
  setChatPhoto,
  deleteChatPhoto,
  setChatStickerSet,
  deleteChatStickerSet,
  getUserProfilePhotos,
  setMyProfilePhoto,
  removeMyProfilePhoto,
};
