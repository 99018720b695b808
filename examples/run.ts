/**
 * Runs one example: `deno task example <name>` against Telegram (token in `TOKEN`; `API_ROOT` points it
 * at another Bot API server, such as `deno task emulator`), or
 * `deno task example <name> --emulator` offline, where scripted users talk to the bot and the
 * transcript is printed. Without a name it lists the examples.
 *
 * @module
 */
import { EXAMPLES } from "./_catalog.ts";
import { playOffline } from "./_harness.ts";

async function listExamples(): Promise<void> {
  console.log("usage: deno task example <name> [--emulator]\n");
  for (const [name, load] of Object.entries(EXAMPLES)) {
    const { example } = await load();
    console.log(`  ${name.padEnd(20)} ${example.summary}`);
  }
}

async function main(args: string[]): Promise<number> {
  const offline = args.includes("--emulator");
  const name = args.find((arg) => !arg.startsWith("--"));
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
  const token = Deno.env.get("TOKEN");
  if (token === undefined || token === "") {
    console.error("set TOKEN to your bot's token, or add --emulator to run offline");
    return 2;
  }
  const port = Deno.env.get("PORT");
  let running;
  try {
    running = await example.start({
      token,
      apiRoot: Deno.env.get("API_ROOT") || undefined,
      log: (line) => console.log(line),
      webhookUrl: Deno.env.get("WEBHOOK_URL"),
      port: port === undefined ? undefined : Number(port),
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
  await stopSignal;
  await running.stop();
  return 0;
}

Deno.exit(await main(Deno.args));
