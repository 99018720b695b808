/**
 * CPU profiles of a bench bot, taken over the V8 inspector protocol (the bot runs with
 * `--inspect=127.0.0.1:0`), and a self-time summary by function and by file.
 *
 * @module
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** The shape of a `.cpuprofile` (what Chrome DevTools opens). */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; hitCount?: number }[];
  startTime: number;
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

/** A share of the profile's samples. */
export interface HotSpot {
  /** `function (file:line)` or a file. */
  readonly where: string;
  /** Percent of all samples spent in it (self time). */
  readonly percent: number;
}

function shortFile(url: string): string {
  if (url === "") return "(native)";
  const local = url.indexOf("/wt-");
  const npm = url.indexOf("/node_modules/");
  if (npm !== -1) return url.slice(npm + 14);
  if (local !== -1) return url.slice(url.indexOf("/", local + 1) + 1);
  return url;
}

/** Self time by function and by file, largest first, `top` of each. */
export function hotSpots(profile: CpuProfile, top = 15): { functions: HotSpot[]; files: HotSpot[] } {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortFile(url);
    const name = `${functionName || "(anonymous)"} (${file}${url ? `:${lineNumber + 1}` : ""})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  const rank = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([where, hits]) => ({
      where,
      percent: (hits * 100) / Math.max(1, total),
    }));
  return { functions: rank(byFunction), files: rank(byFile) };
}
