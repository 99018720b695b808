import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";
import { writtenText } from "./support/written_text.ts";

const CHATS = 50;
const PER_CHAT = 40;

function spawnBot(apiRoot: string, token: string, out: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./support/loop_child_bot.ts", import.meta.url).pathname,
      apiRoot,
      token,
      out,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

function handledLines(out: string): string[] {
  return writtenText(out).split("\n").filter((l) => l !== "");
}

Deno.test("crash: kill -9 mid-run, restart, every update handled at least once; SIGTERM stops gracefully", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "crash_bot" });
  const users = Array.from({ length: CHATS }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const expected = new Set<string>();
  for (let seq = 0; seq < PER_CHAT; seq++) {
    for (const u of users) {
      const m = await u.sendText(u.id, `m${seq}`);
      expected.add(`${m.message_id}:${u.id}`);
    }
  }
  const out = await Deno.makeTempFile({ suffix: ".log" });

  const first = spawnBot(emu.apiRoot, handle.token, out);
  await until(() => handledLines(out).length >= 300, 120, "the first run to handle some updates");
  first.kill("SIGKILL");
  const killed = await first.status;
  assert.equal(killed.signal, "SIGKILL");
  const beforeRestart = new Set(handledLines(out));
  assert.ok(beforeRestart.size < expected.size, "killed mid-run");
  // Nothing the first run did not finish was confirmed: all of it is still waiting on the server.
  const pending = emu.pendingUpdates(handle).map((u) => {
    const m = u.message as { message_id: number; chat: { id: number } };
    return `${m.message_id}:${m.chat.id}`;
  });
  for (const key of expected) {
    if (!beforeRestart.has(key)) assert.ok(pending.includes(key), `${key} unfinished yet confirmed`);
  }

  const second = spawnBot(emu.apiRoot, handle.token, out);
  await until(() => new Set(handledLines(out)).size === expected.size, 120, "the restart to handle the rest");
  second.kill("SIGTERM");
  const stopped = await second.status;
  assert.equal(stopped.code, 0, "graceful exit on SIGTERM");
  const handled = new Set(handledLines(out));
  assert.deepEqual([...handled].sort(), [...expected].sort(), "every update handled at least once");
  assert.equal(emu.pendingUpdates(handle).length, 0, "the graceful stop confirmed the final offset");
  const stdout = new TextDecoder().decode((await second.output()).stdout);
  assert.match(stdout, /listening/);
  await first.stdout.cancel();
  await first.stderr.cancel();
  await emu.close();
  await Deno.remove(out);
});

Deno.test("crash: SIGINT stops a runForever bot gracefully: in-flight handling finishes, offset confirmed", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "sigint_bot" });
  const alice = emu.createUser({ first_name: "A" });
  const out = await Deno.makeTempFile({ suffix: ".log" });
  const child = spawnBot(emu.apiRoot, handle.token, out);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await reader.read()).value ?? "", /listening/);
  for (let i = 0; i < 20; i++) await alice.sendText(alice.id, `m${i}`);
  await until(() => handledLines(out).length >= 1, 60, "handling to start");
  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 0);
  const handled = new Set(handledLines(out));
  // What was confirmed was handled; what was not handled is still on the server for the next run.
  assert.equal(handled.size + emu.pendingUpdates(handle).length, 20);
  await reader.cancel();
  await child.stderr.cancel();
  await emu.close();
  await Deno.remove(out);
});

Deno.test("crash: runForever keeps a queue-fed process alive until SIGTERM", async () => {
  const bot = new URL("../bot/mod.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Bot, UpdateQueue } from "${bot}";
       const queue = new UpdateQueue();
       new Bot("1:x", { apiRoot: "http://127.0.0.1:9" }).messageLoop((m) => console.log("got", m.text), {
         source: queue, runForever: "up",
       });
       setTimeout(() => queue.put({ update_id: 1, message: { message_id: 1, date: 0,
         chat: { id: 1, type: "private" }, text: "late" } }), 500);`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("got late")) text += (await reader.read()).value ?? "";
  child.kill("SIGTERM");
  assert.equal((await child.status).code, 0);
  await reader.cancel();
});

Deno.test("crash: handleSignals alone stops the loop gracefully on SIGTERM and leaves the process to the program", async () => {
  const bot = new URL("../bot/mod.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Bot, UpdateQueue } from "${bot}";
       const loop = new Bot("1:x", { apiRoot: "http://127.0.0.1:9" }).messageLoop(() => {}, {
         source: new UpdateQueue(), handleSignals: true,
       });
       const busy = setInterval(() => {}, 1000);
       console.log("ready");
       await loop.done;
       clearInterval(busy);
       console.log("stopped gracefully");`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) text += (await reader.read()).value ?? "";
  child.kill("SIGTERM");
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
  const status = await child.status;
  assert.equal(status.signal, null, "not killed by the signal");
  assert.equal(status.code, 0);
  assert.match(text, /stopped gracefully/);
});

/** A run-forever bot fed by a queue, whose handler never ends; prints "handling" once it is stuck. */
function spawnStuckBot(stopTimeout: number): Deno.ChildProcess {
  const bot = new URL("../bot/mod.ts", import.meta.url).href;
  return new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Bot, UpdateQueue } from "${bot}";
       const queue = new UpdateQueue();
       new Bot("1:x", { apiRoot: "http://127.0.0.1:9" }).messageLoop(() => {
         console.log("handling");
         return new Promise(() => {});
       }, { source: queue, runForever: "up", stopTimeout: ${stopTimeout} });
       queue.put({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" } } });`,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

async function readUntil(reader: ReadableStreamDefaultReader<string>, marker: string): Promise<void> {
  let text = "";
  while (!text.includes(marker)) {
    const chunk = await reader.read();
    if (chunk.done) assert.fail(`the bot ended before printing "${marker}":\n${text}`);
    text += chunk.value;
  }
}

Deno.test("crash: a runForever program whose stop cut a handler off exits with status 1", async () => {
  const child = spawnStuckBot(0.5);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await readUntil(reader, "handling");
  child.kill("SIGTERM");
  const status = await child.status;
  assert.equal(status.signal, null);
  assert.equal(status.code, 1);
  await reader.cancel();
});

Deno.test("crash: a second SIGINT during the graceful stop ends a runForever program at once, with status 130", async () => {
  // A stop that would wait 20 s for the stuck handler; the second signal does not wait.
  const child = spawnStuckBot(20);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await readUntil(reader, "handling");
  child.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 130);
  await reader.cancel();
});
