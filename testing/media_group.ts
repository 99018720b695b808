import type { Obj } from "./types.ts";

/** Item types an album may hold (Client.cpp get_input_media with `for_album`). */
const ALBUM_TYPES: ReadonlySet<string> = new Set([
  "photo",
  "live_photo",
  "video",
  "audio",
  "document",
]);

/**
 * Why the server refuses `media` of a sendMediaGroup call while reading it, before it sends anything, or
 * null: telegram-bot-api Client.cpp get_input_message_contents (the JSON must be an array) and
 * get_input_media for an album (each item an object with a `type`, a file in `media`, and a type an album
 * may hold: `animation` is refused by name, an unknown type as unsupported). Its texts, with the first
 * letter lowercased as fail_query_with_error does. Later checks (count, show_caption_above_media, mixed
 * types) are TDLib's, made once the items are read: see the sendMediaGroup handler.
 */
export function mediaGroupRefusal(value: unknown, files: ReadonlyMap<string, unknown>): string | null {
  let media = value;
  if (typeof media === "string") {
    try {
      media = JSON.parse(media);
    } catch {
      return "can't parse media JSON object";
    }
  }
  if (!Array.isArray(media)) return "expected an Array of InputMedia";
  for (const item of media) {
    const problem = itemRefusal(item, files);
    if (problem !== null) return `can't parse InputMedia: ${problem}`;
  }
  return null;
}

// td JsonObject::get_required_string_field / get_optional_string_field take a string or a number.
function stringField(item: Obj, name: string): string | undefined | null {
  const v = item[name];
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return null;
}

/** Whether Client.cpp get_input_file finds a file: a file_id or URL, or an attached part. */
function hasFile(value: string | undefined, files: ReadonlyMap<string, unknown>): boolean {
  if (value === undefined || value === "") return false;
  return !value.startsWith("attach://") || files.has(value.slice("attach://".length));
}

function itemRefusal(item: unknown, files: ReadonlyMap<string, unknown>): string | null {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return "expected an Object";
  const m = item as Obj;
  const type = stringField(m, "type");
  if (type === undefined) return `Can't find field "type"`;
  if (type === null) return `Field "type" must be of type String`;
  const media = stringField(m, "media");
  if (media === null) return `Field "media" must be of type String`;
  if (!hasFile(media, files)) return "media not found";
  if (type === "live_photo") {
    const photo = stringField(m, "photo");
    if (photo === null) return `Field "photo" must be of type String`;
    if (!hasFile(photo, files)) return "photo not found";
  }
  if (type === "animation") return `type "animation" can't be used in sendMediaGroup`;
  if (!ALBUM_TYPES.has(type)) return `type "${type}" is unsupported`;
  return null;
}
