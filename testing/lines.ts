/**
 * Line-by-line reading of a text stream, as the CLI's command and console modes take their input.
 *
 * @module
 */

/**
 * The lines of a UTF-8 `stream`, without their line breaks; a last line with no break after it is
 * not one. Ends when the stream does, or when `signal` aborts (the stream is then cancelled).
 */
export async function* lines(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", cancel);
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      pending += value;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        yield pending.slice(0, nl);
        pending = pending.slice(nl + 1);
      }
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}
