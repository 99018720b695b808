import type { Obj } from "./types.ts";

/** A stored file: its bytes and the `File` object facts. */
export interface StoredFile {
  /** Id bots use to reuse or download the file. */
  readonly file_id: string;
  /** Id stable across bots. */
  readonly file_unique_id: string;
  /** Path under `/file/bot<token>/`. */
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

/** Every file the world knows, by `file_id` and by download path. */
export class FileStore {
  #byId = new Map<string, StoredFile>();
  #byPath = new Map<string, StoredFile>();
  #count = 0;

  /** Stores bytes under a new `file_id`; `folder` names the download folder (`photos`, `documents`, …). */
  add(bytes: Uint8Array<ArrayBuffer>, folder: string, fileName?: string, mimeType?: string): StoredFile {
    const n = ++this.#count;
    const dot = fileName?.lastIndexOf(".") ?? -1;
    const ext = fileName !== undefined && dot > 0 ? fileName.slice(dot) : "";
    const file: StoredFile = {
      file_id: `EMU${n.toString(36)}${randomId(24)}`,
      file_unique_id: `U${n.toString(36)}${randomId(8)}`,
      file_path: `${folder}/file_${n}${ext}`,
      bytes,
      ...(fileName !== undefined ? { file_name: fileName } : {}),
      ...(mimeType !== undefined && mimeType !== "" ? { mime_type: mimeType } : {}),
    };
    this.#byId.set(file.file_id, file);
    this.#byPath.set(file.file_path, file);
    return file;
  }

  /** The file with this id, if any. */
  get(fileId: string): StoredFile | undefined {
    return this.#byId.get(fileId);
  }

  /** The file at this download path, if any. */
  byPath(path: string): StoredFile | undefined {
    return this.#byPath.get(path);
  }

  /** The Bot API `File` object of a stored file. */
  static describe(file: StoredFile): Obj {
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.byteLength,
      file_path: file.file_path,
    };
  }
}
