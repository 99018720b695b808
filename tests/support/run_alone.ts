/**
 * Runs `program` (module source) in a Deno process of its own, from the project's directory with its
 * lockfile, and resolves once that process has ended by itself: a process still running after
 * `seconds` (a timer or a connection keeping it alive) is killed, and its exit code is then not 0.
 */
export async function runAlone(
  program: string,
  seconds = 20,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--lock=deno.lock", program],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill(), seconds * 1000);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
