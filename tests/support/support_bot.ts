// Bot processes the crash tests start from tests/support, and the lines they write for the test to read.
import { writtenText } from "./written_text.ts";

/** Starts `tests/support/<script>` with `config` as its JSON argument, its output discarded. */
export function startSupportBot(script: string, config: unknown): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`./${script}`, import.meta.url).pathname, JSON.stringify(config)],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** The lines of the file `out` that begin with `tag`, each as its words after the tag. */
export function taggedLines(out: string, tag: string): string[][] {
  return writtenText(out).split("\n").filter((l) => l.startsWith(`${tag} `)).map((l) =>
    l.split(" ").slice(1)
  );
}
