/**
 * Files on disk by path, through `node:fs/promises` (which Deno, Node and Bun all have). The module is
 * loaded on first use, so a host without a file system (a Worker) runs everything that touches no
 * local file.
 *
 * @module
 */
import type { NodeFileHandle } from "./open_file.ts";

/** How much of a file one read takes. */
const CHUNK_BYTES = 64 * 1024;

function fs(): Promise<typeof import("node:fs/promises")> {
  return import("node:fs/promises");
}

/** Whether `path` names an existing regular file (false for a directory, a missing path, no access). */
export async function isRegularFile(path: string): Promise<boolean> {
  return await (await fs()).stat(path).then((info) => info.isFile(), () => false);
}

/**
 * Reads an open handle from its current position to the end as a stream. The handle is closed at the
 * end, on a read error and on cancel, so a half-read upload leaves no open file behind.
 */
export function handleStream(handle: Pick<NodeFileHandle, "read" | "close">): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = new Uint8Array(CHUNK_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null));
      } catch (error) {
        await handle.close().catch(() => {});
        throw error;
      }
      if (bytesRead > 0) return controller.enqueue(buffer.subarray(0, bytesRead));
      await handle.close();
      controller.close();
    },
    async cancel() {
      await handle.close();
    },
  }, { highWaterMark: 0 });
}

/** Writes all of `chunk` at the handle's current position (one write may take only part of it). */
export async function writeAll(handle: Pick<NodeFileHandle, "write">, chunk: Uint8Array): Promise<void> {
  let written = 0;
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, null);
    written += bytesWritten;
  }
}

/** Opens a file for reading, as a stream from its start; the file is closed when the stream ends. */
export async function readFileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  return handleStream(await (await fs()).open(path, "r"));
}

/** A file created for writing. */
export interface CreatedFile {
  /** Writes into the file; closing or aborting it closes the file. */
  readonly writable: WritableStream<Uint8Array>;
  /** Deletes the file (a failed download leaves no partial file). */
  readonly remove: () => Promise<void>;
}

/** Creates `path` (or truncates it) for writing, failing now when it cannot be opened. */
export async function createFile(path: string): Promise<CreatedFile> {
  const files = await fs();
  const handle = await files.open(path, "w");
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    writable: new WritableStream<Uint8Array>({
      write: (chunk) => writeAll(handle, chunk),
      close,
      abort: close,
    }),
    remove: async () => {
      await close().catch(() => {});
      await files.rm(path, { force: true });
    },
  };
}
