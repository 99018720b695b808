import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optArray, optInt, optJson, optStr } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { unixNow } from "../types.ts";
import type { ChatState, InlineMessageState } from "../world.ts";
import { checkInlineKeyboard, MAX_CAPTION, MAX_TEXT, resolveFile, targetChat } from "./common.ts";
import { formattedText } from "./compose.ts";
import { MEDIA_KINDS, mediaField } from "./media.ts";

/** The message an edit targets: a chat message of the calling bot, or one of its inline messages. */
interface EditTarget {
  readonly message: Obj;
  readonly state?: ChatState;
  readonly inline?: InlineMessageState;
}

/** Finds the target of an editing method (`chat_id` + `message_id`, or `inline_message_id`). */
export function editTarget(ctx: CallContext, verb = "edited"): EditTarget {
  const inlineId = optStr(ctx.params, "inline_message_id");
  if (inlineId !== undefined && inlineId !== "") {
    const inline = ctx.world.inlineMessages.get(inlineId);
    if (inline === undefined || inline.bot !== ctx.bot) throw badRequest("MESSAGE_ID_INVALID");
    return { message: inline.message, inline };
  }
  if (ctx.params.chat_id === undefined || ctx.params.message_id === undefined) {
    throw badRequest("message identifier is not specified");
  }
  const state = targetChat(ctx);
  const id = optInt(ctx.params, "message_id")!;
  const message = ctx.world.message(state, id);
  if (message === undefined) throw badRequest(`message to ${verb === "edited" ? "edit" : verb} not found`);
  if (state.authors[id - 1] !== ctx.bot) throw badRequest(`message can't be ${verb}`);
  return { message, state };
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same "
  + "as a current content and reply markup of the message";

/**
 * Applies an edit to a copy first: an edit that changes nothing is Telegram's 400 "message is not
 * modified" and leaves the message untouched.
 */
function commit(
  ctx: CallContext,
  target: EditTarget,
  change: (next: Obj) => void,
  keepMarkup = false,
): unknown {
  const current = target.message;
  const next: Obj = { ...current };
  change(next);
  const markup = optJson(ctx.params, "reply_markup") as Obj | undefined;
  if (markup !== undefined) {
    checkInlineKeyboard(markup.inline_keyboard);
    next.reply_markup = markup;
  } else if (!keepMarkup) delete next.reply_markup;
  delete next.edit_date;
  const { edit_date: _, ...before } = current;
  if (JSON.stringify(next) === JSON.stringify(before)) throw badRequest(NOT_MODIFIED);
  for (const key of Object.keys(current)) if (!(key in next)) delete current[key];
  Object.assign(current, next);
  if (target.inline !== undefined) return true;
  current.edit_date = unixNow();
  ctx.world.recordBotEdit(target.state!, current as MessageObj);
  return current as MessageObj;
}

function editMessageText(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  if (target.inline === undefined && typeof target.message.text !== "string") {
    throw badRequest("there is no text in the message to edit");
  }
  const formatted = formattedText(ctx, "text", "entities", "parse_mode", MAX_TEXT);
  if (formatted === undefined || formatted.text.trim() === "") throw badRequest("message text is empty");
  return commit(ctx, target, (next) => {
    next.text = formatted.text;
    if (formatted.entities === undefined) delete next.entities;
    else next.entities = formatted.entities;
  });
}

function editMessageCaption(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  if (typeof target.message.text === "string") throw badRequest("there is no caption in the message to edit");
  const caption = formattedText(ctx, "caption", "caption_entities", "parse_mode", MAX_CAPTION);
  return commit(ctx, target, (next) => {
    delete next.caption;
    delete next.caption_entities;
    if (caption !== undefined && caption.text !== "") {
      next.caption = caption.text;
      if (caption.entities !== undefined) next.caption_entities = caption.entities;
    }
  });
}

async function editMessageMedia(ctx: CallContext): Promise<unknown> {
  const target = editTarget(ctx);
  const media = optJson(ctx.params, "media") as Obj | undefined;
  if (media === undefined || typeof media !== "object") throw badRequest("media is empty");
  const kind = String(media.type);
  if (MEDIA_KINDS[kind] === undefined) throw badRequest(`unsupported media type "${kind}"`);
  const file = await resolveFile(ctx, media.media, MEDIA_KINDS[kind].folder);
  return commit(ctx, target, (next) => {
    for (const k of Object.keys(MEDIA_KINDS)) delete next[k];
    delete next.caption;
    delete next.caption_entities;
    next[kind] = mediaField(kind, FileStore.describe(file), file, media);
    if (typeof media.caption === "string") next.caption = media.caption;
  });
}

function editMessageReplyMarkup(ctx: CallContext): unknown {
  return commit(ctx, editTarget(ctx), () => {});
}

function editLiveLocation(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  const location = target.message.location as Obj | undefined;
  if (location === undefined || location.live_period === undefined) {
    throw badRequest("message can't be edited");
  }
  const latitude = Number(ctx.params.latitude);
  const longitude = Number(ctx.params.longitude);
  return commit(ctx, target, (next) => {
    next.location = { ...location, latitude, longitude };
  });
}

function stopMessageLiveLocation(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  const location = target.message.location as Obj | undefined;
  if (location === undefined || location.live_period === undefined) {
    throw badRequest("message can't be edited");
  }
  return commit(ctx, target, (next) => {
    const { live_period: _, ...still } = location;
    next.location = still;
  }, true);
}

function stopPoll(ctx: CallContext): Obj {
  const target = editTarget(ctx, "stopped");
  const poll = target.message.poll as Obj | undefined;
  if (poll === undefined) throw badRequest("message with poll to stop not found");
  if (poll.is_closed === true) throw badRequest("poll has already been closed");
  poll.is_closed = true;
  return poll;
}

function canDelete(ctx: CallContext, state: ChatState, id: number): boolean {
  if (state.authors[id - 1] === ctx.bot || state.user !== undefined) return true;
  const me = state.members.get(ctx.bot.sender.id);
  return me?.status === "creator" || (me?.status === "administrator" && me.can_delete_messages === true);
}

function deleteMessage(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  const id = optInt(ctx.params, "message_id");
  if (id === undefined) throw badRequest("message_id is empty");
  if (ctx.world.message(state, id) === undefined) throw badRequest("message to delete not found");
  if (!canDelete(ctx, state, id)) throw badRequest("message can't be deleted");
  ctx.world.deleteMessage(state, id);
  return true;
}

function deleteMessages(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  const ids = optArray(ctx.params, "message_ids") ?? [];
  if (ids.length === 0 || ids.length > 100) throw badRequest("message_ids must contain 1-100 ids");
  for (const raw of ids) {
    const id = Number(raw);
    if (ctx.world.message(state, id) !== undefined && canDelete(ctx, state, id)) {
      ctx.world.deleteMessage(state, id);
    }
  }
  return true;
}

/** Editing and deleting messages. */
export const EDIT_METHODS: Readonly<Record<string, Handler>> = {
  editMessageText,
  editMessageCaption,
  editMessageMedia,
  editMessageReplyMarkup,
  editMessageLiveLocation: editLiveLocation,
  stopMessageLiveLocation,
  stopPoll,
  deleteMessage,
  deleteMessages,
};
