import type { CallContext } from "../context.ts";
import { isDirectMessages, sendTopic, suggestedPostInfo } from "../direct_messages.ts";
import { badRequest } from "../failure.ts";
import type { StoredFile } from "../files.ts";
import { optInt, optJson, optObj } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { inTopic } from "./forum.ts";

/** Longest message text Telegram accepts. */
export const MAX_TEXT = 4096;
/** Longest caption Telegram accepts. */
export const MAX_CAPTION = 1024;

/** The chat named by `chat_id`, checked for the calling bot. */
export function targetChat(ctx: CallContext, param = "chat_id"): ChatState {
  const chatId = ctx.params[param];
  if (chatId === undefined || chatId === null || chatId === "") throw badRequest(`${param} is empty`);
  return ctx.world.chatForBot(ctx.bot, chatId);
}

/**
 * Posts a service message a bot's action causes (a new title or photo, a pin, a removed member, a forum
 * topic change) and tells the chat's bots, the acting one too: the real server does not skip these
 * outgoing service messages (telegram-bot-api's need_skip_update_message), unlike a bot's own sends.
 * In a channel it is a post of the channel, a `channel_post` for its bots, as the server files every
 * message of a channel; a removed member posts nothing there, as channels show no joins or leaves.
 */
export function postServiceMessage(ctx: CallContext, state: ChatState, fields: Obj): MessageObj | undefined {
  const channel = state.chat.type === "channel";
  if (channel && fields.left_chat_member !== undefined) return undefined;
  const message = ctx.world.addMessage(state, fields, ctx.bot.sender, null);
  ctx.world.broadcast(state, channel ? "channel_post" : "message", message);
  return message;
}

/** The message `message_id` of a chat; a 400 with `reason` when there is none. */
export function targetMessage(
  ctx: CallContext,
  state: ChatState,
  reason: string,
  param = "message_id",
): MessageObj {
  const id = optInt(ctx.params, param);
  if (id === undefined) throw badRequest(`${param} is empty`);
  const message = ctx.world.message(state, id);
  if (message === undefined) throw badRequest(reason);
  return message;
}

/**
 * Resolves an InputFile value: an uploaded part (directly or by `attach://name`), a `file_id` the calling
 * bot may use, or an HTTP URL (stored empty, since the emulator never leaves loopback).
 */
export async function resolveFile(
  ctx: CallContext,
  value: unknown,
  folder: string,
): Promise<StoredFile> {
  const source = fileSource(ctx, value);
  const world = ctx.world;
  switch (source.kind) {
    case "upload": {
      const { part } = source;
      return world.files.add(new Uint8Array(await part.arrayBuffer()), folder, part.name, part.type);
    }
    case "known":
      return source.file;
    case "url": {
      const name = source.url.slice(source.url.lastIndexOf("/") + 1);
      return world.files.add(new Uint8Array(0), folder, name === "" ? undefined : name);
    }
  }
}

/**
 * Refuses a file reference as {@link resolveFile} would, without storing anything: for a call that
 * checks all its files before it may still be refused as a whole (an album).
 */
export function checkFileReference(ctx: CallContext, value: unknown): void {
  fileSource(ctx, value);
}

type FileSource =
  | { readonly kind: "upload"; readonly part: File }
  | { readonly kind: "known"; readonly file: StoredFile }
  | { readonly kind: "url"; readonly url: string };

// What an InputFile value refers to, or the server's refusal.
function fileSource(ctx: CallContext, value: unknown): FileSource {
  if (value instanceof File) return { kind: "upload", part: value };
  if (typeof value === "string") {
    if (value.startsWith("attach://")) {
      const part = ctx.files.get(value.slice(9));
      if (part === undefined) throw badRequest(`file attachment ${value.slice(9)} not found`);
      return { kind: "upload", part };
    }
    // Another bot's file_id is refused like an unknown one: the server cannot use it (its MEDIA_EMPTY).
    const known = ctx.world.files.usableBy(value, ctx.bot.user.id);
    if (known !== undefined) return { kind: "known", file: known };
    if (value.startsWith("http://") || value.startsWith("https://")) return { kind: "url", url: value };
  }
  throw badRequest("wrong file identifier/HTTP URL specified");
}

/** The InputFile parameter `name`, whether sent as a field or as a multipart part. */
export function fileParam(ctx: CallContext, name: string): unknown {
  return ctx.params[name] ?? ctx.files.get(name);
}

/**
 * Fields a bot's message gets from the common send options (reply, markup, protection, thread); `content`
 * is the rest of the message (its text or caption and their entities), which a `selective` markup targets by.
 */
export function commonFields(ctx: CallContext, state: ChatState, content: Obj): Obj {
  const params = ctx.params;
  const out: Obj = {};
  const thread = optInt(params, "message_thread_id");
  if (thread !== undefined) out.message_thread_id = thread;
  if (inTopic(state, thread)) out.is_topic_message = true;
  if (isDirectMessages(state)) {
    out.direct_messages_topic = sendTopic(ctx.world, state, optInt(params, "direct_messages_topic_id"));
    const suggested = optObj(params, "suggested_post_parameters");
    if (suggested !== undefined) out.suggested_post_info = suggestedPostInfo(suggested);
  }
  const reply = optObj(params, "reply_parameters");
  if (reply !== undefined) {
    const replyChat = reply.chat_id !== undefined ? ctx.world.findChat(reply.chat_id, ctx.bot) : state;
    const target = replyChat === undefined ? undefined : ctx.world.message(replyChat, reply.message_id);
    if (target === undefined) {
      if (reply.allow_sending_without_reply !== true) throw badRequest("message to be replied not found");
    } else if (replyChat === state) out.reply_to_message = withoutReply(target);
    else out.external_reply = { type: "text", chat: replyChat!.chat, message_id: target.message_id };
  }
  const markup = optJson(params, "reply_markup");
  if (markup !== undefined) {
    if (typeof markup !== "object" || markup === null || Array.isArray(markup)) {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
    const inline = (markup as Obj).inline_keyboard;
    if (inline !== undefined) {
      checkInlineKeyboard(inline);
      out.reply_markup = markup;
    } else {
      // A reply keyboard is not part of the Message; only a live view (the web UI) shows it. In a private
      // chat its one user is every possible target, so `selective` narrows nothing there.
      const selective = (markup as Obj).selective === true && state.chat.type !== "private";
      ctx.world.changed({
        kind: "keyboard",
        chat: state,
        bot: ctx.bot,
        markup: markup as Obj,
        ...(selective
          ? { users: selectiveTargets(ctx, content, out.reply_to_message as MessageObj | undefined) }
          : {}),
      });
    }
  }
  if (params.protect_content === true || params.protect_content === "true") out.has_protected_content = true;
  const effect = params.message_effect_id;
  if (typeof effect === "string") out.effect_id = effect;
  return out;
}

/**
 * Whom a `selective` reply markup is for, as the Bot API defines it: the users mentioned in the message and
 * the sender of the message it replies to. The mentions are read from the message as sent, the entities
 * Telegram shows (after `parse_mode`, so a `tg://user?id=` link counts as its `text_mention`), not from the
 * raw text: an `@name` inside code, a URL or an e-mail address mentions nobody.
 */
function selectiveTargets(ctx: CallContext, content: Obj, repliedTo: MessageObj | undefined): number[] {
  const targets = new Set<number>();
  const captioned = content.text === undefined;
  const text = String((captioned ? content.caption : content.text) ?? "");
  const entities = captioned ? content.caption_entities : content.entities;
  for (const entity of Array.isArray(entities) ? entities as Obj[] : []) {
    if (entity?.type === "mention") {
      const start = Number(entity.offset) + 1; // past the @
      const name = text.slice(start, start + Number(entity.length) - 1).toLowerCase();
      const id = ctx.world.usernames.get(name);
      if (id !== undefined) targets.add(id);
    } else if (entity?.type === "text_mention") {
      const user = entity.user as Obj | undefined;
      if (typeof user?.id === "number") targets.add(user.id);
    }
  }
  if (repliedTo?.from !== undefined) targets.add(repliedTo.from.id);
  // Bots and chats are never shown a keyboard.
  return [...targets].filter((id) => ctx.world.users.has(id));
}

/** A replied-to message as nested in `reply_to_message`: one level deep, as Telegram nests it. */
function withoutReply(message: MessageObj): MessageObj {
  if (message.reply_to_message === undefined) return message;
  const { reply_to_message: _, ...rest } = message;
  return rest as MessageObj;
}

/** Validates an inline keyboard's shape: rows of buttons, each with text and exactly one action. */
export function checkInlineKeyboard(keyboard: unknown): void {
  if (!Array.isArray(keyboard)) {
    throw badRequest("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array");
  }
  for (const row of keyboard) {
    if (!Array.isArray(row)) {
      throw badRequest("can't parse inline keyboard button: InlineKeyboardButton row must be an Array");
    }
    for (const button of row) {
      if (typeof button !== "object" || button === null) {
        throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      }
      const b = button as Obj;
      if (typeof b.text !== "string") {
        throw badRequest("can't parse inline keyboard button: Can't find field \"text\"");
      }
      if (typeof b.callback_data === "string" && new TextEncoder().encode(b.callback_data).length > 64) {
        throw badRequest("BUTTON_DATA_INVALID");
      }
      if (Object.keys(b).length < 2) {
        throw badRequest(
          "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        );
      }
    }
  }
}
