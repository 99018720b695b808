/**
 * What an edit changes in a message, shared by the editing methods of chat and inline messages
 * (`edit.ts`) and of ephemeral ones (`ephemeral.ts`): each checks its own target, then builds the change
 * here and applies it with {@link applyEdit}.
 */
import type { CallContext } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optJson } from "../params.ts";
import type { Obj } from "../types.ts";
import { checkInlineKeyboard, MAX_CAPTION, MAX_TEXT, resolveFile } from "./common.ts";
import { formattedText } from "./compose.ts";
import { MEDIA_KINDS, mediaField } from "./media.ts";

/** A change made to a copy of the message. */
export type EditChange = (next: Obj) => void;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same "
  + "as a current content and reply markup of the message";

/**
 * Applies `change` and the call's `reply_markup` (removed when absent, as Telegram removes it) to a copy
 * first: an edit that changes nothing is Telegram's 400 "message is not modified" and leaves the
 * message untouched. The message loses its `edit_date`; the caller sets the new one.
 */
export function applyEdit(ctx: CallContext, message: Obj, change: EditChange): void {
  const next: Obj = { ...message };
  change(next);
  const markup = optJson(ctx.params, "reply_markup") as Obj | undefined;
  if (markup !== undefined) {
    checkInlineKeyboard(markup.inline_keyboard);
    next.reply_markup = markup;
  } else delete next.reply_markup;
  delete next.edit_date;
  const { edit_date: _, ...before } = message;
  if (sameContent(next, before)) throw badRequest(NOT_MODIFIED);
  for (const key of Object.keys(message)) if (!(key in next)) delete message[key];
  Object.assign(message, next);
}

// Equal as JSON values: objects by their fields in any order (an edit re-adds fields at the end, and a
// bot may spell a keyboard's buttons with their fields in another order), arrays item by item.
function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameContent(item, other[i]));
  }
  const x = a as Obj;
  const y = b as Obj;
  const keys = Object.keys(x).filter((key) => x[key] !== undefined);
  return keys.length === Object.keys(y).filter((key) => y[key] !== undefined).length
    && keys.every((key) => key in y && sameContent(x[key], y[key]));
}

/** The call's new text and entities; `checkText` false lets a message without text be edited (inline ones). */
export function textChange(ctx: CallContext, message: Obj, checkText = true): EditChange {
  if (checkText && typeof message.text !== "string") {
    throw badRequest("there is no text in the message to edit");
  }
  const formatted = formattedText(ctx, "text", "entities", "parse_mode", MAX_TEXT);
  if (formatted === undefined || formatted.text.trim() === "") throw badRequest("message text is empty");
  return (next) => {
    next.text = formatted.text;
    if (formatted.entities === undefined) delete next.entities;
    else next.entities = formatted.entities;
  };
}

/** The call's new caption and its entities (none: the caption is removed). */
export function captionChange(ctx: CallContext, message: Obj): EditChange {
  if (typeof message.text === "string") throw badRequest("there is no caption in the message to edit");
  const caption = formattedText(ctx, "caption", "caption_entities", "parse_mode", MAX_CAPTION);
  return (next) => {
    delete next.caption;
    delete next.caption_entities;
    if (caption !== undefined && caption.text !== "") {
      next.caption = caption.text;
      if (caption.entities !== undefined) next.caption_entities = caption.entities;
    }
  };
}

// What an edit may put in a message, and what it may replace: the InputMedia types.
const EDITABLE_MEDIA: ReadonlySet<string> = new Set(["animation", "audio", "document", "photo", "video"]);

/**
 * The call's new `media` in place of the message's media and caption, its file stored or found first.
 * Only a message holding editable media can change it (Telegram's 400 otherwise), except that
 * `fromText` lets a text message become a media one (what an inline message may do): its text goes.
 */
export async function mediaChange(ctx: CallContext, message: Obj, fromText = false): Promise<EditChange> {
  const media = optJson(ctx.params, "media") as Obj | undefined;
  if (media === undefined || typeof media !== "object") throw badRequest("media is empty");
  const kind = String(media.type);
  if (!EDITABLE_MEDIA.has(kind)) throw badRequest(`can't parse InputMedia: type "${kind}" is unsupported`);
  const hasMedia = Object.keys(message).some((key) => EDITABLE_MEDIA.has(key));
  if (!hasMedia && !(fromText && typeof message.text === "string")) {
    throw badRequest("there is no media in the message to edit");
  }
  const file = await resolveFile(ctx, media.media, MEDIA_KINDS[kind].folder);
  return (next) => {
    for (const k of Object.keys(MEDIA_KINDS)) delete next[k];
    delete next.text;
    delete next.entities;
    delete next.caption;
    delete next.caption_entities;
    next[kind] = mediaField(kind, FileStore.describe(file), file, media);
    if (typeof media.caption === "string") next.caption = media.caption;
  };
}
