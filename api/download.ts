import { BadInput } from "../exception/bad_input.ts";
import { createFile } from "../platform/files.ts";
import { isOpenFile, type OpenFile, writeOpenFile } from "../platform/open_file.ts";

/**
 * Where `downloadFile` writes: a path on disk (created or truncated), a file the caller opened
 * (`Deno.FsFile`, `node:fs/promises` `FileHandle`; written at its current position) or a
 * `WritableStream`. A file or stream the caller passed in is never closed: it stays the caller's.
 */
export type DownloadDestination = string | OpenFile | WritableStream<Uint8Array>;

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/**
 * Whether a `file_path` from getFile is an absolute path on this machine: a local Bot API server run
 * with `--local` answers with one, and the file is then read from disk instead of over HTTP.
 */
export function isLocalFilePath(filePath: string): boolean {
  return filePath.startsWith("/") || WINDOWS_ABSOLUTE.test(filePath);
}

/**
 * Refuses what cannot be a destination before anything is asked of the server.
 *
 * @throws {BadInput} unless `dest` is a non-empty path, an open file or an unlocked WritableStream.
 */
export function checkDestination(dest: unknown): asserts dest is DownloadDestination {
  if (typeof dest === "string" ? dest !== "" : isOpenFile(dest)) return;
  if (dest instanceof WritableStream && !dest.locked) return;
  throw new BadInput("dest", "a file path, an open file or an unlocked WritableStream");
}

/** An opened download destination. */
export interface DownloadSink {
  /** Where the bytes go; closed by a successful `pipeTo`. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Undoes a failed download: for a path, closes and removes the partial file, so a failed download
   * never looks like a finished one; a destination the caller passed in is only let go of.
   */
  readonly discard: (reason: unknown) => Promise<void>;
}

/**
 * Writes into the caller's stream through a writer held for the download; closing or aborting this
 * stream only releases the writer, so the caller's stream stays open for more writes or its own close.
 */
function borrow(dest: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = dest.getWriter();
  return new WritableStream<Uint8Array>({
    write: async (chunk) => {
      await writer.ready;
      await writer.write(chunk);
    },
    close: () => writer.releaseLock(),
    abort: () => writer.releaseLock(),
  });
}

function callerOwned(writable: WritableStream<Uint8Array>): DownloadSink {
  return {
    writable,
    discard: async (reason) => {
      if (!writable.locked) await writable.abort(reason).catch(() => {});
    },
  };
}

/**
 * Opens `dest` before the file is fetched, so that a path that cannot be written fails at once with the
 * file system's error (which `downloadFile` reports as an `UnusableFile`) rather than half-way through
 * as a network error.
 */
export async function openDestination(dest: DownloadDestination): Promise<DownloadSink> {
  checkDestination(dest);
  if (dest instanceof WritableStream) return callerOwned(borrow(dest));
  if (typeof dest !== "string") return callerOwned(writeOpenFile(dest));
  const file = await createFile(dest);
  const writable = file.writable;
  return {
    writable,
    discard: async (reason) => {
      if (!writable.locked) await writable.abort(reason).catch(() => {});
      await file.remove().catch(() => {});
    },
  };
}
