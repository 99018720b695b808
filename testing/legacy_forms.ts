import { looseInt } from "./loose_values.ts";
import type { Obj } from "./types.ts";

/** Rewrites a call's legacy form in place and reports it through `warn`. */
export type Rewrite = (
  params: Obj,
  warn: (parameter: string, message: string) => void,
  files: ReadonlyMap<string, File>,
) => void;

/** Splits an `emojis` string of the legacy sticker methods into one emoji per item. */
function emojiList(emojis: unknown): string[] {
  const segmenter = new Intl.Segmenter();
  return [...segmenter.segment(String(emojis ?? ""))].map((s) => s.segment).filter((s) => s.trim() !== "");
}

/** `png_sticker`/`tgs_sticker`/`webm_sticker` plus `emojis` (Client.cpp `get_legacy_input_sticker`). */
function legacySticker(params: Obj, files: ReadonlyMap<string, File>): Obj | undefined {
  const formats: [string, string][] = [["png_sticker", "static"], ["tgs_sticker", "animated"], [
    "webm_sticker",
    "video",
  ]];
  for (const [name, format] of formats) {
    const file = params[name] ?? (files.has(name) ? `attach://${name}` : undefined);
    if (file === undefined) continue;
    const sticker: Obj = { sticker: file, format, emoji_list: emojiList(params.emojis) };
    if (params.mask_position !== undefined) sticker.mask_position = params.mask_position;
    for (const key of ["png_sticker", "tgs_sticker", "webm_sticker", "emojis", "mask_position"]) {
      delete params[key];
    }
    return sticker;
  }
  return undefined;
}

/** A JSON parameter as a value: form bodies send JSON text. */
export function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Fills the `format` an InputSticker may leave out when the method has a default (Client.cpp `get_input_sticker`). */
function withFormat(sticker: unknown, format: string): unknown {
  const value = parsed(sticker);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return sticker;
  const obj = value as Obj;
  return obj.format === undefined || obj.format === "" ? { ...obj, format } : obj;
}

/**
 * Legacy forms the real server still reads, per method, rewritten into today's parameters. Each names the
 * Client.cpp function that reads the old form.
 */
export const LEGACY_FORMS: Readonly<Record<string, Rewrite>> = {
  // process_send_poll_query: `correct_option_id` when `correct_option_ids` is absent; get_input_poll_options
  // reads plain strings as options.
  sendPoll(params, warn) {
    if (params.correct_option_id !== undefined && params.correct_option_ids === undefined) {
      params.correct_option_ids = [looseInt(params.correct_option_id)];
      delete params.correct_option_id;
      warn("correct_option_id", "legacy correct_option_id read as correct_option_ids");
    }
    const options = parsed(params.options);
    if (Array.isArray(options) && options.some((o) => typeof o === "string")) {
      params.options = options.map((o) => typeof o === "string" ? { text: o } : o);
      warn("options", "plain string poll options read as InputPollOption");
    }
  },
  createNewStickerSet(params, warn, files) {
    const sticker = legacySticker(params, files);
    if (sticker !== undefined && params.stickers === undefined) {
      params.stickers = [sticker];
      warn("stickers", "legacy png_sticker/tgs_sticker/webm_sticker + emojis read as stickers");
    }
    const format = params.sticker_format;
    delete params.sticker_format;
    const stickers = parsed(params.stickers);
    if (typeof format === "string" && Array.isArray(stickers)) {
      params.stickers = stickers.map((s) => withFormat(s, format));
      warn("sticker_format", "legacy sticker_format used as the stickers' default format");
    }
  },
  addStickerToSet(params, warn, files) {
    const sticker = legacySticker(params, files);
    if (sticker !== undefined && params.sticker === undefined) {
      params.sticker = sticker;
      warn("sticker", "legacy png_sticker/tgs_sticker/webm_sticker + emojis read as sticker");
    } else if (params.sticker !== undefined) {
      const filled = withFormat(params.sticker, "auto");
      if (filled !== params.sticker && (filled as Obj).format === "auto") {
        params.sticker = filled;
        warn("sticker", "InputSticker without format read with format \"auto\"");
      }
    }
  },
  // process_upload_sticker_file_query: without `sticker`, the file is `png_sticker` in the static format.
  uploadStickerFile(params, warn, files) {
    if (params.sticker !== undefined || files.has("sticker")) return;
    const png = params.png_sticker ?? (files.has("png_sticker") ? "attach://png_sticker" : undefined);
    if (png === undefined) return;
    params.sticker = png;
    params.sticker_format ??= "static";
    delete params.png_sticker;
    warn("png_sticker", "legacy png_sticker read as sticker in the static format");
  },
  // process_set_sticker_set_thumbnail_query: `thumb` for `thumbnail`, an empty `format` is "auto".
  setStickerSetThumbnail(params, warn, files) {
    const thumb = params.thumb ?? (files.has("thumb") ? "attach://thumb" : undefined);
    if (params.thumbnail === undefined && !files.has("thumbnail") && thumb !== undefined) {
      params.thumbnail = thumb;
      delete params.thumb;
      warn("thumb", "legacy thumb read as thumbnail");
    }
    if (params.format === undefined || params.format === "") {
      params.format = "auto";
      warn("format", "missing format filled with \"auto\"");
    }
  },
};
