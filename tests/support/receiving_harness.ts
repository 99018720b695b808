// Real processes for the receiving tests: each bot run in a process of its own
// (tests/support/receiving_bot.ts) against the emulator's (./emulator_process.ts), and what the bot
// wrote, read back.
import { until } from "./until.ts";
import { writtenText } from "./written_text.ts";

/** What the bot process is told (see receiving_bot.ts). */
export interface BotConfig {
  readonly apiRoot: string;
  readonly token: string;
  readonly kind: "plain" | "chathandler" | "open" | "wait";
  readonly transport: "polling" | "webhook";
  readonly journal: string;
  readonly out: string;
  /** Handler time bounds, ms. */
  readonly slow: readonly [number, number];
}

/** Starts a bot process; its stderr is kept for the failure message. */
export function startBot(config: BotConfig): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./receiving_bot.ts", import.meta.url).pathname, JSON.stringify(config)],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

/** One handled message as the bot wrote it. */
export interface Done {
  readonly chat: number;
  readonly n: number;
  readonly updateId: number;
  readonly pid: number;
  /** Ms from the time stamped in the message to the handler's start (0 when not stamped). */
  readonly latency: number;
}

/** The fields of each line the bot wrote with `tag` (`D`, `S`, `E`), in the order written. */
function linesOf(out: string, tag: string): string[][] {
  const text = writtenText(out);
  return text.split("\n").map((line) => line.split(" ")).filter((fields) => fields[0] === tag)
    .map((fields) => fields.slice(1));
}

/** Every message handled so far, in the order handled. */
export function doneLines(out: string): Done[] {
  return linesOf(out, "D").map(([chat, n, updateId, pid, latency]) => ({
    chat: Number(chat),
    n: Number(n),
    updateId: Number(updateId),
    pid: Number(pid),
    latency: Number(latency),
  }));
}

/** Every handling started so far, in the order started. */
export function startedLines(out: string): { chat: number; n: number; pid: number }[] {
  return linesOf(out, "S").map(([chat, n, pid]) => ({ chat: Number(chat), n: Number(n), pid: Number(pid) }));
}

/** What onError received: `[update_id, error class]` per report. */
export function reported(out: string): Array<[number, string]> {
  return linesOf(out, "E").map(([id, name]) => [Number(id), name]);
}

/** Number of distinct messages handled. */
export function distinct(done: readonly Done[]): number {
  return new Set(done.map((d) => `${d.chat} ${d.n}`)).size;
}

/** Waits until `check` holds, for at most `seconds` (see {@link until}). */
export const waitFor: typeof until = until;
