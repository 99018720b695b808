/**
 * Files the caller opened: a `Deno.FsFile` in Deno, a `node:fs/promises` `FileHandle` in Node, Bun or
 * Deno. The library reads uploads from them and writes downloads into them.
 *
 * @module
 */
import { handleStream, writeAll } from "./files.ts";

/** An open file as Deno gives it (`Deno.FsFile`). */
export interface DenoOpenFile {
  /** The file from its current position, closed when read to the end. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Writes at the current position; answers how many bytes it took. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the file. */
  close(): void;
}

/** An open file as `node:fs/promises` gives it (a `FileHandle`, in Node, Bun and Deno). */
export interface NodeFileHandle {
  /** The file descriptor. */
  readonly fd: number;
  /** Reads into `buffer`; a `null` position reads from, and advances, the current position. */
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesRead: number }>;
  /** Writes from `buffer`; a `null` position writes at, and advances, the current position. */
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesWritten: number }>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** A file the caller opened: a `Deno.FsFile` or a `node:fs/promises` `FileHandle`. */
export type OpenFile = DenoOpenFile | NodeFileHandle;

// Outside Deno there is no Deno.FsFile, and naming it would throw.
const DenoFsFile: (new(...args: never[]) => DenoOpenFile) | undefined = (
  globalThis as { Deno?: { FsFile?: new(...args: never[]) => DenoOpenFile } }
).Deno?.FsFile;

function isDenoFile(value: unknown): value is DenoOpenFile {
  return DenoFsFile !== undefined && value instanceof DenoFsFile;
}

function isNodeHandle(value: unknown): value is NodeFileHandle {
  if (typeof value !== "object" || value === null) return false;
  const handle = value as Partial<Record<keyof NodeFileHandle, unknown>>;
  return typeof handle.fd === "number" && typeof handle.read === "function"
    && typeof handle.write === "function" && typeof handle.close === "function";
}

/** Whether `value` is a file the caller opened. */
export function isOpenFile(value: unknown): value is OpenFile {
  return isDenoFile(value) || isNodeHandle(value);
}

/** Reads the file from its current position to the end; the file is closed at the end. */
export function readOpenFile(file: OpenFile): ReadableStream<Uint8Array> {
  return isDenoFile(file) ? file.readable : handleStream(file as NodeFileHandle);
}

/**
 * Writes into the file at its current position. Closing or aborting the stream leaves the file open:
 * it belongs to the caller.
 */
export function writeOpenFile(file: OpenFile): WritableStream<Uint8Array> {
  const write = isDenoFile(file)
    ? async (chunk: Uint8Array) => {
      for (let written = 0; written < chunk.byteLength;) {
        written += await file.write(chunk.subarray(written));
      }
    }
    : (chunk: Uint8Array) => writeAll(file as NodeFileHandle, chunk);
  return new WritableStream<Uint8Array>({ write });
}
