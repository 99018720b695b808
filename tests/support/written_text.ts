/**
 * What a process has written to `path` so far, up to its last complete line ("" while there is no
 * file). A line being appended may be read half-written (a write is not atomic for a reader across a
 * page boundary): its start would parse as a line with wrong fields.
 */
export function writtenText(path: string): string {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return "";
  }
  return text.slice(0, text.lastIndexOf("\n") + 1);
}
