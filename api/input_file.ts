import { BadInput } from "../exception/bad_input.ts";
import { isRegularFile, readFileStream } from "../platform/files.ts";
import { isOpenFile, type OpenFile, readOpenFile } from "../platform/open_file.ts";

/**
 * Anything the Bot API accepts where it takes an `InputFile`: a `file_id` or URL string, bytes, a
 * `Blob`/`File`, a `ReadableStream`, an async iterable of bytes (a Node `Readable` such as
 * `fs.createReadStream(path)`), an open file (`Deno.FsFile`, `node:fs/promises` `FileHandle`), a local
 * path wrapped by `localFile`, or a telepot-style `[filename, data]` pair.
 */
export type InputFile =
  | string
  | Uint8Array
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | OpenFile
  | LocalFile
  | readonly [
    filename: string,
    data: Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | OpenFile | LocalFile,
  ];

/** A file on the local disk, to be uploaded by streaming. Create with {@link localFile}. */
export class LocalFile {
  // A private field makes the type nominal: a plain `{ path }` object, which the upload code (it checks
  // `instanceof LocalFile`) would send as JSON, is not a LocalFile.
  #brand: undefined;
  /** The file's path on disk. */
  readonly path: string;
  /**
   * Wraps a path.
   *
   * @param path the file's path on disk.
   * @throws {BadInput} when `path` is not a non-empty string.
   */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new BadInput("path", "a file's path on disk");
    this.path = path;
  }
}

/** Marks a string as a local path to upload (a bare string is sent as a `file_id` or URL). */
export function localFile(path: string): LocalFile {
  return new LocalFile(path);
}

/** An {@link InputFile} that carries content to upload (every form except a `file_id`/URL string). */
export type Upload = Exclude<InputFile, string>;

/** The raw content forms an upload can wrap. */
type UploadData =
  | Uint8Array
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | OpenFile
  | LocalFile;

// A Node `Readable` is one: it is neither a web stream nor an open file, and would otherwise go out
// as a JSON dump of its internals, its path included.
function isByteIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && !(value instanceof ReadableStream)
    && typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}

function isUploadData(value: unknown): value is UploadData {
  return value instanceof Uint8Array || value instanceof Blob || value instanceof ReadableStream
    || value instanceof LocalFile || isOpenFile(value) || isByteIterable(value);
}

/**
 * Whether `value` is file content to upload, as opposed to a `file_id`/URL string or an ordinary
 * parameter. A `[filename, data]` pair counts only when its second element is file content, so an
 * array of strings stays an ordinary parameter.
 */
export function isUpload(value: unknown): value is Upload {
  if (isUploadData(value)) return true;
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && isUploadData(value[1]);
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}

/** A short, content-free description of an upload for error messages and redacted parameters. */
export function describeUpload(upload: Upload): string {
  if (Array.isArray(upload)) return `<file ${upload[0]}>`;
  if (upload instanceof LocalFile) return `<file ${upload.path}>`;
  if (upload instanceof File) return `<file ${upload.name}, ${upload.size} bytes>`;
  if (upload instanceof Blob) return `<file, ${upload.size} bytes>`;
  if (upload instanceof Uint8Array) return `<file, ${upload.byteLength} bytes>`;
  if (upload instanceof ReadableStream) return "<file stream>";
  if (isByteIterable(upload)) return "<file stream>";
  return "<open file>";
}

/** One file of a multipart request, ready to be written into the body. */
export interface UploadPart {
  /** File name sent in the part's Content-Disposition. */
  readonly filename: string;
  /** MIME type of the part. */
  readonly contentType: string;
  /**
   * The whole content when it is already in memory; lets the request carry a Content-Length and be
   * sent again on retry.
   */
  readonly blob?: Blob;
  /** Opens the content for streaming; called at most once per request attempt. */
  readonly open: () => Promise<ReadableStream<Uint8Array>>;
  /** Whether `open` may be called again for a repeated attempt (false for one-shot streams). */
  readonly replayable: boolean;
  /**
   * Lets go of a one-shot source no request opened (an open file is closed); nothing once opened,
   * since the request reading it ends it. Never rejects.
   */
  readonly discard?: (reason?: unknown) => Promise<void>;
}

const OCTET_STREAM = "application/octet-stream";

// One-shot sources (a ReadableStream, an open file) once a request took them: sending one again would
// send what is left of it, nothing, whichever parameters object carries it (a transformer may copy
// the parameters for each attempt).
const spent = new WeakSet<object>();

/**
 * Whether `value` (a call's parameters, or any value inside them) holds a one-shot source a request
 * took already.
 */
export function holdsSpentSource(value: unknown): boolean {
  return findInParams(value, spentAnswer) === true;
}

const spentAnswer = (object: object): true | undefined => spent.has(object) || undefined;

/**
 * The first answer `found` gives for an object inside a call's parameters (nested as uploads are, at
 * most five levels), not looking inside file contents.
 */
function findInParams<T>(value: unknown, found: (object: object) => T | undefined, depth = 0): T | undefined {
  if (typeof value !== "object" || value === null || depth > 4) return undefined;
  const answer = found(value);
  if (answer !== undefined) return answer;
  if (value instanceof Blob || ArrayBuffer.isView(value) || value instanceof ReadableStream) return undefined;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) {
    const deeper = findInParams(inner, found, depth + 1);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

/**
 * Turns an upload into a multipart part. A local path is checked here, before anything is sent, so a
 * missing file is reported as bad input instead of a broken request. A `ReadableStream` or open
 * file is read once, from its current position to the end, and the file is then closed.
 *
 * @param upload the file content.
 * @param fallbackName file name to use when the upload carries none (the parameter's name).
 * @throws {BadInput} when a {@link LocalFile} is not a readable regular file, or a stream is locked.
 */
export async function toUploadPart(upload: Upload, fallbackName: string): Promise<UploadPart> {
  const [explicitName, data]: [string | undefined, UploadData] = Array.isArray(upload)
    ? [upload[0], upload[1]]
    : [undefined, upload as UploadData];
  if (data instanceof LocalFile) {
    const path = data.path;
    if (!(await isRegularFile(path))) {
      throw new BadInput(`localFile(${JSON.stringify(path)})`, "an existing regular file");
    }
    return {
      filename: explicitName ?? baseName(path),
      contentType: OCTET_STREAM,
      open: () => readFileStream(path),
      replayable: true,
    };
  }
  if (data instanceof Blob) {
    return {
      filename: explicitName ?? (data instanceof File && data.name !== "" ? data.name : fallbackName),
      contentType: data.type || OCTET_STREAM,
      blob: data,
      open: () => Promise.resolve(data.stream()),
      replayable: true,
    };
  }
  if (data instanceof Uint8Array) {
    const blob = new Blob([data as Uint8Array<ArrayBuffer>]);
    return {
      filename: explicitName ?? fallbackName,
      contentType: OCTET_STREAM,
      blob,
      open: () => Promise.resolve(blob.stream()),
      replayable: true,
    };
  }
  if (spent.has(data)) throw new BadInput(fallbackName, "a ReadableStream or open file not sent already");
  const stream = data instanceof ReadableStream
    ? data
    : isOpenFile(data)
    ? readOpenFile(data)
    : iterableStream(data, fallbackName);
  if (stream.locked) throw new BadInput(fallbackName, "a ReadableStream that is not locked or already read");
  let taken = false;
  return {
    filename: explicitName ?? streamFileName(data) ?? fallbackName,
    contentType: OCTET_STREAM,
    open: () => {
      taken = true;
      spent.add(data);
      return Promise.resolve(stream);
    },
    replayable: false,
    discard: async (reason) => {
      if (taken) return;
      taken = true;
      spent.add(data);
      await stream.cancel(reason).catch(() => {});
    },
  };
}

// Sources whose content was refused while a request read them. The transport reports a body that
// failed as its own error (fetch loses the BadInput on the way), so the client looks here.
const refusals = new WeakMap<object, BadInput>();

/** The `BadInput` an upload in `params` (nested as uploads are) met while a request read it, if any. */
export function refusedUploadIn(value: unknown): BadInput | undefined {
  return findInParams(value, (object) => refusals.get(object));
}

/** A stream read from an async iterable of bytes; cancelling it ends the iterable (a Node stream is destroyed). */
function iterableStream(source: AsyncIterable<unknown>, name: string): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= source[Symbol.asyncIterator]();
      const { value, done } = await iterator.next();
      if (done) return controller.close();
      if (!(value instanceof Uint8Array)) {
        await iterator.return?.();
        const refusal = new BadInput(
          name,
          "a stream of bytes (Uint8Array or Buffer chunks, no encoding set)",
        );
        refusals.set(source, refusal);
        throw refusal;
      }
      controller.enqueue(value);
    },
    async cancel() {
      await (iterator ?? source[Symbol.asyncIterator]()).return?.();
    },
  });
}

// `fs.createReadStream(path)` carries its path: its base name is the file's name, as for localFile.
function streamFileName(data: object): string | undefined {
  const path = (data as { path?: unknown }).path;
  return isByteIterable(data) && typeof path === "string" && path !== "" ? baseName(path) : undefined;
}

/** The one-shot source (a stream, an open file) an upload reads, if it reads one. */
export function oneShotSourceOf(upload: Upload): object | undefined {
  const data = Array.isArray(upload) ? upload[1] : upload;
  return data instanceof ReadableStream || isOpenFile(data) || isByteIterable(data) ? data : undefined;
}

/** Lets go of every one-shot source in `parts` that no request opened. Never rejects. */
export async function discardAll(parts: readonly UploadPart[], reason?: unknown): Promise<void> {
  await Promise.all(parts.map((part) => part.discard?.(reason)));
}

/**
 * Lets go of the one-shot sources in a call's parameters (nested as uploads are) that no request took:
 * a stream is cancelled, an open file closed. For a call that ended before a request read them (a
 * transformer refused it, an abort or timeout while it waited in a throttle's queue). Never rejects.
 */
export async function releaseUnsent(value: unknown, reason?: unknown, depth = 0): Promise<void> {
  if (typeof value !== "object" || value === null || depth > 4) return;
  if (value instanceof ReadableStream || isOpenFile(value) || isByteIterable(value)) {
    if (spent.has(value)) return;
    spent.add(value);
    try {
      if (value instanceof ReadableStream) {
        if (!value.locked) await value.cancel(reason);
      } else if (isOpenFile(value)) {
        await value.close();
      } else {
        await value[Symbol.asyncIterator]().return?.();
      }
    } catch {
      // Closed already by its owner, or a stream that cannot be cancelled: nothing is left to let go of.
    }
    return;
  }
  if (value instanceof Blob || ArrayBuffer.isView(value)) return;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) {
    await releaseUnsent(inner, reason, depth + 1);
  }
}
