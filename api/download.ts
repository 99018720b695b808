/** Where `downloadFile` writes: a path on disk (created or truncated) or a stream the caller owns. */
export type DownloadDestination = string | WritableStream<Uint8Array>;

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/**
 * Whether a `file_path` from getFile is an absolute path on this machine: a local Bot API server run
 * with `--local` answers with one, and the file is then read from disk instead of over HTTP.
 */
export function isLocalFilePath(filePath: string): boolean {
  return filePath.startsWith("/") || WINDOWS_ABSOLUTE.test(filePath);
}

/** An opened download destination. */
export interface DownloadSink {
  /** Where the bytes go; closed by a successful `pipeTo`. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Undoes a failed download: aborts the stream and, for a path, removes the partial file, so a failed
   * download never looks like a finished one.
   */
  readonly discard: (reason: unknown) => Promise<void>;
}

/**
 * Opens `dest` before anything is fetched, so a bad path fails as the file-system error it is rather
 * than as a network error.
 */
export async function openDestination(dest: DownloadDestination): Promise<DownloadSink> {
  if (dest instanceof WritableStream) {
    return { writable: dest, discard: (reason) => dest.locked ? Promise.resolve() : dest.abort(reason) };
  }
  const file = await Deno.open(dest, { write: true, create: true, truncate: true });
  const writable = file.writable;
  return {
    writable,
    discard: async (reason) => {
      if (!writable.locked) await writable.abort(reason).catch(() => {});
      await Deno.remove(dest).catch(() => {});
    },
  };
}
