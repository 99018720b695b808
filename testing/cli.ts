/**
 * `deno task emulator`: runs the Bot API emulator standalone so any bot library can be pointed at it.
 * Creates one bot (username from `--bot`, default `emulator_bot`; token from `--token`, default made up) and
 * one user, and prints the API root, the token and the user's id. `--port` picks the port (default: any).
 * `--strict` refuses what the real server tolerates (see `EmulatorOptions.strict`); otherwise each such
 * leniency is printed to stderr as a warning. `--flood` turns on Telegram's flood limits.
 *
 * Then it is a chat console: each line typed is sent by the user to the bot, the bot's messages are printed,
 * and `:press <button>` presses an inline button of the latest bot message with a keyboard.
 *
 * @module
 */
import { runConsole } from "./console.ts";
import { BotApiEmulator } from "./emulator.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const emu = await BotApiEmulator.start({
    port: Number(flag("port") ?? 0),
    strict: Deno.args.includes("--strict"),
    ...(Deno.args.includes("--flood") ? { flood: true } : {}),
    onWarning: (w) => console.error(`warning: ${w.method} ${w.parameter}: ${w.message}`),
  });
  const token = flag("token");
  const bot = emu.createBot({
    username: flag("bot") ?? "emulator_bot",
    ...(token !== undefined ? { token } : {}),
  });
  const user = emu.createUser({ first_name: "Alice", username: "alice" });
  console.log(`apiRoot ${emu.apiRoot}`);
  console.log(`token   ${bot.token}`);
  console.log(`user    ${user.id} (private chat id)`);
  console.log("type a message to send it as the user; Ctrl-C to stop");
  const stopping = new AbortController();
  Deno.addSignalListener("SIGINT", () => {
    stopping.abort();
    emu.close().then(() => Deno.exit(0));
  });
  await runConsole(emu, user, Deno.stdin.readable, (line) => console.log(line), stopping.signal);
}
