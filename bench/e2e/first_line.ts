/**
 * The first line a child process writes, for a server that prints where it listens and nothing more.
 *
 * @module
 */

/**
 * Reads `stdout` up to its first line break and returns that line, then stops reading; `what` names
 * the process in the error thrown when it ends first.
 */
export async function firstLine(stdout: ReadableStream<Uint8Array>, what: string): Promise<string> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${what} exited before listening`);
    text += value;
  }
  // Nothing more is read: cancelling lets the process write without a reader holding its output.
  await reader.cancel();
  return text.slice(0, text.indexOf("\n"));
}
