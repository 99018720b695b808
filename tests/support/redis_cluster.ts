// Real processes for the Redis scale-out tests and bench: a redis-server, the emulator (its own
// process), polling receivers and workers, each started and killed on demand.
import { EmulatorProcess } from "./emulator_process.ts";
import type { ReceiverConfig } from "./redis_receiver.ts";
import { RedisServer } from "./redis_server.ts";
import type { WorkerConfig } from "./redis_worker.ts";
import { writtenText } from "./written_text.ts";

type WorkerSettings = Pick<WorkerConfig, "kind" | "slowMs" | "cpuMs">;

/** Everything one scenario runs on; disposing of it ends every process it started. */
export class Cluster implements AsyncDisposable {
  readonly children = new Set<Deno.ChildProcess>();
  readonly name = `t${crypto.randomUUID().slice(0, 8)}`;

  private constructor(
    readonly redis: RedisServer,
    readonly emulator: EmulatorProcess,
    readonly dir: string,
    readonly out: string,
    readonly leaseSeconds: number,
  ) {}

  /** Starts redis-server and the emulator. */
  static async start(leaseSeconds = 2): Promise<Cluster> {
    const redis = await RedisServer.start();
    const emulator = await EmulatorProcess.start();
    const dir = await Deno.makeTempDir({ prefix: "redis_scale_" });
    return new Cluster(redis, emulator, dir, `${dir}/out.txt`, leaseSeconds);
  }

  /** Starts a worker process. */
  worker(settings: WorkerSettings): Deno.ChildProcess {
    const config: WorkerConfig = { ...this.#receiverConfig(), ...settings };
    return this.#spawn("./redis_worker.ts", config);
  }

  /** Starts a receiver process: polling (it polls once it leads) or a webhook server. */
  receiver(transport: "polling" | "webhook" = "polling"): Deno.ChildProcess {
    const script = transport === "polling" ? "./redis_receiver.ts" : "./redis_webhook.ts";
    return this.#spawn(script, this.#receiverConfig());
  }

  /** What every process of the cluster is told (a worker its settings too). */
  #receiverConfig(): ReceiverConfig {
    return {
      apiRoot: this.emulator.apiRoot,
      token: this.emulator.token,
      url: this.redis.url,
      name: this.name,
      out: this.out,
      leaseSeconds: this.leaseSeconds,
    };
  }

  /** Ends a process with `signal` and waits for it. */
  async kill(child: Deno.ChildProcess, signal: Deno.Signal): Promise<Deno.CommandStatus> {
    try {
      child.kill(signal);
    } catch {
      // Already ended.
    }
    const status = await child.status;
    this.children.delete(child);
    return status;
  }

  /** The lines of the output file with tag `tag`, split into words. */
  lines(tag: string): string[][] {
    return writtenText(this.out).split("\n").filter((l) => l.startsWith(tag + " ")).map((l) =>
      l.split(" ").slice(1)
    );
  }

  #spawn(script: string, config: unknown): Deno.ChildProcess {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(script, import.meta.url).pathname, JSON.stringify(config)],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    this.children.add(child);
    return child;
  }

  /** Kills every process still running, the emulator and redis-server; removes the files. */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const child of [...this.children]) await this.kill(child, "SIGKILL");
    await this.emulator.close();
    await this.redis[Symbol.asyncDispose]();
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** One handled message as a worker wrote it. */
export interface Handled {
  readonly chat: number;
  readonly n: number;
  readonly updateId: number;
  readonly pid: number;
}

/** Every message handled so far (or, with tag `S`, started), in the order written. */
export function handled(cluster: Cluster, tag: "D" | "S" = "D"): Handled[] {
  return cluster.lines(tag).map(([chat, n, updateId, pid]) => ({
    chat: Number(chat),
    n: Number(n),
    updateId: Number(updateId),
    pid: Number(pid),
  }));
}

/** What a run's output says about delivery. */
export interface Verdict {
  /** Distinct messages handled. */
  readonly distinct: number;
  /** Handlings beyond the first of a message: `chat n` → the pids that handled it. */
  readonly duplicates: Map<string, number[]>;
  /** Chats whose messages were not handled in order (each one once, or again right away). */
  readonly disordered: string[];
}

/**
 * Judges a run: per chat, each handling is of the next message or a repeat of the one just before
 * (a message redelivered after a kill); everything else is disorder.
 */
export function verdict(done: readonly Handled[]): Verdict {
  const last = new Map<number, number>();
  const by = new Map<string, number[]>();
  const disordered: string[] = [];
  for (const d of done) {
    const prev = last.get(d.chat) ?? 0;
    if (d.n !== prev + 1 && d.n !== prev) disordered.push(`chat ${d.chat}: ${d.n} after ${prev}`);
    last.set(d.chat, Math.max(prev, d.n));
    const k = `${d.chat} ${d.n}`;
    const pids = by.get(k);
    if (pids) pids.push(d.pid);
    else by.set(k, [d.pid]);
  }
  const duplicates = new Map([...by].filter(([, pids]) => pids.length > 1));
  return { distinct: by.size, duplicates, disordered };
}
