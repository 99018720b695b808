import type { FileStore, StoredFile } from "./files.ts";
import type { Obj } from "./types.ts";

/** A sticker set as the emulator keeps it: the Bot API `StickerSet` plus its owner and keywords. */
export interface StickerSetState {
  /** The `StickerSet` object getStickerSet returns. */
  readonly set: Obj & { name: string; title: string; sticker_type: string; stickers: Obj[] };
  /** Bot that created it (only it may change the set); 0 for a built-in set. */
  readonly botId: number;
  /** User the set belongs to. */
  readonly userId: number;
  /** Search keywords by sticker file_id (not part of the Sticker object). */
  readonly keywords: Map<string, string[]>;
}

/** Format of an InputSticker → the Sticker flags. */
export const STICKER_FORMATS: Readonly<Record<string, { is_animated: boolean; is_video: boolean }>> = {
  static: { is_animated: false, is_video: false },
  animated: { is_animated: true, is_video: false },
  video: { is_animated: false, is_video: true },
};

/** Custom emoji created so far, for their unique ids. */
let customEmojiCount = 0;

/** The Sticker object of a stored file in a set. */
export function stickerObject(
  file: StoredFile,
  setName: string,
  type: string,
  format: string,
  emoji: string | undefined,
): Obj {
  const sticker: Obj = {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    type,
    width: 512,
    height: 512,
    ...(STICKER_FORMATS[format] ?? STICKER_FORMATS.static),
    set_name: setName,
    file_size: file.bytes.byteLength,
  };
  if (emoji !== undefined) sticker.emoji = emoji;
  if (type === "custom_emoji") {
    sticker.custom_emoji_id = String(6_000_000_000_000 + ++customEmojiCount);
  }
  return sticker;
}

/**
 * Public sets every emulator has, so `getStickerSet` of a well-known name works offline: the server's own
 * special case "TelegramGreatMinds" (Client.h GREAT_MINDS_SET_NAME), a regular set and a custom emoji set
 * (whose stickers also answer getForumTopicIconStickers).
 */
export function builtInSets(files: FileStore): StickerSetState[] {
  const make = (name: string, title: string, type: string, emojis: string[]): StickerSetState => {
    const stickers = emojis.map((emoji, i) => {
      const file = files.add(
        new Uint8Array([82, 73, 70, 70, i]),
        "stickers",
        `${name}_${i}.webp`,
        "image/webp",
      );
      const sticker = stickerObject(file, name, type, "static", emoji);
      if (type === "custom_emoji") sticker.custom_emoji_id = `${5_000_000_000 + i}${name.length}`;
      return sticker;
    });
    return { set: { name, title, sticker_type: type, stickers }, botId: 0, userId: 0, keywords: new Map() };
  };
  return [
    make("TelegramGreatMinds", "Great Minds", "regular", ["🤓", "🧐", "💡"]),
    make("EmulatorAnimals", "Animals", "regular", ["🐱", "🐶", "🦊", "🐼"]),
    make("EmulatorTopicIcons", "Topic Icons", "custom_emoji", ["📰", "💡", "⚡️", "🎮"]),
  ];
}
