import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optArray, optInt, optObj, optStr, reqStr } from "../params.ts";
import { STICKER_FORMATS, stickerObject, type StickerSetState } from "../sticker_sets.ts";
import type { Obj } from "../types.ts";
import { resolveFile } from "./common.ts";

// Error texts: Client.cpp fail_query_with_error turns PACK_SHORT_NAME_INVALID, PACK_SHORT_NAME_OCCUPIED and
// STICKER_EMOJI_INVALID into these words; other RPC errors pass through as their upper-case names.
const NAME_INVALID = "invalid sticker set name is specified";
const NAME_OCCUPIED = "sticker set name is already occupied";
const EMOJI_INVALID = "invalid sticker emojis";
const SET_INVALID = "STICKERSET_INVALID";
const STICKER_INVALID = "STICKER_ID_INVALID";
const STICKER_TYPES: ReadonlySet<string> = new Set(["regular", "mask", "custom_emoji"]);
/** Telegram's limits: 120 stickers in a regular or mask set, 200 in a custom emoji set; 50 at creation. */
const MAX_STICKERS: Readonly<Record<string, number>> = { regular: 120, mask: 120, custom_emoji: 200 };
const MAX_AT_CREATION = 50;

function setByName(ctx: CallContext, param = "name"): StickerSetState {
  const name = reqStr(ctx.params, param, "sticker set name is empty");
  const state = ctx.world.stickerSets.get(name.toLowerCase());
  if (state === undefined) throw badRequest(SET_INVALID);
  return state;
}

/** A set the calling bot created (others' sets and built-in ones cannot be changed). */
function ownSet(ctx: CallContext, param = "name"): StickerSetState {
  const state = setByName(ctx, param);
  if (state.botId !== ctx.bot.user.id) throw badRequest(SET_INVALID);
  return state;
}

function owner(ctx: CallContext): number {
  const id = optInt(ctx.params, "user_id");
  if (id === undefined || ctx.world.users.get(id) === undefined) throw badRequest("user not found");
  return id;
}

/** The bot's set holding the sticker with this file_id (the bot's own), and the sticker's position. */
function ownSticker(ctx: CallContext, param = "sticker"): { state: StickerSetState; index: number } {
  const file = ctx.world.files.usableBy(reqStr(ctx.params, param, "sticker is empty"), ctx.bot.user.id);
  if (file === undefined) throw badRequest(STICKER_INVALID);
  for (const state of ctx.world.stickerSets.values()) {
    const index = state.set.stickers.findIndex((s) => s.file_id === file.file_id);
    if (index < 0) continue;
    if (state.botId !== ctx.bot.user.id) throw badRequest(SET_INVALID);
    return { state, index };
  }
  throw badRequest(STICKER_INVALID);
}

function emojiList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 20) throw badRequest(EMOJI_INVALID);
  for (const e of value) if (typeof e !== "string" || e.trim() === "") throw badRequest(EMOJI_INVALID);
  return value as string[];
}

async function inputSticker(ctx: CallContext, input: Obj, set: StickerSetState["set"]): Promise<Obj> {
  const format = String(input.format ?? "");
  if (STICKER_FORMATS[format] === undefined && format !== "auto") {
    throw badRequest("invalid sticker format specified");
  }
  const emojis = emojiList(input.emoji_list);
  const file = await resolveFile(ctx, input.sticker, "stickers");
  // "auto" (Client.cpp get_sticker_format) lets the server tell the format from the file.
  const detected = format !== "auto"
    ? format
    : file.mime_type === "video/webm"
    ? "video"
    : file.mime_type === "application/x-tgsticker"
    ? "animated"
    : "static";
  const sticker = stickerObject(file, set.name, set.sticker_type, detected, emojis[0]);
  if (input.mask_position !== undefined && set.sticker_type === "mask") {
    sticker.mask_position = input.mask_position;
  }
  if (set.needs_repainting === true) sticker.needs_repainting = true;
  return sticker;
}

function storeKeywords(state: StickerSetState, sticker: Obj, input: Obj): void {
  if (Array.isArray(input.keywords)) state.keywords.set(String(sticker.file_id), input.keywords as string[]);
}

async function createNewStickerSet(ctx: CallContext): Promise<boolean> {
  const userId = owner(ctx);
  const name = reqStr(ctx.params, "name");
  const suffix = `_by_${String(ctx.bot.user.username).toLowerCase()}`;
  if (
    !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) || !name.toLowerCase().endsWith(suffix) || name.includes("__")
  ) {
    throw badRequest(NAME_INVALID);
  }
  if (ctx.world.stickerSets.has(name.toLowerCase())) throw badRequest(NAME_OCCUPIED);
  const type = optStr(ctx.params, "sticker_type") ?? "regular";
  if (!STICKER_TYPES.has(type)) throw badRequest("unsupported sticker type specified");
  const inputs = (optArray(ctx.params, "stickers") ?? []) as Obj[];
  if (inputs.length === 0) throw badRequest("sticker is not specified");
  if (inputs.length > MAX_AT_CREATION) throw badRequest("too many stickers specified");
  const set: StickerSetState["set"] = {
    name,
    title: reqStr(ctx.params, "title"),
    sticker_type: type,
    stickers: [],
  };
  if (type === "custom_emoji" && ctx.params.needs_repainting === true) set.needs_repainting = true;
  const state: StickerSetState = { set, botId: ctx.bot.user.id, userId, keywords: new Map() };
  for (const input of inputs) {
    const sticker = await inputSticker(ctx, input, set);
    storeKeywords(state, sticker, input);
    set.stickers.push(sticker);
  }
  delete set.needs_repainting;
  ctx.world.stickerSets.set(name.toLowerCase(), state);
  return true;
}

async function addStickerToSet(ctx: CallContext): Promise<boolean> {
  const state = ownSet(ctx);
  if (owner(ctx) !== state.userId) throw badRequest("user not found");
  if (state.set.stickers.length >= MAX_STICKERS[state.set.sticker_type]) {
    throw badRequest("STICKERS_TOO_MUCH");
  }
  const input = optObj(ctx.params, "sticker") ?? {};
  const sticker = await inputSticker(ctx, input, state.set);
  storeKeywords(state, sticker, input);
  state.set.stickers.push(sticker);
  return true;
}

async function replaceStickerInSet(ctx: CallContext): Promise<boolean> {
  const state = ownSet(ctx);
  if (owner(ctx) !== state.userId) throw badRequest("user not found");
  const { state: holder, index } = ownSticker(ctx, "old_sticker");
  if (holder !== state) throw badRequest(STICKER_INVALID);
  const input = optObj(ctx.params, "sticker") ?? {};
  const sticker = await inputSticker(ctx, input, state.set);
  storeKeywords(state, sticker, input);
  state.keywords.delete(String(state.set.stickers[index].file_id));
  state.set.stickers[index] = sticker;
  return true;
}

function setStickerPositionInSet(ctx: CallContext): boolean {
  const { state, index } = ownSticker(ctx);
  const position = optInt(ctx.params, "position") ?? -1;
  const stickers = state.set.stickers;
  if (position < 0 || position >= stickers.length) throw badRequest("STICKER_POSITION_INVALID");
  const [moved] = stickers.splice(index, 1);
  stickers.splice(position, 0, moved);
  return true;
}

function deleteStickerFromSet(ctx: CallContext): boolean {
  const { state, index } = ownSticker(ctx);
  const [gone] = state.set.stickers.splice(index, 1);
  state.keywords.delete(String(gone.file_id));
  return true;
}

function setStickerEmojiList(ctx: CallContext): boolean {
  const { state, index } = ownSticker(ctx);
  state.set.stickers[index].emoji = emojiList(optArray(ctx.params, "emoji_list"))[0];
  return true;
}

function setStickerKeywords(ctx: CallContext): boolean {
  const { state, index } = ownSticker(ctx);
  const keywords = (optArray(ctx.params, "keywords") ?? []) as string[];
  if (keywords.length > 20) throw badRequest("too many keywords specified");
  state.keywords.set(String(state.set.stickers[index].file_id), keywords);
  return true;
}

function setStickerMaskPosition(ctx: CallContext): boolean {
  const { state, index } = ownSticker(ctx);
  if (state.set.sticker_type !== "mask") throw badRequest("STICKER_MASK_COORDS_NOT_SUPPORTED");
  const position = optObj(ctx.params, "mask_position");
  if (position === undefined) delete state.set.stickers[index].mask_position;
  else state.set.stickers[index].mask_position = position;
  return true;
}

function setStickerSetTitle(ctx: CallContext): boolean {
  const state = ownSet(ctx);
  const title = reqStr(ctx.params, "title");
  if (title.length > 64) throw badRequest("STICKERSET_TITLE_INVALID");
  state.set.title = title;
  return true;
}

async function setStickerSetThumbnail(ctx: CallContext): Promise<boolean> {
  const state = ownSet(ctx);
  if (owner(ctx) !== state.userId) throw badRequest("user not found");
  const format = optStr(ctx.params, "format") ?? "auto";
  if (STICKER_FORMATS[format] === undefined && format !== "auto") {
    throw badRequest("invalid sticker format specified");
  }
  const value = ctx.params.thumbnail ?? ctx.files.get("thumbnail");
  if (value === undefined || value === "") {
    delete state.set.thumbnail;
    return true;
  }
  const file = await resolveFile(ctx, value, "thumbnails");
  const { file_path: _, ...facts } = FileStore.describe(file);
  state.set.thumbnail = { ...facts, width: 100, height: 100 };
  return true;
}

function setCustomEmojiStickerSetThumbnail(ctx: CallContext): boolean {
  const state = ownSet(ctx);
  if (state.set.sticker_type !== "custom_emoji") throw badRequest(SET_INVALID);
  const id = optStr(ctx.params, "custom_emoji_id") ?? "";
  if (id === "") {
    delete state.set.thumbnail;
    return true;
  }
  const sticker = state.set.stickers.find((s) => s.custom_emoji_id === id);
  if (sticker === undefined) throw badRequest("CUSTOM_EMOJI_INVALID");
  state.set.thumbnail = {
    file_id: sticker.file_id,
    file_unique_id: sticker.file_unique_id,
    width: 100,
    height: 100,
  };
  return true;
}

function deleteStickerSet(ctx: CallContext): boolean {
  const state = ownSet(ctx);
  ctx.world.stickerSets.delete(state.set.name.toLowerCase());
  return true;
}

async function uploadStickerFile(ctx: CallContext): Promise<Obj> {
  owner(ctx);
  const format = optStr(ctx.params, "sticker_format") ?? "";
  if (STICKER_FORMATS[format] === undefined) throw badRequest("invalid sticker format specified");
  const value = ctx.params.sticker ?? ctx.files.get("sticker");
  if (!(value instanceof File) && !(typeof value === "string" && value.startsWith("attach://"))) {
    // Client.cpp process_upload_sticker_file_query asks for an uploaded file.
    throw badRequest("there is no sticker file in the request");
  }
  // Client.cpp answers the File without file_path: only getFile gives a path to download.
  const { file_path: _, ...file } = FileStore.describe(await resolveFile(ctx, value, "stickers"));
  return file;
}

function customEmojiStickers(ctx: CallContext): Obj[] {
  const ids = (optArray(ctx.params, "custom_emoji_ids") ?? []).map(String);
  if (ids.length > 200) throw badRequest("too many custom emoji identifiers specified");
  const found: Obj[] = [];
  for (const state of ctx.world.stickerSets.values()) {
    for (const sticker of state.set.stickers) {
      if (ids.includes(String(sticker.custom_emoji_id))) found.push(sticker);
    }
  }
  return found;
}

function forumTopicIconStickers(ctx: CallContext): Obj[] {
  return ctx.world.stickerSets.get("emulatortopicicons")?.set.stickers ?? [];
}

/** Sticker sets: create, add, reorder, delete, replace, emoji lists, keywords, mask positions, thumbnails. */
export const STICKER_METHODS: Readonly<Record<string, Handler>> = {
  getStickerSet: (ctx) => setByName(ctx).set,
  getCustomEmojiStickers: customEmojiStickers,
  getForumTopicIconStickers: forumTopicIconStickers,
  uploadStickerFile,
  createNewStickerSet,
  addStickerToSet,
  replaceStickerInSet,
  setStickerPositionInSet,
  deleteStickerFromSet,
  setStickerEmojiList,
  setStickerKeywords,
  setStickerMaskPosition,
  setStickerSetTitle,
  setStickerSetThumbnail,
  setCustomEmojiStickerSetThumbnail,
  deleteStickerSet,
};
