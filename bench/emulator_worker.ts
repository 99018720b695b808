/**
 * Server side of `emulator_bench.ts`, in its own thread so the measured client and the server do not share
 * one event loop: either the emulator (mode "emulator", or "emulator-deadlines" with its connection deadlines
 * on, served through node:http) or a bare Deno.serve answering a fixed Bot API body
 * (mode "baseline", the loopback HTTP ceiling the emulator is compared against).
 *
 * @module
 */
import { BotApiEmulator } from "../testing/mod.ts";

/** Messages the bench sends to this worker. */
export type WorkerRequest = { mode: "emulator" | "emulator-deadlines" | "baseline" } | { fill: number };

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown): void;
};

let emu: BotApiEmulator | undefined;
let alice: ReturnType<BotApiEmulator["createUser"]> | undefined;

self.onmessage = async (e) => {
  const request = e.data;
  if ("mode" in request) {
    if (request.mode !== "baseline") {
      emu = await BotApiEmulator.start({ deadlines: request.mode === "emulator-deadlines" });
      const bot = emu.createBot({ username: "bench_bot" });
      alice = emu.createUser({ first_name: "Alice" });
      self.postMessage({ apiRoot: emu.apiRoot, token: bot.token, chatId: alice.id });
    } else {
      const body = JSON.stringify({
        ok: true,
        result: { message_id: 1, date: 0, chat: { id: 1, type: "private" } },
      });
      const port = await new Promise<number>((resolve) => {
        Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (addr) => resolve(addr.port) }, async (r) => {
          await r.text();
          return new Response(body, { headers: { "content-type": "application/json" } });
        });
      });
      self.postMessage({ apiRoot: `http://127.0.0.1:${port}`, token: "1:baseline", chatId: 1 });
    }
  } else {
    for (let i = 0; i < request.fill; i++) await alice!.sendText(alice!.id, `message ${i}`);
    self.postMessage({ filled: request.fill });
  }
};
