import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optArray, optBool } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import { MAX_CAPTION, targetChat, targetMessage } from "./common.ts";
import { formattedText, postBotMessage } from "./compose.ts";

/** Message fields that are not content: copies and forwards leave them behind. */
const NON_CONTENT: ReadonlySet<string> = new Set([
  "message_id",
  "from",
  "sender_chat",
  "date",
  "chat",
  "reply_to_message",
  "external_reply",
  "edit_date",
  "reply_markup",
  "forward_origin",
  "is_automatic_forward",
  "message_thread_id",
  "has_protected_content",
  "via_bot",
  "author_signature",
]);

function contentOf(message: MessageObj): Obj {
  const out: Obj = {};
  for (const key in message) if (!NON_CONTENT.has(key)) out[key] = message[key];
  return out;
}

function forwardOrigin(message: MessageObj): Obj {
  if (message.forward_origin !== undefined) return message.forward_origin as Obj;
  if (message.chat.type === "channel") {
    return { type: "channel", chat: message.chat, message_id: message.message_id, date: message.date };
  }
  if (message.from !== undefined) return { type: "user", sender_user: message.from, date: message.date };
  return { type: "chat", sender_chat: message.sender_chat ?? message.chat, date: message.date };
}

function sourceMessages(ctx: CallContext, many: boolean): { source: ChatState; messages: MessageObj[] } {
  const source = targetChat(ctx, "from_chat_id");
  if (!many) return { source, messages: [targetMessage(ctx, source, "message to forward not found")] };
  const ids = optArray(ctx.params, "message_ids");
  if (ids === undefined || ids.length === 0 || ids.length > 100) {
    throw badRequest("message_ids must contain 1-100 ids");
  }
  const messages = ids.map((id) => ctx.world.message(source, id)).filter((m): m is MessageObj =>
    m !== undefined
  );
  if (messages.length === 0) throw badRequest("messages to forward not found");
  return { source, messages };
}

function forward(many: boolean): Handler {
  return (ctx) => {
    const target = targetChat(ctx);
    const { messages } = sourceMessages(ctx, many);
    for (const m of messages) {
      if (m.has_protected_content === true) throw badRequest("message can't be forwarded");
    }
    const sent = messages.map((m) =>
      ctx.world.addMessage(
        target,
        { ...contentOf(m), forward_origin: forwardOrigin(m) },
        ctx.bot.sender,
        ctx.bot,
      )
    );
    return many ? sent.map((m) => ({ message_id: m.message_id })) : sent[0];
  };
}

function copy(many: boolean): Handler {
  return (ctx) => {
    const target = targetChat(ctx);
    const { messages } = sourceMessages(ctx, many);
    const sent = messages.map((m) => {
      const content = contentOf(m);
      if (m.poll !== undefined && (m.poll as Obj).type === "quiz") {
        throw badRequest("message can't be copied");
      }
      if (!many) {
        const caption = formattedText(ctx, "caption", "caption_entities", "parse_mode", MAX_CAPTION);
        if (caption !== undefined) {
          content.caption = caption.text;
          delete content.caption_entities;
          if (caption.entities !== undefined) content.caption_entities = caption.entities;
        }
        return postBotMessage(ctx, target, content);
      }
      if (optBool(ctx.params, "remove_caption")) {
        delete content.caption;
        delete content.caption_entities;
      }
      return ctx.world.addMessage(target, content, ctx.bot.sender, ctx.bot);
    });
    return many ? sent.map((m) => ({ message_id: m.message_id })) : { message_id: sent[0].message_id };
  };
}

/** Forwarding (with `forward_origin`) and copying (without) messages between chats. */
export const FORWARD_METHODS: Readonly<Record<string, Handler>> = {
  forwardMessage: forward(false),
  forwardMessages: forward(true),
  copyMessage: copy(false),
  copyMessages: copy(true),
};
