/**
 * Runs one example: `deno task example <name>` against Telegram (token in `TOKEN`; `API_ROOT` points it
 * at another Bot API server, such as `deno task emulator`), or
 * `deno task example <name> --emulator` offline, where scripted users talk to the bot and the
 * transcript is printed, or `deno task example <name> --ui` offline with the web UI, where you talk to
 * the bot in a browser (`--ui-port <n>` and `--ui-host <address>` choose where the page listens; default
 * a free port on 127.0.0.1). Without a name it lists the examples.
 *
 * @module
 */
import { portNumber } from "../testing/port_number.ts";
import { EXAMPLES } from "./_catalog.ts";
import type { Example } from "./_harness.ts";
import { playOffline } from "./_harness.ts";
import { serveLive } from "./_live.ts";

/** Flags that take a value (the word after them is not the example's name). */
const VALUED_FLAGS = ["--ui-port", "--ui-host"];

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A port number from a flag or the environment: undefined when absent, NaN when not a port. */
function portFrom(text: string | undefined): number | undefined {
  return text === undefined ? undefined : portNumber(text) ?? NaN;
}

async function listExamples(): Promise<void> {
  console.log("usage: deno task example <name> [--emulator | --ui [--ui-port <n>] [--ui-host <address>]]\n");
  for (const [name, load] of Object.entries(EXAMPLES)) {
    const { example } = await load();
    console.log(`  ${name.padEnd(20)} ${example.summary}`);
  }
}

async function main(args: string[]): Promise<number> {
  const offline = args.includes("--emulator");
  const name = args.find((arg, i) => !arg.startsWith("--") && !VALUED_FLAGS.includes(args[i - 1]));
  if (name === undefined) {
    await listExamples();
    return 0;
  }
  const load = EXAMPLES[name];
  if (load === undefined) {
    console.error(`unknown example "${name}"`);
    await listExamples();
    return 2;
  }
  const { example } = await load();
  if (offline) {
    const lines = await playOffline(name, example, { log: (line) => console.error(`  (bot) ${line}`) });
    for (const line of lines) console.log(line);
    return 0;
  }
  if (args.includes("--ui")) {
    const uiPort = portFrom(flagValue(args, "--ui-port"));
    if (Number.isNaN(uiPort)) {
      console.error("--ui-port must be a port number from 0 to 65535");
      return 2;
    }
    return await live(name, example, args, uiPort ?? 0);
  }
  const token = Deno.env.get("TOKEN");
  if (token === undefined || token === "") {
    console.error("set TOKEN to your bot's token, or add --emulator to run offline");
    return 2;
  }
  const port = portFrom(Deno.env.get("PORT"));
  if (Number.isNaN(port)) {
    console.error("PORT must be a port number from 0 to 65535");
    return 2;
  }
  let running;
  try {
    running = await example.start({
      token,
      apiRoot: Deno.env.get("API_ROOT") || undefined,
      log: (line) => console.log(line),
      webhookUrl: Deno.env.get("WEBHOOK_URL"),
      port,
      random: Math.random,
      env: (key) => Deno.env.get(key),
    });
  } catch (e) {
    // Settings come from the environment; a bad one is the user's to fix, not a crash to debug.
    console.error(`${name} could not start: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  // Listen for the signals before saying so: a Ctrl-C right after the announcement must stop gracefully.
  const stopSignal = new Promise<void>((resolve) => {
    Deno.addSignalListener("SIGINT", resolve);
    Deno.addSignalListener("SIGTERM", resolve);
  });
  console.log(`${name}: listening (Ctrl-C to stop)`);
  // A bot that ended by itself (its token refused, another poller in the way) ends the program too;
  // the library has logged why.
  const ended = (running.done ?? new Promise<never>(() => {})).then(() => 0, () => {
    console.error(`${name}: the bot has stopped`);
    return 1;
  });
  const status = await Promise.race([stopSignal.then(() => undefined), ended]);
  if (status !== undefined) return status;
  await running.stop();
  return 0;
}

/** Runs the example offline behind the web UI until Ctrl-C or SIGTERM. */
async function live(name: string, example: Example, args: string[], port: number): Promise<number> {
  const host = flagValue(args, "--ui-host");
  const running = await serveLive(name, example, {
    port,
    ...(host !== undefined ? { hostname: host } : {}),
    log: (line) => console.error(`  (bot) ${line}`),
  });
  const stopSignal = new Promise<void>((resolve) => {
    Deno.addSignalListener("SIGINT", resolve);
    Deno.addSignalListener("SIGTERM", resolve);
  });
  console.log(`web UI  ${running.url}`);
  console.log(`${name}: open the web UI in a browser (Ctrl-C to stop)`);
  await stopSignal;
  await running.stop();
  return 0;
}

Deno.exit(await main(Deno.args));
