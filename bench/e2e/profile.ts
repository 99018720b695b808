/**
 * CPU profiles of a bench bot, taken over the V8 inspector protocol (the bot runs with
 * `--inspect=127.0.0.1:0`), and a self-time summary by area, function and file.
 *
 * @module
 */

/** Where a profile node's code is. */
export interface CallFrame {
  /** Empty for an anonymous function. */
  functionName: string;
  /** The script's URL; empty for native code. */
  url: string;
  /** Zero-based. */
  lineNumber: number;
}

/** The shape of a `.cpuprofile` (what Chrome DevTools opens). */
export interface CpuProfile {
  /** Every call-tree node, with the samples taken while it was on top. */
  nodes: { id: number; callFrame: CallFrame; hitCount?: number }[];
  /** Microseconds, on the profiler's clock. */
  startTime: number;
  /** Microseconds, on the profiler's clock. */
  endTime: number;
}

/** A connection to one process's inspector. */
export class Inspector {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, PromiseWithResolvers<unknown>>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      const waiting = this.#pending.get(message.id);
      if (waiting === undefined) return;
      this.#pending.delete(message.id);
      if (message.error) waiting.reject(new Error(JSON.stringify(message.error)));
      else waiting.resolve(message.result);
    };
  }

  /** Connects to the `ws://` URL the process printed. */
  static connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(new Inspector(socket));
      socket.onerror = () => reject(new Error(`cannot connect to the inspector at ${url}`));
    });
  }

  /** Sends one protocol command and resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    const answer = Promise.withResolvers<unknown>();
    this.#pending.set(id, answer);
    this.#socket.send(JSON.stringify({ id, method, params }));
    return answer.promise;
  }

  /** Starts sampling every `intervalUs` microseconds. */
  async startProfiling(intervalUs = 200): Promise<void> {
    await this.send("Profiler.enable");
    await this.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await this.send("Profiler.start");
  }

  /** Stops sampling and returns the profile. */
  async stopProfiling(): Promise<CpuProfile> {
    const result = await this.send("Profiler.stop") as { profile: CpuProfile };
    return result.profile;
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.close();
  }
}

/** A share of the profile's busy samples. */
export interface HotSpot {
  /** `function (file:line)`, a file, or an area of the code. */
  readonly where: string;
  /** Percent of the busy (not idle) samples spent in it (self time). */
  readonly percent: number;
}

/** Where a profile's time went. */
export interface ProfileSummary {
  /** Percent of all samples in which the process was idle (waiting on I/O or timers). */
  readonly idlePercent: number;
  /** Self time by function, largest first. */
  readonly functions: HotSpot[];
  /** Self time by file, largest first. */
  readonly files: HotSpot[];
  /** Self time by area: our folders (`bot/`, `api/`, …), the Deno runtime, npm packages, native code. */
  readonly areas: HotSpot[];
}

function shortFile(url: string): string {
  if (url === "") return "(native)";
  const npm = url.indexOf("/node_modules/");
  if (npm !== -1) return url.slice(npm + 14);
  const local = url.indexOf("/wt-");
  if (local !== -1) return url.slice(url.indexOf("/", local + 1) + 1);
  return url;
}

function areaOf(file: string, url: string): string {
  if (url === "") return "native (V8, GC, ops)";
  if (url.startsWith("ext:") || url.startsWith("node:")) return "Deno runtime (ext:)";
  if (url.includes("/node_modules/")) return "npm packages";
  const slash = file.indexOf("/");
  return slash === -1 ? file : `${file.slice(0, slash)}/`;
}

/** Self time by function, file and area, `top` of each, as shares of the busy samples. */
export function summarize(profile: CpuProfile, top = 15): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  const add = (map: Map<string, number>, key: string, hits: number) =>
    map.set(key, (map.get(key) ?? 0) + hits);
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += hits;
      continue;
    }
    if (hits === 0) continue;
    busy += hits;
    const file = shortFile(url);
    add(byFunction, `${functionName || "(anonymous)"} (${file}${url ? `:${lineNumber + 1}` : ""})`, hits);
    add(byFile, file, hits);
    add(byArea, areaOf(file, url), hits);
  }
  const rank = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([where, hits]) => ({
      where,
      percent: (hits * 100) / Math.max(1, busy),
    }));
  return {
    idlePercent: (idle * 100) / Math.max(1, idle + busy),
    functions: rank(byFunction),
    files: rank(byFile),
    areas: rank(byArea),
  };
}
