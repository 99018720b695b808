/**
 * `deno task emulator`: runs the Bot API emulator standalone so any bot library can be pointed at it.
 * Creates one bot (username from `--bot`, default `emulator_bot`; token from `--token`, default made up) and
 * one user, and prints the API root, the token and the user's id. `--port` picks the port (default: any).
 * `--strict` refuses what the real server tolerates (see `EmulatorOptions.strict`); otherwise each such
 * leniency is printed to stderr as a warning. `--flood` turns on Telegram's flood limits. Slow
 * connections are closed by header and body deadlines (`EmulatorOptions.deadlines`) unless
 * `--no-deadlines` is given. `--webhook-retry-delay`, `--webhook-max-retry-delay` and `--webhook-timeout`
 * set the webhook's seconds (`EmulatorOptions.webhookRetryDelay`, `webhookMaxRetryDelay`, `webhookTimeout`).
 *
 * Then it is a chat console: each line typed is sent by the user to the bot; what the bot does in the chat
 * is printed (after stdin ends too, until Ctrl-C): its messages (`bot> …`), its edits (`bot (edited)> …`),
 * deletions (`bot (deleted)> …`) and its answers to the user's presses (`bot (answer)> …`,
 * `bot (alert)> …`); `:press <button>` presses an inline button of the latest bot message with a keyboard.
 *
 * A flag with no value, a port or number of seconds that is not one, or a `--token` that the library's
 * clients would refuse is reported in one line on stderr, and the CLI exits with status 2.
 *
 * `--ui` serves the web UI instead (a second user, Bob, is created too) and prints its address: on
 * 127.0.0.1 and a free port unless `--ui-host` and `--ui-port` say otherwise; `--ui-allow-host a,b` names
 * more host names the page may be reached by (`WebUiOptions.allowedHosts`).
 *
 * `--script` lets another program drive it instead (a test harness that kills and restarts bot
 * processes against it): no user is made up front; the first stdout line is `{"apiRoot","token"}`, then
 * each stdin line is one JSON command, answered by one JSON line. User `i` (created when first named)
 * writes in its private chat with the bot:
 * - `{"send":{"chats":N,"perChat":M,"from":i,"gapMs":g,"stamp":true}}`: users `i`…`i+N-1` (`from`
 *   defaults to 0) send M messages each, round by round, `g` ms after each round, numbered on from each
 *   one's last: `"<n>"`, or with `stamp` `"<n>@<ms since the epoch>"` → `{"sent":k,"chat":<user i's id>}`
 * - `{"say":{"chat":i,"text":t}}`: user `i` sends `t` → `{"sent":1,"chat":<its id>}`
 * - `{"pending":true}` → `{"pending":<updates not yet confirmed>,"firstId":<the first one's id>}`;
 *   `{"pending":"keys"}` adds `"keys":["<chat id>:<message id>",…]`, one per update in queue order.
 *
 * User indexes are whole numbers below 100 000. A line that is not one of these commands, or one that
 * fails (an empty text), is answered `{"error":"<why>"}` and the emulator goes on. It closes when stdin
 * ends.
 *
 * @module
 */
import { TOKEN_SHAPE } from "../api/redact.ts";
import { runConsole } from "./console.ts";
import { BotApiEmulator } from "./emulator.ts";
import { ScriptError } from "./failure.ts";
import { lines } from "./lines.ts";
import { portNumber } from "./port_number.ts";
import type { ScriptedUser } from "./scripted_user.ts";
import { WebUi } from "./ui/server.ts";

/** A mistake on the command line: printed as one line on stderr, and the CLI exits with status 2. */
class UsageError extends Error {}

/** The value after `--name`, or undefined when the flag is not given; a flag with no value is a mistake. */
function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = Deno.args[i + 1];
  // `--port --strict` means a forgotten value, not a port named "--strict".
  if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
  return value;
}

/** `--name` as a port (0, the default, picks a free one). */
function port(name: string): number {
  const value = flag(name);
  if (value === undefined) return 0;
  const number = portNumber(value);
  if (number === undefined) {
    throw new UsageError(`--${name} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  }
  return number;
}

/** `--name` as a positive number of seconds, or undefined when not given. */
function seconds(name: string): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  // A timer set to NaN, Infinity or a negative delay fires at once: the webhook would be retried in a loop.
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** `--token`, checked against the shape every client of this library requires (`new Api()` refuses others). */
function token(): string | undefined {
  const value = flag("token");
  if (value !== undefined && !TOKEN_SHAPE.test(value)) {
    // The value is not echoed: a mistyped token is still mostly secret, as the client's own error says.
    throw new UsageError(
      "--token must be a bot token as @BotFather gives it (digits, ':', letters, '_' and '-'; no spaces, '/', '?', '#', '%' or other characters a URL would encode)",
    );
  }
  return value;
}

/** The command line, read and checked before anything starts. */
function options() {
  return {
    port: port("port"),
    uiPort: port("ui-port"),
    token: token(),
    bot: flag("bot") ?? "emulator_bot",
    uiHost: flag("ui-host"),
    uiAllowHost: flag("ui-allow-host"),
    webhookRetryDelay: seconds("webhook-retry-delay"),
    webhookMaxRetryDelay: seconds("webhook-max-retry-delay"),
    webhookTimeout: seconds("webhook-timeout"),
  };
}

interface SendCommand {
  readonly chats: number;
  readonly perChat: number;
  readonly from: number;
  readonly gapMs: number;
  readonly stamp: boolean;
}

/** Users a script may name: a mistyped index must not make the emulator create millions of them. */
const MAX_SCRIPT_USERS = 100_000;

/** `value` as a count or index from `min` up to `max`, or a ScriptError naming `name`. */
function wholeNumber(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ScriptError(
      `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The fields of `value`, or a ScriptError saying `what` it should have been. */
function fields(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ScriptError(`${what} must be a JSON object, not ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function sendCommand(value: unknown): SendCommand {
  const f = fields(value, "send");
  const from = wholeNumber(f.from ?? 0, "send.from", MAX_SCRIPT_USERS - 1);
  const gapMs = f.gapMs ?? 0;
  if (typeof gapMs !== "number" || !(gapMs >= 0) || !Number.isFinite(gapMs)) {
    throw new ScriptError(`send.gapMs must be a number of milliseconds, not ${JSON.stringify(gapMs)}`);
  }
  return {
    from,
    chats: wholeNumber(f.chats, "send.chats", MAX_SCRIPT_USERS - from),
    perChat: wholeNumber(f.perChat, "send.perChat"),
    gapMs,
    stamp: f.stamp === true,
  };
}

/** Answers the `--script` commands read from `input`, one JSON line each, until `input` ends. */
async function runScript(
  emu: BotApiEmulator,
  bot: { readonly token: string },
  input: ReadableStream<Uint8Array>,
): Promise<void> {
  const encoder = new TextEncoder();
  const answer = (value: unknown) => Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
  const users: ScriptedUser[] = [];
  const sentBy = new Map<ScriptedUser, number>();
  const user = (i: number): ScriptedUser => {
    while (users.length <= i) users.push(emu.createUser({ first_name: `U${users.length}` }));
    return users[i];
  };
  const send = async ({ chats, perChat, from, gapMs, stamp }: SendCommand) => {
    for (let round = 0; round < perChat; round++) {
      for (let c = from; c < from + chats; c++) {
        const u = user(c);
        const n = (sentBy.get(u) ?? 0) + 1;
        sentBy.set(u, n);
        await u.sendText(u.id, stamp ? `${n}@${Date.now()}` : String(n));
      }
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return { sent: chats * perChat, chat: user(from).id };
  };
  const pending = (keys: boolean) => {
    const { queue } = emu.bot(bot);
    const count = { pending: queue.pending, firstId: queue.firstId };
    if (!keys) return count;
    return {
      ...count,
      keys: emu.pendingUpdates(bot).map((u) => {
        const m = u.message as { message_id: number; chat: { id: number } };
        return `${m.chat.id}:${m.message_id}`;
      }),
    };
  };

  const run = async (line: string): Promise<unknown> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new ScriptError(`not a JSON command: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const command = fields(parsed, "a command");
    if (command.send) return await send(sendCommand(command.send));
    if (command.say) {
      const say = fields(command.say, "say");
      if (typeof say.text !== "string") throw new ScriptError("say.text must be a string");
      const u = user(wholeNumber(say.chat, "say.chat", MAX_SCRIPT_USERS - 1));
      await u.sendText(u.id, say.text);
      return { sent: 1, chat: u.id };
    }
    if (command.pending) return pending(command.pending === "keys");
    throw new ScriptError(`unknown command ${JSON.stringify(command)}`);
  };

  answer({ apiRoot: emu.apiRoot, token: bot.token });
  for await (const line of lines(input)) {
    // One bad command answers an error; the emulator and its state stay for the next ones.
    answer(await run(line).catch((e) => ({ error: e instanceof Error ? e.message : String(e) })));
  }
}

if (import.meta.main) {
  let args: ReturnType<typeof options>;
  try {
    args = options();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // One line and the usual status for a bad command line, rather than a stack trace.
    console.error(`emulator: ${e.message}`);
    Deno.exit(2);
  }
  const { webhookRetryDelay, webhookMaxRetryDelay, webhookTimeout, token } = args;
  const emu = await BotApiEmulator.start({
    port: args.port,
    strict: Deno.args.includes("--strict"),
    // Any client may reach a standalone emulator: slow connections are closed (`--no-deadlines` keeps them).
    deadlines: !Deno.args.includes("--no-deadlines"),
    ...(Deno.args.includes("--flood") ? { flood: true } : {}),
    ...(webhookRetryDelay !== undefined ? { webhookRetryDelay } : {}),
    ...(webhookMaxRetryDelay !== undefined ? { webhookMaxRetryDelay } : {}),
    ...(webhookTimeout !== undefined ? { webhookTimeout } : {}),
    onWarning: (w) => console.error(`warning: ${w.method} ${w.parameter}: ${w.message}`),
  });
  const bot = emu.createBot({
    username: args.bot,
    ...(token !== undefined ? { token } : {}),
  });
  if (Deno.args.includes("--script")) {
    await runScript(emu, bot, Deno.stdin.readable);
    await emu.close();
  } else {
    const user = emu.createUser({ first_name: "Alice", username: "alice" });
    console.log(`apiRoot ${emu.apiRoot}`);
    console.log(`token   ${bot.token}`);
    console.log(`user    ${user.id} (private chat id)`);
    if (Deno.args.includes("--ui")) {
      emu.createUser({ first_name: "Bob", username: "bob" });
      const host = args.uiHost;
      const allowed = args.uiAllowHost;
      const ui = await WebUi.start(emu, {
        port: args.uiPort,
        ...(host ? { hostname: host } : {}),
        ...(allowed ? { allowedHosts: allowed.split(",") } : {}),
      });
      const stop = () => ui.close().then(() => emu.close()).then(() => Deno.exit(0));
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      console.log(`web UI  ${ui.url}`);
      console.log("open the web UI in a browser; Ctrl-C to stop");
    } else {
      console.log("type a message to send it as the user; Ctrl-C to stop");
      const stopping = new AbortController();
      Deno.addSignalListener("SIGINT", () => {
        stopping.abort();
        emu.close().then(() => Deno.exit(0));
      });
      // When input ends (an emulator started in the background has none) it still serves, and prints what
      // the bot does, until Ctrl-C.
      await runConsole(emu, user, Deno.stdin.readable, (line) => console.log(line), stopping.signal, {
        followAfterInput: true,
      });
    }
  }
}
