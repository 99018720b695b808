/**
 * `deno task example <name> --ui`: the example's bot runs against a fresh emulator and the web UI serves a
 * page where a person (Alice, Bob, or anyone added there) talks to it.
 *
 * @module
 */
import { BotApiEmulator, WebUi, type WebUiOptions } from "../testing/mod.ts";
import { type Example, Scene } from "./_harness.ts";

/** An example running behind the web UI. */
export interface LiveExample {
  /** Address of the page. */
  readonly url: string;
  /** Stops the bot, the page and the emulator. */
  stop(): Promise<void>;
}

/**
 * Starts an emulator with the bot account `<name>_bot` and the users Alice and Bob, runs the example's bot
 * against it (settings from its `prepare`, else the environment), and serves the web UI.
 */
export async function serveLive(
  name: string,
  example: Example,
  options: WebUiOptions & { readonly log?: (line: string) => void } = {},
): Promise<LiveExample> {
  const emu = await BotApiEmulator.start();
  try {
    const handle = emu.createBot({ username: `${name.replaceAll("-", "_")}_bot` });
    const scene = new Scene(emu, handle);
    const settings = example.prepare?.(scene) ?? {};
    scene.user("Alice");
    scene.user("Bob");
    const running = await example.start({
      token: handle.token,
      apiRoot: emu.apiRoot,
      log: options.log ?? (() => {}),
      random: Math.random,
      env: (key) => settings[key] ?? Deno.env.get(key),
    });
    const ui = await WebUi.start(emu, options).catch(async (e) => {
      await running.stop();
      throw e;
    });
    return {
      url: ui.url,
      async stop() {
        await ui.close();
        await running.stop();
        await emu.close();
      },
    };
  } catch (e) {
    await emu.close();
    throw e;
  }
}
