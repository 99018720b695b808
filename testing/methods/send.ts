import type { CallContext, Handler } from "../context.ts";
import { detectEntities } from "../entities.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optArray, optBool, optFloat, optObj, optStr, reqStr } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import type { ChatState } from "../world.ts";
import {
  commonFields,
  fileParam,
  MAX_CAPTION,
  MAX_TEXT,
  resolveFile,
  targetChat,
  targetMessage,
} from "./common.ts";
import { formatText } from "./format.ts";

/** Text and entities of a text or caption parameter, after `parse_mode` and length checks. */
export function formattedText(
  ctx: CallContext,
  textParam: string,
  entitiesParam: string,
  modeParam: string,
  max: number,
): { text: string; entities?: Obj[] } | undefined {
  const params = ctx.params;
  const raw = optStr(params, textParam);
  if (raw === undefined) return undefined;
  const given = optArray(params, entitiesParam) as Obj[] | undefined;
  const mode = optStr(params, modeParam);
  const { text, entities } = given !== undefined
    ? { text: raw, entities: given }
    : mode !== undefined && mode !== ""
    ? formatText(raw, mode)
    : { text: raw, entities: detectEntities(raw) };
  if (text.length > max) {
    throw badRequest(textParam === "text" ? "message is too long" : "message caption is too long");
  }
  return entities !== undefined && entities.length > 0 ? { text, entities } : { text };
}

/** Stores a bot's message in a chat with the common send fields added. */
export function postBotMessage(ctx: CallContext, state: ChatState, content: Obj): MessageObj {
  return ctx.world.addMessage(state, { ...commonFields(ctx, state), ...content }, ctx.bot.sender, ctx.bot);
}

function sendMessage(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const formatted = formattedText(ctx, "text", "entities", "parse_mode", MAX_TEXT);
  if (formatted === undefined || formatted.text.trim() === "") throw badRequest("message text is empty");
  const content: Obj = formatted.entities === undefined
    ? { text: formatted.text }
    : { text: formatted.text, entities: formatted.entities };
  const preview = optObj(ctx.params, "link_preview_options");
  if (preview !== undefined) content.link_preview_options = preview;
  return postBotMessage(ctx, state, content);
}

function captionFields(ctx: CallContext): Obj {
  const caption = formattedText(ctx, "caption", "caption_entities", "parse_mode", MAX_CAPTION);
  if (caption === undefined) return {};
  const out: Obj = { caption: caption.text };
  if (caption.entities !== undefined) out.caption_entities = caption.entities;
  if (optBool(ctx.params, "show_caption_above_media")) out.show_caption_above_media = true;
  if (optBool(ctx.params, "has_spoiler")) out.has_media_spoiler = true;
  return out;
}

/** How each media kind is described in a Message, given its stored file and the call's parameters. */
export const MEDIA_KINDS: Readonly<Record<string, { folder: string; describe(file: Obj, p: Obj): unknown }>> =
  {
    photo: { folder: "photos", describe: (f) => [{ ...f, width: 800, height: 600 }] },
    audio: {
      folder: "music",
      describe: (f, p) => ({ ...f, duration: Number(p.duration ?? 0), ...pick(p, "performer", "title") }),
    },
    document: { folder: "documents", describe: (f) => f },
    video: {
      folder: "videos",
      describe: (f, p) => ({
        ...f,
        width: Number(p.width ?? 640),
        height: Number(p.height ?? 360),
        duration: Number(p.duration ?? 0),
      }),
    },
    animation: {
      folder: "animations",
      describe: (f, p) => ({
        ...f,
        width: Number(p.width ?? 320),
        height: Number(p.height ?? 240),
        duration: Number(p.duration ?? 0),
      }),
    },
    voice: { folder: "voice", describe: (f, p) => ({ ...f, duration: Number(p.duration ?? 0) }) },
    video_note: {
      folder: "video_notes",
      describe: (f, p) => ({ ...f, length: Number(p.length ?? 240), duration: Number(p.duration ?? 0) }),
    },
    sticker: {
      folder: "stickers",
      describe: (f, p) => ({
        ...f,
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        ...pick(p, "emoji"),
      }),
    },
  };

function pick(source: Obj, ...names: string[]): Obj {
  const out: Obj = {};
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  return out;
}

/** The Message field describing a stored file of the given media kind. */
export function mediaField(kind: string, stored: ReturnType<typeof FileStore.describe>, file: {
  file_name?: string;
  mime_type?: string;
}, params: Obj): unknown {
  const base: Obj = {
    file_id: stored.file_id,
    file_unique_id: stored.file_unique_id,
    file_size: stored.file_size,
  };
  if (kind !== "photo" && kind !== "sticker" && kind !== "voice" && kind !== "video_note") {
    if (file.file_name !== undefined) base.file_name = file.file_name;
  }
  if (file.mime_type !== undefined && kind !== "photo" && kind !== "sticker") base.mime_type = file.mime_type;
  return MEDIA_KINDS[kind].describe(base, params);
}

function sendMedia(kind: string): Handler {
  return async (ctx) => {
    const state = targetChat(ctx);
    const value = fileParam(ctx, kind);
    if (value === undefined || value === "") throw badRequest(`there is no ${kind} in the request`);
    const file = await resolveFile(ctx, value, MEDIA_KINDS[kind].folder);
    const content: Obj = {
      [kind]: mediaField(kind, FileStore.describe(file), file, ctx.params),
      ...captionFields(ctx),
    };
    if (kind === "animation") {
      content.document = mediaField("document", FileStore.describe(file), file, ctx.params);
    }
    if (kind === "sticker") delete content.caption;
    return postBotMessage(ctx, state, content);
  };
}

async function sendLivePhoto(ctx: CallContext): Promise<MessageObj> {
  const state = targetChat(ctx);
  const video = await resolveFile(ctx, fileParam(ctx, "live_photo"), "videos");
  const still = await resolveFile(ctx, fileParam(ctx, "photo"), "photos");
  const photo = mediaField("photo", FileStore.describe(still), still, ctx.params);
  const { file_path: _, ...facts } = FileStore.describe(video);
  const live: Obj = { ...facts, width: 800, height: 600, duration: 3, photo };
  if (video.mime_type !== undefined) live.mime_type = video.mime_type;
  return postBotMessage(ctx, state, { live_photo: live, ...captionFields(ctx) });
}

async function sendPaidMedia(ctx: CallContext): Promise<MessageObj> {
  const state = targetChat(ctx);
  const media = optArray(ctx.params, "media") ?? [];
  if (media.length === 0 || media.length > 10) {
    throw badRequest("wrong number of paid media: must include 1-10 items");
  }
  const paid: Obj[] = [];
  for (const item of media as Obj[]) {
    const kind = item.type === "video" ? "video" : "photo";
    const file = await resolveFile(ctx, item.media, MEDIA_KINDS[kind].folder);
    paid.push({ type: kind, [kind]: mediaField(kind, FileStore.describe(file), file, item) });
  }
  const info = { star_count: Number(ctx.params.star_count), paid_media: paid };
  return postBotMessage(ctx, state, { paid_media: info, ...captionFields(ctx) });
}

function location(ctx: CallContext): Obj {
  const latitude = optFloat(ctx.params, "latitude");
  const longitude = optFloat(ctx.params, "longitude");
  if (latitude === undefined || longitude === undefined) {
    throw badRequest("wrong latitude or longitude specified");
  }
  const out: Obj = { latitude, longitude };
  for (const name of ["horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"]) {
    const v = optFloat(ctx.params, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function sendLocation(ctx: CallContext): MessageObj {
  return postBotMessage(ctx, targetChat(ctx), { location: location(ctx) });
}

function sendVenue(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const venue: Obj = {
    location: location(ctx),
    title: reqStr(ctx.params, "title"),
    address: reqStr(ctx.params, "address"),
    ...pick(ctx.params, "foursquare_id", "foursquare_type", "google_place_id", "google_place_type"),
  };
  return postBotMessage(ctx, state, { venue, location: venue.location });
}

function sendContact(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const contact: Obj = {
    phone_number: reqStr(ctx.params, "phone_number"),
    first_name: reqStr(ctx.params, "first_name"),
    ...pick(ctx.params, "last_name", "vcard"),
  };
  return postBotMessage(ctx, state, { contact });
}

const DICE_FACES: Readonly<Record<string, number>> = {
  "🎲": 6,
  "🎯": 6,
  "🎳": 6,
  "🏀": 5,
  "⚽": 5,
  "🎰": 64,
};

function sendDice(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const emoji = optStr(ctx.params, "emoji") ?? "🎲";
  const faces = DICE_FACES[emoji];
  if (faces === undefined) throw badRequest("invalid dice emoji specified");
  return postBotMessage(ctx, state, { dice: { emoji, value: 1 + Math.floor(Math.random() * faces) } });
}

let pollCounter = 0;

function sendPoll(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const question = reqStr(ctx.params, "question", "poll question must be non-empty");
  const options = optArray(ctx.params, "options") ?? [];
  if (options.length < 2) throw badRequest("poll must have at least 2 option");
  if (options.length > 12) throw badRequest("poll can't have more than 12 options");
  const type = optStr(ctx.params, "type") ?? "regular";
  const poll: Obj = {
    id: `${Date.now()}${++pollCounter}`,
    question,
    options: options.map((o, i) => ({
      persistent_id: String(i),
      text: typeof o === "string" ? o : String((o as Obj).text ?? ""),
      voter_count: 0,
    })),
    total_voter_count: 0,
    is_closed: optBool(ctx.params, "is_closed") ?? false,
    is_anonymous: optBool(ctx.params, "is_anonymous") ?? true,
    type,
    allows_multiple_answers: optBool(ctx.params, "allows_multiple_answers") ?? false,
    allows_revoting: optBool(ctx.params, "allows_revoting") ?? type !== "quiz",
    members_only: optBool(ctx.params, "members_only") ?? false,
  };
  const correct = optArray(ctx.params, "correct_option_ids");
  if (correct !== undefined) poll.correct_option_ids = correct;
  return postBotMessage(ctx, state, { poll });
}

const CHAT_ACTIONS: ReadonlySet<string> = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

function sendChatAction(ctx: CallContext): boolean {
  targetChat(ctx);
  const action = reqStr(ctx.params, "action");
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  return true;
}

let mediaGroupCounter = 0;

async function sendMediaGroup(ctx: CallContext): Promise<MessageObj[]> {
  const state = targetChat(ctx);
  const media = optArray(ctx.params, "media");
  if (media === undefined || media.length < 2 || media.length > 10) {
    throw badRequest("wrong number of media in the group: must include 2-10 items");
  }
  const groupId = `${Date.now()}${++mediaGroupCounter}`;
  const contents: Obj[] = [];
  for (const item of media) {
    if (typeof item !== "object" || item === null) throw badRequest("can't parse InputMedia JSON object");
    const m = item as Obj;
    const kind = String(m.type);
    if (!["photo", "video", "audio", "document"].includes(kind)) {
      throw badRequest(`unsupported media type "${kind}" in the group`);
    }
    const file = await resolveFile(ctx, m.media, MEDIA_KINDS[kind].folder);
    const content: Obj = {
      media_group_id: groupId,
      [kind]: mediaField(kind, FileStore.describe(file), file, m),
    };
    if (typeof m.caption === "string") {
      if (m.caption.length > MAX_CAPTION) throw badRequest("message caption is too long");
      content.caption = m.caption;
      if (Array.isArray(m.caption_entities)) content.caption_entities = m.caption_entities;
    }
    contents.push(content);
  }
  return contents.map((content) => postBotMessage(ctx, state, content));
}

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

function sendInvoice(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const prices = optArray(ctx.params, "prices") ?? [];
  if (prices.length === 0) throw badRequest("prices must be non-empty");
  const total = prices.reduce<number>((sum, p) => sum + Number((p as Obj).amount ?? 0), 0);
  const invoice: Obj = {
    title: reqStr(ctx.params, "title"),
    description: reqStr(ctx.params, "description"),
    start_parameter: optStr(ctx.params, "start_parameter") ?? "",
    currency: reqStr(ctx.params, "currency"),
    total_amount: total,
  };
  const message = postBotMessage(ctx, state, { invoice });
  ctx.world.invoices.set(message, { ...ctx.params, prices, total_amount: total });
  return message;
}

function sendGame(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const name = reqStr(ctx.params, "game_short_name");
  return postBotMessage(ctx, state, {
    game: { title: name, description: `Game ${name}`, photo: [] },
  });
}

/** The send family: one handler per `send*` method with real behaviour, plus forward and copy. */
export const SEND_METHODS: Readonly<Record<string, Handler>> = {
  sendMessage,
  sendPhoto: sendMedia("photo"),
  sendAudio: sendMedia("audio"),
  sendDocument: sendMedia("document"),
  sendVideo: sendMedia("video"),
  sendAnimation: sendMedia("animation"),
  sendVoice: sendMedia("voice"),
  sendVideoNote: sendMedia("video_note"),
  sendSticker: sendMedia("sticker"),
  sendLivePhoto,
  sendPaidMedia,
  sendLocation,
  sendVenue,
  sendContact,
  sendDice,
  sendPoll,
  sendChatAction,
  sendMediaGroup,
  sendInvoice,
  sendGame,
  forwardMessage: forward(false),
  forwardMessages: forward(true),
  copyMessage: copy(false),
  copyMessages: copy(true),
};
