// The Bot API emulator in a process of its own (`testing/cli.ts --script`), for tests that kill and
// restart bot processes against it while it keeps its state; the commands are listed in testing/cli.ts.
import { lines } from "../../testing/lines.ts";

/** The emulator process: one JSON command per line in, one JSON answer per line out. */
export class EmulatorProcess {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  /** Where the emulator serves the Bot API. */
  apiRoot = "";
  /** The bot's token. */
  token = "";

  private constructor() {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../testing/cli.ts", import.meta.url).pathname,
        "--script",
        "--no-deadlines",
        // Webhook bots are killed mid-delivery: the retry comes soon, a slow handler is waited for.
        "--webhook-retry-delay",
        "0.05",
        "--webhook-timeout",
        "30",
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#lines = lines(this.#child.stdout)[Symbol.asyncIterator]();
  }

  /** Starts the emulator and reads its API root and token. */
  static async start(): Promise<EmulatorProcess> {
    const emu = new EmulatorProcess();
    const hello = JSON.parse((await emu.#lines.next()).value);
    emu.apiRoot = hello.apiRoot;
    emu.token = hello.token;
    return emu;
  }

  /** Sends one command and returns the answer. */
  async command<T = Record<string, number>>(command: unknown): Promise<T> {
    return await this.line(JSON.stringify(command));
  }

  /** Sends one line to the script as it is, and returns the answer. */
  async line<T = Record<string, unknown>>(text: string): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(text + "\n"));
    const { value, done } = await this.#lines.next();
    if (done) throw new Error("the emulator process ended");
    return JSON.parse(value);
  }

  /** The `"<chat id>:<message id>"` of every update not yet confirmed, in queue order. */
  async pendingKeys(): Promise<string[]> {
    return (await this.command<{ keys: string[] }>({ pending: "keys" })).keys;
  }

  /** Ends the process. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#child.status;
  }
}
