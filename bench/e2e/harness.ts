/**
 * Runs bench bots against the bench API server, one bot process at a time, and measures each:
 * updates/s (server clock, from the release of the updates to the last first-time answer), CPU ms per
 * 1,000 updates (/proc/<pid>/stat of the bot, over the same span) and peak RSS (VmHWM).
 *
 * @module
 */
import { firstLine } from "./first_line.ts";
import { cpuMs, peakRssMiB } from "./proc.ts";
import { type CpuProfile, Inspector } from "./profile.ts";
import type { ReplyCounts, ScenarioSpec, ScenarioStatus } from "./scenario.ts";
import type { Mode, Variant } from "./variants.ts";

/** Sizes and limits of a run. */
export interface RunSettings {
  /** Updates per run. */
  readonly updates: number;
  /** Chats they are spread over. */
  readonly chats: number;
  /** `retry_after` of an injected 429, in seconds. */
  readonly retryAfter: number;
  /** Seconds a run may take before it is cut off and measured as it stands. */
  readonly timeLimit: number;
  /** Seconds a bot may take to start (load its modules) and poll or set its webhook. */
  readonly startLimit: number;
}

/** The measurement of one variant in one mode. */
export interface RunResult extends ReplyCounts {
  /** The bot variant that ran. */
  readonly variant: Variant;
  /** The mode it ran under. */
  readonly mode: Mode;
  /** "ok": every update answered; "cut": the time limit came first; "n/a": the variant cannot run here. */
  readonly outcome: "ok" | "cut" | "n/a" | "failed";
  /** Why the variant is n/a or failed. */
  readonly reason?: string;
  /** Updates served. */
  readonly updates: number;
  /** Seconds from release to the last answer (or to the cut). */
  readonly seconds: number;
  /** Distinct updates answered per second. */
  readonly updatesPerSecond: number;
  /** The bot process's CPU milliseconds (user + system) per 1,000 updates answered. */
  readonly cpuMsPer1k: number;
  /** The bot process's peak resident memory (VmHWM), MiB. */
  readonly peakRssMiB: number;
  /** The bot's CPU profile over the run, when asked for. */
  readonly profile?: CpuProfile;
}

/** The bench API server, running in its own process. */
export class BenchServer {
  /** Root URL to give a bot as its Bot API server. */
  readonly apiRoot: string;
  readonly #child: Deno.ChildProcess;

  private constructor(apiRoot: string, child: Deno.ChildProcess) {
    this.apiRoot = apiRoot;
    this.#child = child;
  }

  /** Starts `server.ts` and waits for its address. */
  static async start(): Promise<BenchServer> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./server.ts", import.meta.url).pathname],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const hello = await firstLine(child.stdout, "the bench server");
    return new BenchServer(JSON.parse(hello).apiRoot, child);
  }

  /** Calls a control route. */
  async control(action: string, body: Record<string, unknown>): Promise<ScenarioStatus> {
    const res = await fetch(`${this.apiRoot}/control/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await res.json();
    if (!res.ok) throw new Error(`bench server: ${action}: ${answer.description}`);
    return answer;
  }

  /** Stops the server process. */
  async close(): Promise<void> {
    this.#child.kill("SIGTERM");
    await this.#child.status;
  }
}

/** A bot process and what it printed. */
class BotProcess {
  readonly child: Deno.ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly inspectorUrl = Promise.withResolvers<string>();
  exited = false;
  readonly status: Promise<Deno.CommandStatus>;
  readonly #reading: Promise<unknown>;

  constructor(variant: Variant, config: Record<string, unknown>, inspect: boolean) {
    const program = new URL(`./bots/${variant.program}`, import.meta.url).pathname;
    const args = [
      "run",
      "-A",
      ...(inspect ? ["--inspect=127.0.0.1:0"] : []),
      program,
      JSON.stringify(config),
    ];
    this.child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" }).spawn();
    this.status = this.child.status.then((status) => {
      this.exited = true;
      return status;
    });
    this.#reading = Promise.all([
      this.#lines(this.child.stdout, this.stdout),
      this.#lines(this.child.stderr, this.stderr, (line) => {
        const ws = line.match(/ws:\/\/\S+/);
        if (ws) this.inspectorUrl.resolve(ws[0]);
      }),
    ]);
  }

  async #lines(
    stream: ReadableStream<Uint8Array>,
    into: string[],
    each?: (line: string) => void,
  ): Promise<void> {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        each?.(line);
        into.push(line);
        // Keep the tail only: a bot that logs every update must not fill the harness's memory.
        if (into.length > 200) into.splice(0, 100);
      }
    }
    if (rest !== "") into.push(rest);
  }

  /** The reason given with "UNSUPPORTED", if the bot printed one. */
  unsupported(): string | undefined {
    return this.stdout.find((l) => l.startsWith("UNSUPPORTED "))?.slice(12);
  }

  async stop(): Promise<void> {
    if (!this.exited) this.child.kill("SIGKILL");
    await this.status;
    await this.#reading;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let runs = 0;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `variant` under `mode`: a fresh scenario, a fresh bot process, the updates released once the
 * bot is ready, measured until every update is answered or `settings.timeLimit` passes.
 */
export async function runVariant(
  server: BenchServer,
  variant: Variant,
  mode: Mode,
  settings: RunSettings,
  options: { profile?: boolean } = {},
): Promise<RunResult> {
  const token = `${7_000_000 + ++runs}:bench${crypto.randomUUID().slice(0, 8)}`;
  const spec: ScenarioSpec = {
    updates: settings.updates,
    chats: settings.chats,
    latencyMs: mode.latencyMs,
    faultRate: mode.faultRate,
    retryAfter: settings.retryAfter,
  };
  await server.control("scenario", { token, ...spec });
  const dir = variant.journal === "sqlite" ? await Deno.makeTempDir({ prefix: "bench-e2e-" }) : undefined;
  const journal = dir === undefined ? undefined : `${dir}/bot.db`;
  const botSettings = journal === undefined ? variant.settings : { ...variant.settings, loop: { journal } };
  const bot = new BotProcess(
    variant,
    { apiRoot: server.apiRoot, token, receive: variant.receive, settings: botSettings },
    options.profile ?? false,
  );
  // The status of a bot that never got to run.
  const empty: ScenarioStatus = {
    ready: false,
    started: false,
    done: false,
    answered: 0,
    duplicates: 0,
    outOfOrder: 0,
    wrong: 0,
    faults: 0,
    floodWaitMs: 0,
    polls: 0,
    polled: 0,
    elapsedMs: 0,
  };
  const result = (
    outcome: RunResult["outcome"],
    { ready: _ready, started: _started, done: _done, elapsedMs, ...counts }: ScenarioStatus,
    cpu = 0,
    rss = 0,
    reason?: string,
    profile?: CpuProfile,
  ): RunResult => ({
    ...counts,
    variant,
    mode,
    outcome,
    reason,
    updates: settings.updates,
    seconds: elapsedMs / 1000,
    updatesPerSecond: elapsedMs > 0 ? (counts.answered * 1000) / elapsedMs : 0,
    cpuMsPer1k: counts.answered > 0 ? (cpu * 1000) / counts.answered : 0,
    peakRssMiB: rss,
    profile,
  });
  let inspector: Inspector | undefined;
  try {
    const startBy = Date.now() + settings.startLimit * 1000;
    while (!(await server.control("status", { token })).ready) {
      if (bot.exited || Date.now() > startBy) {
        await bot.stop();
        const unsupported = bot.unsupported();
        if (unsupported !== undefined) return result("n/a", empty, 0, 0, unsupported);
        const why = bot.exited ? "exited before it was ready" : `not ready after ${settings.startLimit} s`;
        return result("failed", empty, 0, 0, `${why}: ${bot.stderr.slice(-3).join(" | ")}`);
      }
      await pause(20);
    }
    if (options.profile) {
      inspector = await Inspector.connect(await bot.inspectorUrl.promise);
      await inspector.startProfiling();
    }
    const cpuBefore = cpuMs(bot.child.pid) ?? 0;
    await server.control("go", { token });
    const cutAt = Date.now() + settings.timeLimit * 1000;
    let status: ScenarioStatus;
    while (true) {
      await pause(25);
      status = await server.control("status", { token });
      if (status.done || bot.exited || Date.now() > cutAt) break;
    }
    const cpu = (cpuMs(bot.child.pid) ?? cpuBefore) - cpuBefore;
    const rss = peakRssMiB(bot.child.pid) ?? 0;
    const profile = inspector ? await inspector.stopProfiling() : undefined;
    const diedEarly = bot.exited;
    await bot.stop();
    if (bot.unsupported() !== undefined) return result("n/a", status, cpu, rss, bot.unsupported());
    if (journal !== undefined && !exists(journal)) {
      return result("n/a", status, cpu, rss, "journal option ignored: no database file was written");
    }
    if (!status.done && diedEarly) {
      return result("failed", status, cpu, rss, `bot exited: ${bot.stderr.slice(-3).join(" | ")}`);
    }
    return result(status.done ? "ok" : "cut", status, cpu, rss, undefined, profile);
  } finally {
    inspector?.close();
    await bot.stop();
    await server.control("end", { token }).catch(() => {});
    if (dir !== undefined) await Deno.remove(dir, { recursive: true });
  }
}
