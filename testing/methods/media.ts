import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore, type StoredFile } from "../files.ts";
import { mp4FrameSize } from "../mp4.ts";
import { optArray } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { checkFileReference, fileParam, MAX_CAPTION, resolveFile, targetChat } from "./common.ts";
import { accounts, captionFields, formatted, pick, postBotMessage } from "./compose.ts";

/** Describes a video or an animation: the call's frame size (else `width` by `height`) and duration. */
function moving(width: number, height: number): (file: Obj, p: Obj) => Obj {
  return (f, p) => ({
    ...f,
    width: Number(p.width ?? width),
    height: Number(p.height ?? height),
    duration: Number(p.duration ?? 0),
  });
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
    video: { folder: "videos", describe: moving(640, 360) },
    animation: { folder: "animations", describe: moving(320, 240) },
    // Telegram files every voice note as audio/ogg, whatever type the upload declared.
    voice: {
      folder: "voice",
      describe: (f, p) => ({ ...f, mime_type: "audio/ogg", duration: Number(p.duration ?? 0) }),
    },
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
  // PhotoSize, Sticker and VideoNote have no mime_type field.
  if (file.mime_type !== undefined && kind !== "photo" && kind !== "sticker" && kind !== "video_note") {
    base.mime_type = file.mime_type;
  }
  return MEDIA_KINDS[kind].describe(base, params);
}

/** Kinds whose message object carries an uploaded `thumbnail`. */
const THUMBNAILED: ReadonlySet<string> = new Set(["audio", "document", "video", "animation", "video_note"]);

/**
 * The uploaded thumbnail of a media item as a PhotoSize, or undefined. Client.cpp get_input_thumbnail takes
 * only an uploaded file (directly or by `attach://`), never a file_id or URL.
 */
// Only an uploaded thumbnail is taken (a file_id or URL is not).
function isUpload(value: unknown): boolean {
  return value instanceof File || (typeof value === "string" && value.startsWith("attach://"));
}

async function thumbnailOf(ctx: CallContext, value: unknown): Promise<Obj | undefined> {
  if (!isUpload(value)) return undefined;
  const file = await resolveFile(ctx, value, "thumbnails");
  const { file_path: _, ...facts } = FileStore.describe(file);
  return { ...facts, width: 320, height: 320 };
}

/** A video note whose frame is not square is delivered as a video, as Telegram does. */
function videoNoteShape(
  kind: string,
  file: StoredFile,
): { kind: string; size?: { width: number; height: number } } {
  if (kind !== "video_note") return { kind };
  const size = mp4FrameSize(file.bytes);
  return size === undefined || size.width === size.height ? { kind } : { kind: "video", size };
}

function sendMedia(asked: string): Handler {
  return async (ctx) => {
    const state = targetChat(ctx);
    const value = fileParam(ctx, asked);
    if (value === undefined || value === "") throw badRequest(`there is no ${asked} in the request`);
    const file = await resolveFile(ctx, value, MEDIA_KINDS[asked].folder);
    const { kind, size } = videoNoteShape(asked, file);
    const media = mediaField(kind, FileStore.describe(file), file, { ...ctx.params, ...size }) as Obj;
    if (THUMBNAILED.has(kind)) {
      const thumbnail = await thumbnailOf(ctx, ctx.params.thumbnail ?? ctx.files.get("thumbnail"));
      if (thumbnail !== undefined) media.thumbnail = thumbnail;
    }
    const content: Obj = { [kind]: media, ...captionFields(ctx) };
    if (kind === "animation") {
      content.document = mediaField("document", FileStore.describe(file), file, ctx.params);
    }
    if (kind === "sticker") delete content.caption;
    return postBotMessage(ctx, state, content);
  };
}

/** A live photo's Message field: its video file and still photo. */
async function livePhotoOf(
  ctx: CallContext,
  videoValue: unknown,
  photoValue: unknown,
  params: Obj,
): Promise<Obj> {
  const video = await resolveFile(ctx, videoValue, "videos");
  const still = await resolveFile(ctx, photoValue, "photos");
  const photo = mediaField("photo", FileStore.describe(still), still, params);
  const { file_path: _, ...facts } = FileStore.describe(video);
  const live: Obj = { ...facts, width: 800, height: 600, duration: 3, photo };
  if (video.mime_type !== undefined) live.mime_type = video.mime_type;
  return live;
}

async function sendLivePhoto(ctx: CallContext): Promise<MessageObj> {
  const state = targetChat(ctx);
  const live = await livePhotoOf(ctx, fileParam(ctx, "live_photo"), fileParam(ctx, "photo"), ctx.params);
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

let mediaGroupCounter = 0;

/** Album items whose caption may go above the media (TDLib's invert_media: photos, live photos, videos). */
const INVERTIBLE: ReadonlySet<string> = new Set(["photo", "live_photo", "video"]);

/**
 * The items were read as Client.cpp get_input_media reads an album's (refusals in ../media_group.ts,
 * checked before the call gets here); what follows is TDLib's MessagesManager::send_message_group and
 * MessageContent.cpp check_message_group_message_contents, their texts with the first letter lowercased
 * by Client.cpp fail_query_with_error. TDLib sets no lower bound but an empty album: a single item is sent
 * as a message of its own, with no media_group_id.
 */
async function sendMediaGroup(ctx: CallContext): Promise<MessageObj[]> {
  const state = targetChat(ctx);
  const media = optArray(ctx.params, "media") ?? [];
  if (media.length === 0) throw badRequest("there are no messages to send");
  // Every item's files are checked before the album may be refused as a whole; none is stored until it
  // is accepted.
  // (Items that are no objects were refused before the call got here: ../media_group.ts.)
  for (const m of media as Obj[]) {
    checkFileReference(ctx, m.media);
    if (m.type === "live_photo") checkFileReference(ctx, m.photo);
    else if (THUMBNAILED.has(String(m.type)) && isUpload(m.thumbnail)) checkFileReference(ctx, m.thumbnail);
  }
  if (media.length > 10) throw badRequest("too many messages to send as an album");
  if ((media as Obj[]).some((m) => aboveMedia(m) !== aboveMedia(media[0] as Obj))) {
    throw badRequest("parameter show_caption_above_media must be the same for all messages");
  }
  // TDLib refuses an album mixing audio or documents with any other type (a live photo is a photo to it);
  // with both audio and documents in one album TDLib names whichever its hash set yields first; the
  // emulator names the first of them in the album.
  const kinds = new Set(media.map((item) => String((item as Obj).type).replace("live_photo", "photo")));
  const alone = [...kinds].find((kind) => kind === "audio" || kind === "document");
  if (kinds.size > 1 && alone !== undefined) {
    throw badRequest(`${alone} can't be mixed with other media types`);
  }
  const contents: Obj[] = [];
  for (const item of media) {
    const m = item as Obj;
    const kind = String(m.type);
    const content: Obj = {};
    if (kind === "live_photo") {
      content.live_photo = await livePhotoOf(ctx, m.media, m.photo, m);
    } else {
      const file = await resolveFile(ctx, m.media, MEDIA_KINDS[kind].folder);
      const described = mediaField(kind, FileStore.describe(file), file, m) as Obj;
      if (THUMBNAILED.has(kind)) {
        const thumbnail = await thumbnailOf(ctx, m.thumbnail);
        if (thumbnail !== undefined) described.thumbnail = thumbnail;
      }
      content[kind] = described;
    }
    if (typeof m.caption === "string") {
      // Each InputMedia carries its own parse_mode (Client.cpp get_input_media reads it per item).
      const entities = Array.isArray(m.caption_entities) ? m.caption_entities as Obj[] : undefined;
      const mode = typeof m.parse_mode === "string" ? m.parse_mode : undefined;
      const caption = formatted(m.caption, entities, mode, MAX_CAPTION, "caption", accounts(ctx.world));
      if (caption.text !== "") {
        content.caption = caption.text;
        if (caption.entities !== undefined) content.caption_entities = caption.entities;
        // Client.cpp add_caption shows the flag only beside a caption.
        if (aboveMedia(m)) content.show_caption_above_media = true;
      }
    }
    contents.push(content);
  }
  if (contents.length > 1) {
    const groupId = `${Date.now()}${++mediaGroupCounter}`;
    for (const content of contents) content.media_group_id = groupId;
  }
  return contents.map((content) => postBotMessage(ctx, state, content));
}

/** TDLib's invert_media of an album item: its show_caption_above_media, for the types that have one. */
function aboveMedia(item: Obj): boolean {
  return INVERTIBLE.has(String(item.type)) && item.show_caption_above_media === true;
}

/** Methods that send files: photos, audio, documents, videos, animations, voice, video notes, stickers. */
export const MEDIA_METHODS: Readonly<Record<string, Handler>> = {
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
  sendMediaGroup,
};
