/**
 * `deno task emulator`: runs the Bot API emulator standalone so any bot library can be pointed at it.
 * Creates one bot (username from `--bot`, default `emulator_bot`; token from `--token`, default made up) and
 * one user, and prints the API root, the token and the user's id. `--port` picks the port (default: any).
 *
 * @module
 */
import { BotApiEmulator } from "./emulator.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const emu = await BotApiEmulator.start({ port: Number(flag("port") ?? 0) });
  const token = flag("token");
  const bot = emu.createBot({
    username: flag("bot") ?? "emulator_bot",
    ...(token !== undefined ? { token } : {}),
  });
  const user = emu.createUser({ first_name: "Alice", username: "alice" });
  console.log(`apiRoot ${emu.apiRoot}`);
  console.log(`token   ${bot.token}`);
  console.log(`user    ${user.id} (private chat id)`);
  console.log("Ctrl-C to stop");
  Deno.addSignalListener("SIGINT", () => {
    emu.close().then(() => Deno.exit(0));
  });
}
