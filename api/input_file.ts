/**
 * Anything the Bot API accepts where it takes an `InputFile`: a `file_id` or URL string, bytes, a
 * `Blob`/`File`, a `ReadableStream`, an open `Deno.FsFile`, a local path wrapped by `localFile`, or a
 * telepot-style `[filename, data]` pair.
 */
export type InputFile =
  | string
  | Uint8Array
  | Blob
  | ReadableStream<Uint8Array>
  | Deno.FsFile
  | LocalFile
  | readonly [filename: string, data: Uint8Array | Blob | ReadableStream<Uint8Array> | Deno.FsFile | LocalFile];

/** A file on the local disk, to be uploaded by streaming. Create with {@link localFile}. */
export class LocalFile {
  /** @param path the file's path on disk. */
  constructor(readonly path: string) {}
}

/** Marks a string as a local path to upload (a bare string is sent as a `file_id` or URL). */
export function localFile(path: string): LocalFile {
  return new LocalFile(path);
}
