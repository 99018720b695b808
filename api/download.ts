import { BadInput } from "../exception/bad_input.ts";

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

/**
 * Streams `source` into `dest`. A path is written through a file handle that the pipe closes; if the
 * copy fails half-way the partial file is removed, so a failed download never looks like a finished one.
 * A WritableStream is closed on success and aborted on failure (standard `pipeTo` behaviour).
 *
 * @throws {BadInput} when `dest` is neither a string nor a WritableStream.
 */
export async function writeTo(
  source: ReadableStream<Uint8Array>,
  dest: DownloadDestination,
  signal?: AbortSignal,
): Promise<void> {
  if (dest instanceof WritableStream) {
    await source.pipeTo(dest, { signal });
    return;
  }
  if (typeof dest !== "string" || dest === "") {
    await source.cancel();
    throw new BadInput("dest", "a file path or a WritableStream");
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(dest, { write: true, create: true, truncate: true });
  } catch (error) {
    await source.cancel();
    throw error;
  }
  try {
    await source.pipeTo(file.writable, { signal });
  } catch (error) {
    await Deno.remove(dest).catch(() => {});
    throw error;
  }
}
