// DelegatorBot's at-least-once delivery with real processes: the emulator in its own process, a bot
// process polling it that is killed with kill -9 (or stopped with SIGTERM) in the middle of 2,000 slow
// updates over 200 chats, then restarted.
import assert from "node:assert/strict";
import { EmulatorProcess } from "./support/emulator_process.ts";
import { until } from "./support/until.ts";
import { writtenText } from "./support/written_text.ts";

const CHATS = 200;
const PER_CHAT = 10;
const support = (file: string) => new URL(`./support/${file}`, import.meta.url).pathname;

function spawnBot(
  apiRoot: string,
  token: string,
  out: string,
  run: number,
  mode = "chat",
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", support("delegator_child_bot.ts"), apiRoot, token, out, String(run), mode],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

interface Handled {
  run: number;
  key: string;
  chat: string;
  id: number;
}

function handled(out: string): Handled[] {
  const text = writtenText(out);
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const [run, chat, id] = l.split(" ");
    return { run: Number(run), key: `${chat}:${id}`, chat, id: Number(id) };
  });
}

/** The emulator in its own process, with CHATS × PER_CHAT updates waiting; `expected` lists them in order. */
async function startEmulator(): Promise<{ emulator: EmulatorProcess; expected: string[] }> {
  const emulator = await EmulatorProcess.start();
  await emulator.command({ send: { chats: CHATS, perChat: PER_CHAT } });
  const expected = await emulator.pendingKeys();
  // What the tests count as lost is measured against this: it must be every update sent.
  assert.equal(expected.length, CHATS * PER_CHAT);
  return { emulator, expected };
}

Deno.test("DelegatorBot crash: kill -9 mid-run loses nothing it had not handled; restart handles the rest in per-chat order", async () => {
  const { emulator, expected } = await startEmulator();
  const { apiRoot, token } = emulator;
  const out = await Deno.makeTempFile({ suffix: ".log" });
  try {
    const first = spawnBot(apiRoot, token, out, 1);
    await until(() => handled(out).length >= 400, 60, "the first run to handle 400 updates");
    first.kill("SIGKILL");
    assert.equal((await first.status).signal, "SIGKILL");
    const beforeRestart = new Set(handled(out).map((h) => h.key));
    assert.ok(beforeRestart.size < expected.length, "killed mid-run");
    // Nothing the first run had not handled was confirmed: it is all still waiting on the server.
    const pending = new Set(await emulator.pendingKeys());
    const lost = expected.filter((key) => !beforeRestart.has(key) && !pending.has(key));
    assert.deepEqual(lost, [], "unhandled yet confirmed at the kill");

    const second = spawnBot(apiRoot, token, out, 2);
    await until(() => new Set(handled(out).map((h) => h.key)).size === expected.length, 60, "the restart");
    second.kill("SIGTERM");
    assert.equal((await second.status).code, 0, "graceful exit on SIGTERM");

    const lines = handled(out);
    assert.deepEqual([...new Set(lines.map((h) => h.key))].sort(), [...expected].sort(), "0 lost");
    assert.deepEqual(await emulator.pendingKeys(), [], "the graceful stop confirmed everything");
    // Each run handled each chat's messages in order: the restart began with what the kill left
    // unconfirmed, before the chat's later messages.
    for (const run of [1, 2]) {
      const last = new Map<string, number>();
      for (const h of lines.filter((l) => l.run === run)) {
        assert.ok((last.get(h.chat) ?? -1) < h.id, `run ${run}: chat ${h.chat} out of order at ${h.id}`);
        last.set(h.chat, h.id);
      }
    }
    // Duplicates only among what was fetched and not yet confirmed at the kill: the offset stays at the
    // lowest update in flight and getUpdates returns at most 100 beyond it.
    const duplicates = lines.length - expected.length;
    assert.ok(duplicates <= 100, `${duplicates} duplicates`);
  } finally {
    await emulator.close();
    await Deno.remove(out);
  }
});

Deno.test("DelegatorBot crash: SIGTERM mid-run with listener.wait() conversations confirms what was handled, and only that", async () => {
  const { emulator, expected } = await startEmulator();
  const { apiRoot, token } = emulator;
  const out = await Deno.makeTempFile({ suffix: ".log" });
  try {
    const first = spawnBot(apiRoot, token, out, 1, "conversation");
    await until(() => handled(out).length >= 400, 60, "the first run to handle 400 updates");
    first.kill("SIGTERM");
    assert.equal((await first.status).code, 0, "graceful exit on SIGTERM");
    const byFirst = new Set(handled(out).map((h) => h.key));
    assert.ok(byFirst.size < expected.length, "stopped mid-run");
    const pending = new Set(await emulator.pendingKeys());
    assert.deepEqual(expected.filter((key) => !byFirst.has(key) && !pending.has(key)), [], "0 lost");

    const second = spawnBot(apiRoot, token, out, 2, "conversation");
    await until(() => new Set(handled(out).map((h) => h.key)).size === expected.length, 60, "the restart");
    second.kill("SIGTERM");
    assert.equal((await second.status).code, 0);
    const lines = handled(out);
    assert.equal(lines.length, expected.length, "no duplicates: the graceful stop confirmed all it handled");
    for (const run of [1, 2]) {
      const last = new Map<string, number>();
      for (const h of lines.filter((l) => l.run === run)) {
        assert.ok((last.get(h.chat) ?? -1) < h.id, `run ${run}: chat ${h.chat} out of order at ${h.id}`);
        last.set(h.chat, h.id);
      }
    }
    assert.deepEqual(await emulator.pendingKeys(), []);
  } finally {
    await emulator.close();
    await Deno.remove(out);
  }
});
