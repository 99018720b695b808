import assert from "node:assert/strict";
import { Api } from "../api/client.ts";
import type { Message } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { BotApiEmulator, describeMessage, runConsole } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";
import { until } from "./support/until.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** `testing/cli.ts` in a process of its own, with a wait for a text on its stdout (all of it in `text()`). */
function runCli(args: string[], stdin: "piped" | "null") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../testing/cli.ts", import.meta.url).pathname, ...args],
    stdin,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const waitFor = async (needle: string) => {
    while (!text.includes(needle)) {
      const { value, done } = await stdout.read();
      if (done) throw new Error(`output ended before ${JSON.stringify(needle)}:\n${text}`);
      text += value;
    }
  };
  return { child, stdout, waitFor, text: () => text };
}

Deno.test("deno task emulator: prints apiRoot and token, relays a console chat with a bot, stops on SIGINT", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.match(
    config.tasks.emulator,
    /^deno run -A testing\/cli\.ts\b/,
    "the task runs the script tested here",
  );
  const { child, stdout, waitFor, text: output } = runCli(
    ["--bot", "cli_bot", "--token", "4242:fixed-token"],
    "piped",
  );
  await waitFor("Ctrl-C");
  const text = output();
  const apiRoot = /apiRoot\s+(\S+)/.exec(text)?.[1];
  const token = /token\s+(\S+)/.exec(text)?.[1];
  assert.ok(apiRoot !== undefined && token !== undefined, text);
  assert.equal(token, "4242:fixed-token");
  const me = await (await fetch(`${apiRoot}/bot${token}/getMe`)).json();
  assert.equal(me.result.username, "cli_bot");
  assert.equal(me.result.id, 4242, "the id comes from the token, as in Telegram");
  const encoded = await (await fetch(`${apiRoot}/bot${token.replace(":", "%3A")}/getMe`)).json();
  assert.equal(encoded.ok, true, "a percent-encoded token is understood");

  const api = async (method: string, params: Record<string, unknown>): Promise<Any> => {
    const r = await fetch(`${apiRoot}/bot${token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return (await r.json()).result;
  };
  const stdin = child.stdin.getWriter();
  await stdin.write(new TextEncoder().encode("hello there\n"));
  const [update] = await api("getUpdates", { timeout: 5 });
  assert.equal(update.message.text, "hello there");
  await api("sendMessage", {
    chat_id: update.message.chat.id,
    text: "Pick",
    reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "y" }]] },
  });
  await waitFor("bot> Pick\n  [Yes]");
  await stdin.write(new TextEncoder().encode(":press Yes\n"));
  const [press] = await api("getUpdates", { offset: update.update_id + 1, timeout: 5 });
  assert.equal(press.callback_query.data, "y");

  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 0);
  await stdin.close().catch(() => {});
  await stdout.cancel();
});

Deno.test("describeMessage: names the content kind, whatever other fields the message carries", () => {
  const photo = {
    message_id: 1,
    date: 0,
    chat: { id: 1, type: "private" },
    media_group_id: "g1",
    show_caption_above_media: true,
    photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }],
    caption: "sunset",
    reply_markup: { inline_keyboard: [[{ text: "Like", callback_data: "l" }]] },
  } as Message;
  assert.equal(describeMessage(photo), "bot> [photo] sunset\n  [Like]");
  const dice = { message_id: 2, date: 0, chat: { id: 1, type: "private" }, dice: { emoji: "🎲", value: 3 } };
  assert.equal(describeMessage(dice as Message), "bot> [dice]");
  assert.equal(
    describeMessage({ message_id: 3, date: 0, chat: { id: 1, type: "private" }, text: "hi" } as Message),
    "bot> hi",
  );
});

Deno.test("runConsole ends when its input ends, having written the bot's messages until then", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const input = new TransformStream<Uint8Array, Uint8Array>();
  const typing = input.writable.getWriter();
  const written: string[] = [];
  // Nobody aborts before the end of input; the abort after 20 s only turns a hang into a failure.
  const never = new AbortController();
  const safetyNet = setTimeout(() => never.abort(), 20_000);
  const running = runConsole(emu, alice, input.readable, (line) => written.push(line), never.signal);
  await typing.write(new TextEncoder().encode("hello\n"));
  await until(() => emu.pendingUpdates(bot).length === 1, 10, "the bot to receive the line");
  const sent = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: alice.id, text: "hi Alice" }),
  });
  assert.equal(sent.status, 200);
  await sent.body?.cancel();
  await until(() => written.includes("bot> hi Alice"), 10, "the console to write the bot's message");
  await typing.close();
  await running;
  clearTimeout(safetyNet);
  assert.equal(never.signal.aborted, false, "it ended with its input, not with the signal");
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["hello", "hi Alice"]);
});

Deno.test("deno task emulator: after stdin ends (run in the background) it still prints the bot's messages", async () => {
  const { child, stdout, waitFor, text: output } = runCli(["--token", "4242:fixed-token"], "null");
  await waitFor("Ctrl-C");
  const apiRoot = /apiRoot\s+(\S+)/.exec(output())![1];
  const user = Number(/user\s+(\d+)/.exec(output())![1]);
  const sent = await fetch(`${apiRoot}/bot4242:fixed-token/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: user, text: "still here" }),
  });
  assert.equal(sent.status, 200);
  await sent.body?.cancel();
  await waitFor("bot> still here");
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await stdout.cancel();
});

/** A bot's call to the emulator, as a bot library would make it; the call's result. */
function botCall(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown>,
): Promise<Any> {
  return ok<Any>(apiRoot, token, method, params);
}

Deno.test("runConsole writes the bot's edits, deletions and answers to presses, and presses a keyboard an edit brought", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "quiz_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const call = (method: string, params: Record<string, unknown>) =>
    botCall(emu.apiRoot, bot.token, method, params);
  const input = new TransformStream<Uint8Array, Uint8Array>();
  const typing = input.writable.getWriter();
  const type = (line: string) => typing.write(new TextEncoder().encode(line + "\n"));
  const written: string[] = [];
  // Only the end of input ends the console; the abort after 20 s only turns a hang into a failure.
  const never = new AbortController();
  const safetyNet = setTimeout(() => never.abort(), 20_000);
  const running = runConsole(emu, alice, input.readable, (line) => written.push(line), never.signal);
  // The bot's updates, taken one at a time as a polling bot would.
  let offset = 0;
  const nextUpdate = async () => {
    await until(() => emu.pendingUpdates(bot).length > 0, 10, "an update for the bot");
    const [update] = await call("getUpdates", { offset, limit: 1 });
    offset = update.update_id + 1;
    return update;
  };

  await type("/start");
  const start = await nextUpdate();
  const question = await call("sendMessage", {
    chat_id: start.message.chat.id,
    text: "Ready?",
    reply_markup: { inline_keyboard: [[{ text: "Start", callback_data: "start" }]] },
  });
  await type(":press Start");
  const pressStart = await nextUpdate();
  // As the quiz example does: the question comes as an edit of the message, with a new keyboard.
  await call("editMessageText", {
    chat_id: question.chat.id,
    message_id: question.message_id,
    text: "1 + 1 = ?",
    reply_markup: {
      inline_keyboard: [[{ text: "2", callback_data: "a2" }, { text: "3", callback_data: "a3" }]],
    },
  });
  await call("answerCallbackQuery", { callback_query_id: pressStart.callback_query.id });
  // Button "3" exists only on the edited message: pressing it shows the console follows the edit.
  await type(":press 3");
  const pressThree = await nextUpdate();
  assert.equal(pressThree.callback_query.data, "a3");
  await call("answerCallbackQuery", { callback_query_id: pressThree.callback_query.id, text: "Wrong" });
  await type(":press 2");
  const pressTwo = await nextUpdate();
  await call("answerCallbackQuery", {
    callback_query_id: pressTwo.callback_query.id,
    text: "Right, the quiz is over",
    show_alert: true,
  });
  await call("deleteMessage", { chat_id: question.chat.id, message_id: question.message_id });
  const last = "bot> Bye";
  await call("sendMessage", { chat_id: question.chat.id, text: "Bye" });
  await until(() => written.includes(last), 10, "the console to write the last message");
  await typing.close();
  await running;
  clearTimeout(safetyNet);
  assert.deepEqual(written, [
    "bot> Ready?\n  [Start]",
    // The answer to the first press has no text: Telegram shows nothing, and so does the console.
    "bot (edited)> 1 + 1 = ?\n  [2] [3]",
    "bot (answer)> Wrong",
    "bot (alert)> Right, the quiz is over",
    "bot (deleted)> 1 + 1 = ?",
    last,
  ]);
});

Deno.test("deno task emulator: the console prints the bot's answer to a press and its edit of the message", async () => {
  const { child, stdout, waitFor, text: output } = runCli(["--token", "4242:fixed-token"], "piped");
  // A line that never comes would leave waitFor reading forever: stopping the CLI after 20 s ends its
  // output, which turns that hang into a failure naming the missing line.
  const safetyNet = setTimeout(() => child.kill("SIGINT"), 20_000);
  await waitFor("Ctrl-C");
  const apiRoot = /apiRoot\s+(\S+)/.exec(output())![1];
  const call = (method: string, params: Record<string, unknown>) =>
    botCall(apiRoot, "4242:fixed-token", method, params);
  const stdin = child.stdin.getWriter();
  await stdin.write(new TextEncoder().encode("/inline\n"));
  const [update] = await call("getUpdates", { timeout: 5 });
  const sent = await call("sendMessage", {
    chat_id: update.message.chat.id,
    text: "Buttons",
    reply_markup: { inline_keyboard: [[{ text: "Press me", callback_data: "p" }]] },
  });
  await waitFor("bot> Buttons\n  [Press me]");
  await stdin.write(new TextEncoder().encode(":press Press me\n"));
  const [press] = await call("getUpdates", { offset: update.update_id + 1, timeout: 5 });
  await call("answerCallbackQuery", { callback_query_id: press.callback_query.id, text: "Got it" });
  await waitFor("bot (answer)> Got it");
  await call("editMessageText", {
    chat_id: sent.chat.id,
    message_id: sent.message_id,
    text: "Edited by a button",
  });
  await waitFor("bot (edited)> Edited by a button");
  clearTimeout(safetyNet);
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await stdin.close().catch(() => {});
  await stdout.cancel();
});

/**
 * Runs `testing/cli.ts` with `args`, expecting it to refuse them: resolves its exit code and stderr. One
 * that starts anyway (its banner ends with "Ctrl-C") is stopped and fails the test, rather than hanging it.
 */
async function refusal(args: string[]): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../testing/cli.ts", import.meta.url).pathname, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const out = await new Response(child.stdout.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        // Its banner is complete: it accepted the arguments; stopping it ends stdout.
        if (new TextDecoder().decode(chunk).includes("Ctrl-C")) child.kill("SIGINT");
      },
    }),
  )).text();
  const { code } = await child.status;
  assert.doesNotMatch(out, /Ctrl-C/, `it started with ${JSON.stringify(args)}:\n${out}`);
  return { code, stderr: await stderr };
}

Deno.test("deno task emulator refuses a port, a number of seconds or a missing value it cannot use, in one line with status 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--port", "abc"], /^emulator: --port must be a port number from 0 to 65535, not "abc"\n$/],
    [["--port", "70000"], /^emulator: --port must be a port number from 0 to 65535, not "70000"\n$/],
    [["--ui", "--ui-port", "-1"], /^emulator: --ui-port must be a port number from 0 to 65535, not "-1"\n$/],
    [
      ["--webhook-timeout", "soon"],
      /^emulator: --webhook-timeout must be a positive number of seconds, not "soon"\n$/,
    ],
    [["--webhook-retry-delay", "0"], /^emulator: --webhook-retry-delay must be a positive number of seconds/],
    [["--port"], /^emulator: --port needs a value\n$/],
    [["--token", "--strict"], /^emulator: --token needs a value\n$/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await refusal(args);
    assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, message, args.join(" "));
  }
});

Deno.test("deno task emulator refuses a token the library's clients refuse, without echoing it", async () => {
  assert.throws(() => new Api("bad token"), BadInput, "the client refuses this token");
  const { code, stderr } = await refusal(["--token", "bad token"]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^emulator: --token must be a bot token as @BotFather gives it\b[^\n]*\n$/);
  assert.doesNotMatch(stderr, /bad token/, "a mistyped token is still mostly secret");
});
