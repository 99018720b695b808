import assert from "node:assert/strict";
import type { Logger } from "../api/mod.ts";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, webhookHandler } from "../bot/mod.ts";
import { NetworkError, TelepotException, UnauthorizedError } from "../exception/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";
import { closedPort, fail, WireServer } from "./support/wire_server.ts";

/** A logger that keeps every line as text. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (...data: unknown[]) =>
    void lines.push(data.map((d) => d instanceof Error ? d.stack : String(d)).join(" "));
  return { lines, debug: keep, error: keep };
}

Deno.test("messageLoop asks getMe first: the username is known, a refused token ends the loop at once", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "known_bot" });
  const bot = new Bot(token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const texts: string[] = [];
  const loop = bot.messageLoop({ chat: (msg) => void texts.push(msg.text ?? "") });
  await alice.sendText(alice.id, "hello");
  await until(() => texts.length === 1, 20, "the message");
  assert.equal(bot.me?.username, "known_bot");
  await loop.stop();

  const log = recorder();
  const stranger = new Bot("999:NOT-A-REGISTERED-TOKEN", { apiRoot: emu.apiRoot, logger: log });
  const refused = stranger.messageLoop(() => {});
  const error = await refused.done.then(() => undefined, (e) => e);
  assert.ok(error instanceof UnauthorizedError, String(error));
  assert.match(error.message, /refused this bot's token/);
  assert.equal(error.errorCode, 401);
  assert.equal(stranger.me, undefined);
  assert.ok(!JSON.stringify([error.message, error.stack, log.lines]).includes("NOT-A-REGISTERED-TOKEN"));
});

Deno.test("an unreachable apiRoot is reported after the first failed attempt, to onError or the logger", async () => {
  const port = closedPort();
  const token = "777:UNREACHABLE-secret";
  const reports: unknown[] = [];
  const bot = new Bot(token, { apiRoot: `http://127.0.0.1:${port}` });
  const loop = bot.messageLoop(() => {}, { onError: (error) => void reports.push(error) });
  await until(() => reports.length > 0, 20, "a report");
  const [report] = reports;
  assert.ok(report instanceof NetworkError, String(report));
  assert.match(report.message, new RegExp(`cannot reach the Bot API at http://127\\.0\\.0\\.1:${port}`));
  assert.match(report.message, /\(getMe: /);
  assert.doesNotMatch(report.message, /getMe: getMe/, "the method is named once");
  assert.ok(!String(report.stack).includes("UNREACHABLE-secret"));
  await loop.stop();
  await loop.done;

  const log = recorder();
  const quiet = new Bot(token, { apiRoot: `http://127.0.0.1:${port}`, logger: log });
  const second = quiet.messageLoop(() => {});
  await until(() => log.lines.some((line) => line.includes("cannot reach the Bot API")), 20, "a log line");
  await second.stop();
  assert.ok(!log.lines.join("\n").includes("UNREACHABLE-secret"));
});

Deno.test("a getMe whose answer never comes counts as failed after 10 s: handlers go on, and it is reported", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "hanging_bot" });
  emu.injectFault({ method: "getMe", latency: 3600 });
  const bot = new Bot(token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const texts: string[] = [];
  const reports: unknown[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text ?? ""), {
    timeout: 1,
    onError: (error) => void reports.push(error),
  });
  await alice.sendText(alice.id, "hello");
  await until(() => texts.length === 1, 20, "the message handled");
  assert.ok(reports.some((r) => r instanceof NetworkError && /getMe/.test(r.message)), String(reports));
  await loop.stop();
});

Deno.test("debug logs each API call (method, status, ms) and each received update id, never the token", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "debug_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const log = recorder();
  const bot = new Bot(token, { apiRoot: emu.apiRoot, logger: log, debug: true });
  const handled: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) =>
    bot.sendMessage(msg.chat.id, "ok").then(() => void handled.push(1))
  );
  await alice.sendText(alice.id, "hi");
  await until(() => handled.length === 1, 20, "the answer");
  await loop.stop();
  const lines = log.lines.join("\n");
  assert.match(lines, /getMe 200 \d+ ms/);
  assert.match(lines, /getUpdates 200 \d+ ms/);
  assert.match(lines, /sendMessage 200 \d+ ms/);
  assert.match(lines, /update \d+ \(message\)/);
  assert.ok(!lines.includes(token));

  const failing = new Bot(token, { apiRoot: emu.apiRoot, logger: log, debug: true });
  await failing.sendMessage(424242, "nobody").catch(() => {});
  assert.match(log.lines.at(-1) ?? "", /sendMessage 400 \d+ ms/);

  const silent = recorder();
  await new Bot(token, { apiRoot: emu.apiRoot, logger: silent, debug: false }).getMe();
  assert.deepEqual(silent.lines, []);
});

Deno.test("the debug switch comes from the environment: TELEPOT_DEBUG=1 or DEBUG naming telepot", async () => {
  const module = new URL("../api/logger.ts", import.meta.url).href;
  const probe = async (env: Record<string, string>) => {
    const { stdout } = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { debugFromEnvironment } from "${module}"; console.log(debugFromEnvironment());`,
      ],
      env,
      clearEnv: true,
    }).output();
    return new TextDecoder().decode(stdout).trim();
  };
  assert.equal(await probe({ TELEPOT_DEBUG: "1" }), "true");
  assert.equal(await probe({ DEBUG: "telepot*" }), "true");
  assert.equal(await probe({ DEBUG: "express,telepot" }), "true");
  assert.equal(await probe({ DEBUG: "express" }), "false");
  assert.equal(await probe({ DEBUG: "*" }), "true");
  assert.equal(await probe({ DEBUG: "*,-telepot*" }), "false", "a - pattern excludes");
  assert.equal(await probe({ DEBUG: "*,-telepot" }), "false");
  assert.equal(await probe({ DEBUG: "tele*,-express" }), "true");
  assert.equal(await probe({}), "false");
});

Deno.test("a loop's failures go to the injected logger, the update named and the token cut out", async () => {
  const log = recorder();
  const token = "888:LOGGED-secret";
  const bot = new Bot(token, { apiRoot: `http://127.0.0.1:${closedPort()}`, logger: log });
  const update = {
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "x" },
  };
  const loop = bot.messageLoop(() => {
    throw new Error(`handler failed with ${token}`);
  }, { source: [update] });
  await until(() => log.lines.length > 0, 20, "the report");
  await loop.stop();
  assert.match(log.lines[0], /^telepot-ts: update 1: Error: handler failed with <token>/);
  assert.ok(!log.lines.join("\n").includes("LOGGED-secret"));
});

Deno.test("a loop ended by a refused token says so through the logger even when nobody awaits it", async () => {
  await using emu = await BotApiEmulator.start();
  const log = recorder();
  const bot = new Bot("999:NOT-A-REGISTERED-TOKEN", { apiRoot: emu.apiRoot, logger: log });
  bot.messageLoop(() => {}); // nobody looks at done
  await until(() => log.lines.some((line) => line.includes("the message loop ended")), 20, "the log line");
  const line = log.lines.find((l) => l.includes("the message loop ended"))!;
  assert.match(line, /UnauthorizedError/);
  assert.ok(!line.includes("NOT-A-REGISTERED-TOKEN"));
});

Deno.test("a second messageLoop refused while one runs leaves no getMe of its own asking", async () => {
  const server = WireServer.start().on("getMe", () => fail(500, "Internal Server Error"));
  try {
    const bot = new Bot("1:T", { apiRoot: server.url, logger: recorder() });
    const first = bot.messageLoop(() => {}, { onError: () => {} });
    const quick = { initial: 0.05, max: 0.1 }; // so that a getMe left asking would ask often
    assert.throws(
      () => bot.messageLoop(() => {}, { onError: () => {}, backoff: quick }),
      TelepotException,
    );
    await first.stop();
    await new Promise((r) => setTimeout(r, 300));
    const before = server.calls("getMe").length;
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(server.calls("getMe").length, before, "nobody asks getMe any more");
  } finally {
    await server.close();
  }
});

Deno.test("a webhook loop learns bot.me in the background, and any getMe call sets it", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "hooked_bot" });
  const bot = new Bot(token, { apiRoot: emu.apiRoot });
  const handle = webhookHandler(bot);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  try {
    const loop = bot.messageLoop(() => {});
    await until(() => bot.me !== undefined, 20, "bot.me");
    assert.equal(bot.me?.username, "hooked_bot");
    await loop.stop();
  } finally {
    await server.shutdown();
  }
  const asked = new Bot(token, { apiRoot: emu.apiRoot });
  const before = asked.me;
  assert.equal(before, undefined);
  await asked.getMe();
  assert.equal(asked.me?.username, "hooked_bot");
});

Deno.test("a webhook loop's getMe alongside: an unreachable server is retried quietly until the loop stops; a refused token goes to onError", async () => {
  const server = WireServer.start().on("getMe", () => fail(502, "Bad Gateway"));
  const log = recorder();
  const bot = new Bot("1:hooked", { apiRoot: server.url, logger: log });
  webhookHandler(bot);
  const errors: unknown[] = [];
  const onError = (error: unknown) => void errors.push(error);
  const loop = bot.messageLoop(() => {}, { onError, backoff: { initial: 0.05, max: 0.05 } });
  try {
    await until(() => server.calls("getMe").length >= 3, 20, "getMe asked again");
  } finally {
    await loop.stop();
  }
  const asked = server.calls("getMe").length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(server.calls("getMe").length, asked, "no getMe after the loop stopped");
  assert.deepEqual([errors, log.lines], [[], []], "retried quietly");

  server.on("getMe", () => fail(401, "Unauthorized"));
  const refused = new Bot("2:refused", { apiRoot: server.url, logger: log });
  webhookHandler(refused);
  const second = refused.messageLoop(() => {}, { onError });
  try {
    await until(() => errors.length === 1, 20, "the refusal reported");
    assert.ok(errors[0] instanceof UnauthorizedError, String(errors[0]));
  } finally {
    await second.stop();
    await server.close();
  }
});

Deno.test("a loop the runtime refuses network access (Deno without --allow-net) ends, saying so, instead of retrying for ever", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const program = `${dir}/no_net_bot.ts`;
    await Deno.writeTextFile(
      program,
      `import { Bot } from ${JSON.stringify(new URL("../bot/mod.ts", import.meta.url).href)};
       const loop = new Bot("1:x", { apiRoot: "http://127.0.0.1:9999", backoff: { initial: 0.01, max: 0.01 } })
         .messageLoop(() => {}, { onError: () => {} });
       await loop.done.then(() => console.log("ended quietly"), (e) => console.log("ended:", e.message));`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", program],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Killed if it goes on retrying (its output then lacks the ending).
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const { stdout } = await child.output();
    clearTimeout(guard);
    assert.match(
      new TextDecoder().decode(stdout),
      /ended: getMe: Requires net access to "127\.0\.0\.1:9999".*--allow-net/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
