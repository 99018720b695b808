import type { Obj } from "./types.ts";

/** A stored file: its bytes and the `File` object facts. */
export interface StoredFile {
  /**
   * The world's own id of the file, which transcripts, scripted users' messages and the web UI show. Each
   * bot is shown an id of its own instead (see {@link FileStore.idFor}); any bot may still use this one,
   * since a test hands ids it read from the world to bots.
   */
  readonly file_id: string;
  /** Id stable across bots. */
  readonly file_unique_id: string;
  /** Path under `/file/bot<token>/`, for the bots that asked getFile for the file. */
  readonly file_path: string;
  /** Content. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Original name, when uploaded with one. */
  readonly file_name?: string;
  /** MIME type, when known. */
  readonly mime_type?: string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Random identifier text (file ids, query ids, inline message ids, tokens). */
export function randomId(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 63];
  return out;
}

// Every key whose value is a file id ends so (`file_id`, `small_file_id`, `big_file_id`) and no other does:
// `file_unique_id` ends otherwise. Inside a JSON string a quote is escaped, so this text with its bare quote
// is always a key and the value after it a JSON string of id characters.
const FILE_ID_VALUE = /file_id":"([A-Za-z0-9_-]*)"/g;

// An id and the bot it was made for; `bot` is absent for the world's own id.
interface IdEntry {
  readonly file: StoredFile;
  readonly bot?: number;
}

/**
 * Every file the world knows. As in Telegram, each bot has its own `file_id` for a file (made the first time
 * the file is shown to it, the same ever after) and cannot use another bot's; `file_unique_id` is one for
 * all. A bot may download a file's path once getFile gave it that path.
 */
export class FileStore {
  #ids = new Map<string, IdEntry>();
  #byPath = new Map<string, StoredFile>();
  #botIds = new Map<StoredFile, Map<number, string>>();
  #fetched = new Map<number, Set<string>>();
  #count = 0;

  /** Stores bytes under a new `file_id`; `folder` names the download folder (`photos`, `documents`, …). */
  add(bytes: Uint8Array<ArrayBuffer>, folder: string, fileName?: string, mimeType?: string): StoredFile {
    const n = ++this.#count;
    const dot = fileName?.lastIndexOf(".") ?? -1;
    const ext = fileName !== undefined && dot > 0 ? fileName.slice(dot) : "";
    const file: StoredFile = {
      file_id: newId(),
      file_unique_id: `U${n.toString(36)}${randomId(8)}`,
      file_path: `${folder}/file_${n}${ext}`,
      bytes,
      ...(fileName !== undefined ? { file_name: fileName } : {}),
      ...(mimeType !== undefined && mimeType !== "" ? { mime_type: mimeType } : {}),
    };
    this.#ids.set(file.file_id, { file });
    this.#byPath.set(file.file_path, file);
    return file;
  }

  /** The file with this id, whichever bot's id it is (or the world's own): for tests and the web UI. */
  get(fileId: string): StoredFile | undefined {
    return this.#ids.get(fileId)?.file;
  }

  /** The file this id names for a bot: its own id or the world's; undefined for another bot's or none. */
  usableBy(fileId: string, botId: number): StoredFile | undefined {
    const entry = this.#ids.get(fileId);
    return entry === undefined || (entry.bot !== undefined && entry.bot !== botId) ? undefined : entry.file;
  }

  /** The bot's own `file_id` for a file, made on first use. */
  idFor(file: StoredFile, botId: number): string {
    let ids = this.#botIds.get(file);
    if (ids === undefined) this.#botIds.set(file, ids = new Map());
    let id = ids.get(botId);
    if (id === undefined) {
      id = newId();
      ids.set(botId, id);
      this.#ids.set(id, { file, bot: botId });
    }
    return id;
  }

  /**
   * JSON text as a bot is shown it: every world id in it becomes the bot's own. A bot's id is left as it is
   * (only parameters echoed back hold one), so no bot comes by a usable id through another bot's.
   */
  showTo(botId: number, json: string): string {
    if (!json.includes("file_id\":\"")) return json;
    return json.replace(FILE_ID_VALUE, (text, id: string) => {
      const entry = this.#ids.get(id);
      return entry === undefined || entry.bot !== undefined
        ? text
        : `file_id":"${this.idFor(entry.file, botId)}"`;
    });
  }

  /** The `File` object getFile answers a bot, whose path the bot may download from now on. */
  fetchedBy(file: StoredFile, botId: number): Obj {
    let paths = this.#fetched.get(botId);
    if (paths === undefined) this.#fetched.set(botId, paths = new Set());
    paths.add(file.file_path);
    return { ...FileStore.describe(file), file_id: this.idFor(file, botId) };
  }

  /** The file a bot downloads at this path: one getFile gave it, or undefined (another bot's paths too). */
  download(botId: number, path: string): StoredFile | undefined {
    return this.#fetched.get(botId)?.has(path) === true ? this.#byPath.get(path) : undefined;
  }

  /** The Bot API `File` object of a stored file, with its world id. */
  static describe(file: StoredFile): Obj {
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.byteLength,
      file_path: file.file_path,
    };
  }
}

function newId(): string {
  return `EMU${randomId(28)}`;
}
