// Real processes for the receiving tests: each bot run in a process of its own
// (tests/support/receiving_bot.ts) against the emulator's (./emulator_process.ts), and what the bot
// wrote, read back.
import { until } from "./until.ts";

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

/** Every message handled so far, in the order handled. */
export function doneLines(out: string): Done[] {
  let text = "";
  try {
    text = Deno.readTextFileSync(out);
  } catch {
    return [];
  }
  const done: Done[] = [];
  for (const line of text.split("\n")) {
    const [tag, chat, n, updateId, pid, latency] = line.split(" ");
    if (tag !== "D") continue;
    done.push({
      chat: Number(chat),
      n: Number(n),
      updateId: Number(updateId),
      pid: Number(pid),
      latency: Number(latency),
    });
  }
  return done;
}

/** Every handling started so far, as `<chat> <n> <pid>`, in the order started. */
export function startedLines(out: string): string[] {
  let text = "";
  try {
    text = Deno.readTextFileSync(out);
  } catch {
    return [];
  }
  return text.split("\n").filter((l) => l.startsWith("S ")).map((l) => l.slice(2));
}

/** What onError received: `[update_id, error class]` per report. */
export function reported(out: string): Array<[number, string]> {
  let text = "";
  try {
    text = Deno.readTextFileSync(out);
  } catch {
    return [];
  }
  return text.split("\n").filter((l) => l.startsWith("E ")).map((l) => {
    const [, id, name] = l.split(" ");
    return [Number(id), name];
  });
}

/** Number of distinct messages handled. */
export function distinct(done: readonly Done[]): number {
  return new Set(done.map((d) => `${d.chat} ${d.n}`)).size;
}

/** Waits until `check` holds, for at most `seconds` (see {@link until}). */
export const waitFor: typeof until = until;
