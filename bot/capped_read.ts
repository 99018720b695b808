import { deadlinesOf } from "./deadlines.ts";

/**
 * The largest first buffer of {@link readCapped}, however large the length a sender declares: a header
 * alone must not reserve memory.
 */
export const FIRST_BUFFER = 64 * 1024;

/** How {@link readCapped} reads a stream; each refusal is the caller's own error. */
export interface CappedRead {
  /** Most bytes the stream may carry; one more is {@link CappedRead.tooLarge}. */
  readonly maxBytes: number;
  /** Seconds the whole stream may take; a slower one is cancelled and {@link CappedRead.timedOut}. */
  readonly timeout: number;
  /** Size of the first buffer, which grows from there as bytes arrive. */
  readonly firstBuffer: number;
  /** The error for a stream past `maxBytes`. */
  readonly tooLarge: () => Error;
  /** The error for a stream still arriving after `timeout`. */
  readonly timedOut: () => Error;
  /** The error for a stream that failed. */
  readonly unreadable: () => Error;
  /** Called with the size of each buffer before it is made; may throw to refuse the memory. */
  readonly allocate?: (bytes: number) => void;
  /** Called with the size of each buffer a larger one replaced. */
  readonly release?: (bytes: number) => void;
}

/**
 * Reads a stream into one buffer that grows by doubling up to `maxBytes`, copying each chunk in:
 * chunks are often small views onto large network buffers, and keeping the views would hold those
 * buffers (a body sent a byte at a time would cost tens of KiB per byte). Memory held is thus at most
 * twice the bytes received, never more than `maxBytes`. The stream is cancelled when the read fails,
 * `timeout` runs out or `maxBytes` is passed. Reads with the same `timeout` share one timer (see
 * {@link deadlinesOf}), which costs far less than a setTimeout and clearTimeout for each.
 *
 * @throws the error of `read` for the refusal: `tooLarge`, `timedOut`, `unreadable`, or what
 *   `allocate` threw.
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  read: CappedRead,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes } = read;
  read.allocate?.(read.firstBuffer);
  let buffer = new Uint8Array(read.firstBuffer);
  let size = 0;
  const reader = stream.getReader();
  let timedOut = false;
  const deadlines = deadlinesOf(read.timeout);
  const deadline = deadlines.start(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  });
  try {
    while (true) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw timedOut ? read.timedOut() : read.unreadable();
      }
      if (timedOut) throw read.timedOut();
      if (chunk.done) break;
      const bytes = chunk.value;
      const needed = size + bytes.byteLength;
      if (needed > maxBytes) throw read.tooLarge();
      if (needed > buffer.byteLength) {
        const length = Math.min(
          maxBytes,
          Math.max(needed, buffer.byteLength * 2),
        );
        read.allocate?.(length);
        const grown = new Uint8Array(length);
        grown.set(buffer.subarray(0, size));
        read.release?.(buffer.byteLength);
        buffer = grown;
      }
      buffer.set(bytes, size);
      size = needed;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    // The reader is not released: the stream is finished or cancelled, and releasing costs an Error.
    deadlines.end(deadline);
  }
  return buffer.subarray(0, size);
}
