import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optArray, optInt, optJson, optStr } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { unixNow } from "../types.ts";
import type { ChatState, InlineMessageState } from "../world.ts";
import { checkInlineKeyboard, targetChat } from "./common.ts";
import { applyEdit, captionChange, type EditChange, mediaChange, textChange } from "./edit_changes.ts";

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

/** Applies an edit (see {@link applyEdit}); a chat message gets its `edit_date` and is recorded. */
function commit(ctx: CallContext, target: EditTarget, change: EditChange): unknown {
  const current = target.message;
  applyEdit(ctx, current, change);
  const chat = target.state ?? target.inline?.chat;
  if (chat !== undefined) {
    // An inline message posted in a chat is that chat's message: the edit shows there too.
    current.edit_date = unixNow();
    ctx.world.recordBotEdit(chat, current as MessageObj);
  }
  return target.inline !== undefined ? true : current as MessageObj;
}

function editMessageText(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  return commit(ctx, target, textChange(ctx, target.message, target.inline === undefined));
}

function editMessageCaption(ctx: CallContext): unknown {
  const target = editTarget(ctx);
  return commit(ctx, target, captionChange(ctx, target.message));
}

async function editMessageMedia(ctx: CallContext): Promise<unknown> {
  const target = editTarget(ctx);
  return commit(ctx, target, await mediaChange(ctx, target.message, target.inline !== undefined));
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
  // The Bot API server stops a live location with td's editMessageLiveLocation (no location), whose
  // messages.editMessage carries the reply-markup flag only for a given keyboard, as every edit's does:
  // without one the keyboard goes, as it does on editMessageLiveLocation.
  return commit(ctx, target, (next) => {
    const { live_period: _, ...still } = location;
    next.location = still;
  });
}

function stopPoll(ctx: CallContext): Obj {
  const target = editTarget(ctx, "stopped");
  const poll = target.message.poll as Obj | undefined;
  if (poll === undefined) throw badRequest("message with poll to stop not found");
  if (poll.is_closed === true) throw badRequest("poll has already been closed");
  // The call's reply_markup is the message's new inline keyboard (checked before anything changes).
  const markup = optJson(ctx.params, "reply_markup") as Obj | undefined;
  if (markup !== undefined) checkInlineKeyboard(markup.inline_keyboard);
  poll.is_closed = true;
  // td's StopPollQuery sends messages.editMessage with the reply-markup flag only for a given keyboard,
  // as EditMessageQuery does for editMessageText: without one the keyboard goes, as it does there.
  if (markup !== undefined) target.message.reply_markup = markup;
  else delete target.message.reply_markup;
  // Not an edit of the message's content (no edit_date, nothing for nextBotEdit), but a page showing it
  // must stop offering votes.
  const chat = target.state ?? target.inline?.chat;
  if (chat !== undefined) ctx.world.changed({ kind: "edit", chat, message: target.message as MessageObj });
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
