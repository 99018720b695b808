import { deadlinesOf } from "./deadlines.ts";

// The largest first buffer, however large the length a sender declares: a header alone must not
// reserve memory.
const FIRST_BUFFER = 64 * 1024;

/** How {@link readCapped} reads a stream; each refusal is the caller's own error. */
export interface CappedRead {
  /** Most bytes the stream may carry; one more is {@link CappedRead.tooLarge}. */
  readonly maxBytes: number;
  /** Seconds the whole stream may take; a slower one is cancelled and {@link CappedRead.timedOut}. */
  readonly timeout: number;
  /**
   * The length the sender declared (`Content-Length`), NaN when it declared none. The buffer made once
   * a second chunk arrives is that size (at least what has arrived), up to 64 KiB and `maxBytes`; it
   * grows from there as more bytes come.
   */
  readonly declared: number;
  /**
   * Whether the caller is done with the bytes before it awaits anything (it parses them at once):
   * then a stream that came in one chunk is returned as that chunk, uncopied, since the chunk is not
   * kept. Otherwise such a chunk is copied like any other.
   */
  readonly transient?: boolean;
  /** The error for a stream past `maxBytes`. */
  readonly tooLarge: () => Error;
  /** The error for a stream still arriving after `timeout`. */
  readonly timedOut: () => Error;
  /** The error for a stream that failed. */
  readonly unreadable: () => Error;
  /**
   * Called with the bytes of memory the read is about to hold, so that a caller can count them (and
   * may throw to refuse them): each buffer before it is made, and the network buffer under a first
   * chunk kept as it came (a one-byte chunk may hold a buffer of tens of KiB).
   */
  readonly allocate?: (bytes: number) => void;
  /** Called with the bytes no longer held: a buffer a larger one replaced, or a first chunk copied. */
  readonly release?: (bytes: number) => void;
}

function buffer(read: CappedRead, bytes: number): Uint8Array<ArrayBuffer> {
  read.allocate?.(bytes);
  return new Uint8Array(bytes);
}

/**
 * Reads a stream into one buffer that grows by doubling up to `maxBytes`, copying each chunk in:
 * chunks are often small views onto large network buffers, and keeping the views would hold those
 * buffers (a body sent a byte at a time would cost tens of KiB per byte). Memory held is thus at most
 * twice the bytes received plus the one chunk being read, never more than `maxBytes` in the buffer.
 * The first chunk waits uncopied until a second arrives, so that a stream in one chunk (most request
 * bodies, which arrive whole) needs no buffer at all. The stream is cancelled when the read fails,
 * `timeout` runs out or `maxBytes` is passed. Reads with the same `timeout` share one timer (see
 * {@link deadlinesOf}), which costs far less than a setTimeout and clearTimeout for each.
 *
 * @throws the error of `read` for the refusal: `tooLarge`, `timedOut`, `unreadable`, or what
 *   `allocate` threw.
 */
export function readCapped(
  stream: ReadableStream<Uint8Array>,
  read: CappedRead & { readonly transient: true },
): Promise<Uint8Array>;
export function readCapped(
  stream: ReadableStream<Uint8Array>,
  read: CappedRead,
): Promise<Uint8Array<ArrayBuffer>>;
export async function readCapped(stream: ReadableStream<Uint8Array>, read: CappedRead): Promise<Uint8Array> {
  const { maxBytes, declared } = read;
  const expected = Number.isSafeInteger(declared) && declared >= 0 ? declared : FIRST_BUFFER;
  const firstBuffer = Math.min(expected, FIRST_BUFFER, maxBytes);
  const reader = stream.getReader();
  let timedOut = false;
  const deadlines = deadlinesOf(read.timeout);
  const deadline = deadlines.start(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  });
  let first: Uint8Array | undefined;
  let held: Uint8Array<ArrayBuffer> | undefined;
  let size = 0;
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
      if (held === undefined) {
        if (first === undefined) {
          read.allocate?.(bytes.buffer.byteLength);
          first = bytes;
          size = needed;
          continue;
        }
        held = buffer(read, Math.min(maxBytes, Math.max(needed, firstBuffer)));
        held.set(first);
        read.release?.(first.buffer.byteLength);
        first = undefined;
      } else if (needed > held.byteLength) {
        const grown = buffer(read, Math.min(maxBytes, Math.max(needed, held.byteLength * 2)));
        grown.set(held.subarray(0, size));
        read.release?.(held.byteLength);
        held = grown;
      }
      held.set(bytes, size);
      size = needed;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    // The reader is not released: the stream is finished or cancelled, and releasing costs an Error.
    deadlines.end(deadline);
  }
  if (held !== undefined) return held.subarray(0, size);
  if (first === undefined) return new Uint8Array();
  if (read.transient) return first;
  const copy = buffer(read, size);
  copy.set(first);
  read.release?.(first.buffer.byteLength);
  return copy;
}
