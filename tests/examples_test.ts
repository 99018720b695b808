/**
 * Every example runs offline against the emulator and must produce its expected transcript, so no
 * example can rot; the demo must show its per-chat counting and close every delegate by idle timeout.
 */
import assert from "node:assert/strict";
import type { Message } from "../api/mod.ts";
import { EXAMPLES } from "../examples/_catalog.ts";
import { describe, playOffline, Scene, sleep } from "../examples/_harness.ts";
import { runDemo, summarize } from "../examples/demo.ts";
import { BotApiEmulator } from "../testing/mod.ts";

const EXPECTED: Record<string, string[]> = {
  signup: [
    "Alice → bot: hi",
    "bot → Alice: Welcome! What is your name?",
    "Alice → bot: Alice",
    "bot → Alice: How old are you, Alice?",
    "Alice → bot: many",
    "bot → Alice: Please answer with a number.",
    "Alice → bot: 31",
    "bot → Alice: Thanks, Alice: you are signed up.",
    "Alice → bot: hello again",
    "bot → Alice: You are signed up as Alice, 31. /reset starts over.",
  ],
  skeleton: [
    "Alice → bot: Hello bot",
    "bot → Alice: Hello bot",
    "Alice → bot: [sticker]",
    "Alice → bot: Still there?",
    "bot → Alice: Still there?",
  ],
  webhook: [
    "Alice → bot: Hello over the webhook",
    "bot → Alice: Got \"Hello over the webhook\" by webhook",
    "a forged POST with a wrong secret gets HTTP 401",
    "Alice → bot: Still here",
    "bot → Alice: Got \"Still here\" by webhook",
  ],
  counter: [
    "Alice → bot: hi",
    "bot → Alice: 1",
    "Alice → bot: how are you",
    "bot → Alice: 2",
    "Alice → bot: still counting?",
    "bot → Alice: 3",
    "Bob → bot: hello",
    "bot → Bob: 1",
    "Alice → bot: one more",
    "bot → Alice: 4",
    "(nobody writes for 3 s: both counters close)",
    "Alice → bot: back again",
    "bot → Alice: 1",
  ],
  inline_keyboard: [
    "Alice → bot: Hi",
    "bot → Alice: Use the inline keyboard [Press me]",
    "Alice presses [Press me]",
    "bot answers Alice: \"Got it\"",
  ],
  inline_query: [
    "Alice types \"@inline_query_bot greeting\"",
    "bot offers Alice: abc=ABC",
    "Alice chooses result abc",
    "Alice @ Friends (via @inline_query_bot): Hello",
  ],
  inline_answerer: [
    "Alice types \"@inline_answerer_bot pi\"",
    "Alice types \"@inline_answerer_bot pizza\"",
    "bot offers Alice: echo=PIZZA",
    "the query \"pi\" was superseded and never answered",
  ],
  routing: [
    "Alice → bot: hello",
    "bot → Alice: Try /keyboard, /inline, /hide or /force",
    "Alice → bot: /keyboard",
    "bot → Alice: A custom keyboard",
    "Alice → bot: /hide",
    "bot → Alice: Keyboard removed",
    "Alice → bot: /force",
    "bot → Alice: What is your name?",
    "Alice → bot: /inline",
    "bot → Alice: An inline keyboard [Alert][Edit]",
    "Alice presses [Alert]",
    "bot answers Alice with an alert: \"You pressed Alert\"",
    "Alice presses [Edit]",
    "bot answers Alice: (no text)",
    "bot → Alice (now): Edited by a button",
    "Alice types \"@routing_bot quiet please\"",
    "bot offers Alice: shout=QUIET PLEASE",
  ],
  payment: [
    "Alice → bot: /buy",
    "bot → Alice: [invoice Telepot plush: 15.00 EUR]",
    "Alice pays",
    "payment of 19.95 EUR went through",
    "bot → Alice: Thank you! Your plush is on its way (post).",
    "Bob → bot: /buy",
    "bot → Bob: [invoice Telepot plush: 15.00 EUR]",
    "Bob pays",
    "payment refused at shipping: Sorry, we do not ship there",
  ],
  guess: [
    "Alice → bot: Let's play",
    "bot → Alice: I am thinking of a number from 1 to 100. Your guess?",
    "Alice → bot: fifty",
    "bot → Alice: Whole numbers only, please.",
    "Alice → bot: 50",
    "bot → Alice: Higher than 50.",
    "Alice → bot: 75",
    "bot → Alice: Lower than 75.",
    "Alice → bot: 62",
    "bot → Alice: Higher than 62.",
    "Alice → bot: 68",
    "bot → Alice: Lower than 68.",
    "Alice → bot: 65",
    "bot → Alice: Lower than 65.",
    "Alice → bot: 63",
    "bot → Alice: 63 it is! Found in 6 tries. Write again to play again.",
    "Alice → bot: Again!",
    "bot → Alice: I am thinking of a number from 1 to 100. Your guess?",
  ],
  inline_per_user: [
    "Alice types \"@inline_per_user_bot lunch\"",
    "bot offers Alice: q1=1. lunch",
    "Alice types \"@inline_per_user_bot lunch at noon\"",
    "bot offers Alice: q2=2. lunch at noon",
    "Bob types \"@inline_per_user_bot coffee\"",
    "bot offers Bob: q1=1. coffee",
    "Alice types \"@inline_per_user_bot lunch at noon?\"",
    "bot offers Alice: q3=3. lunch at noon?",
    "Alice chooses result q3",
  ],
  article_search: [
    "Alice types \"@article_search_bot a\"",
    "bot offers Alice: flavors=Flavors | glance=glance | routing-tables=Routing tables (more at offset 3)",
    "Alice scrolls on (offset 3) \"@article_search_bot a\"",
    "bot offers Alice: delegatorbot=DelegatorBot | idle-timeout=Idle timeout | events=Events (more at offset 6)",
    "Alice types \"@article_search_bot delegate\"",
    "bot offers Alice: delegatorbot=DelegatorBot | idle-timeout=Idle timeout | events=Events (more at offset 3)",
    "Alice chooses result idle-timeout",
    "Alice @ Study group (via @article_search_bot): Idle timeout: A delegate that hears nothing for `timeout` seconds closes itself.",
  ],
  alarm: [
    "Alice → bot: /alarm 3 tea",
    "bot → Alice: Alarm set: tea in 3 s",
    "Alice → bot: /alarm 1.5 stretching",
    "bot → Alice: Alarm set: stretching in 1.5 s",
    "Alice → bot: /cancel",
    "bot → Alice: Cancelled: stretching",
    "bot → Alice: Ring! Time for tea",
    "Alice → bot: /cancel",
    "bot → Alice: Too late: tea has already rung",
    "Alice → bot: /cancel",
    "bot → Alice: No alarm to cancel",
  ],
  vote: [
    "Alice @ Team: /vote Pizza on Friday?",
    "bot @ Team: Pizza on Friday? (5 s to vote) [Yes][No]",
    "Alice presses [Yes]",
    "bot answers Alice: \"You voted yes\"",
    "Bob presses [No]",
    "bot answers Bob: \"You voted no\"",
    "Carol @ Team: /vote Tacos instead?",
    "bot @ Team: Please vote on \"Pizza on Friday?\" first",
    "Bob presses [Yes]",
    "bot answers Bob: \"You have already voted no\"",
    "bot @ Team: Vote closed, time is up. Pizza on Friday?: yes 1, no 1",
    "bot @ Team (now): Pizza on Friday?: yes 1, no 1 (closed)",
    "Bob @ Team: /vote Meeting at nine?",
    "bot @ Team: Meeting at nine? (5 s to vote) [Yes][No]",
    "Alice presses [No]",
    "bot answers Alice: \"You voted no\"",
    "Bob presses [Yes]",
    "bot answers Bob: \"You voted yes\"",
    "Carol presses [No]",
    "bot answers Carol: \"You voted no\"",
    "bot @ Team: Vote closed, everyone has voted. Meeting at nine?: yes 1, no 2",
    "bot @ Team (now): Meeting at nine?: yes 1, no 2 (closed)",
  ],
  quiz: [
    "Alice → bot: quiz me",
    "bot → Alice: Three sums, three buttons each. Ready? [Start]",
    "Alice presses [Start]",
    "bot answers Alice: (no text)",
    "bot → Alice (now): Question 1: 13 + 1 = ? [16][12][14]",
    "Alice presses [14]",
    "bot answers Alice: \"Right!\"",
    "bot → Alice (now): Question 2: 20 + 6 = ? [28][24][26]",
    "Alice presses [28]",
    "bot answers Alice: \"No: 26\"",
    "bot → Alice (now): Question 3: 9 + 20 = ? [29][31][27]",
    "Alice presses [29]",
    "bot answers Alice: \"Right!\"",
    "bot → Alice (now): Quiz over: 2 of 3 right",
    "Alice → bot: again",
    "bot → Alice: Three sums, three buttons each. Ready? [Start]",
    "Alice presses [Start]",
    "bot answers Alice: (no text)",
    "(Alice walks away)",
    "bot → Alice (now): Too slow! 0 of 0 right",
  ],
  lover: [
    "Alice → bot: Hi there",
    "bot → Alice: Would you go out with me? (asking 1x) [Yes][Maybe][No]",
    "Alice presses [Maybe]",
    "bot answers Alice: \"I will not give up\"",
    "bot → Alice (now): Would you go out with me? (asking 1x)",
    "bot → Alice: Would you go out with me? (asking 2x) [Yes][Maybe][No]",
    "Alice presses [Yes]",
    "bot answers Alice: \"Really?!\"",
    "bot → Alice: You made my day. See you at eight!",
    "Bob → bot: Hello",
    "bot → Bob: Would you go out with me? (asking 1x) [Yes][Maybe][No]",
    "(Bob does not answer)",
    "bot → Bob: Take your time. I will be here.",
  ],
  chatbox: [
    "Alice → bot: Are you open on Sunday?",
    "bot → Alice: Passed on. The answer will come here.",
    "bot → Olivia: Are you open on Sunday?",
    "bot → Olivia: From Alice",
    "Bob → bot: Do you sell gift cards?",
    "bot → Bob: Passed on. The answer will come here.",
    "bot → Olivia: Do you sell gift cards?",
    "bot → Olivia: From Bob",
    "Olivia → bot (replying): Yes, at the counter",
    "bot → Bob: Yes, at the counter",
    "bot → Olivia: Sent to Bob.",
    "Olivia → bot (replying): From 10 to 4",
    "bot → Alice: From 10 to 4",
    "bot → Olivia: Sent to Alice.",
    "Olivia → bot: Hello?",
    "bot → Olivia: Reply to a passed-on message to answer it.",
  ],
  counter_async: [
    "Alice → bot: one",
    "bot → Alice: You have sent 1 message",
    "Bob → bot: uno",
    "bot → Bob: You have sent 1 message",
    "Alice → bot: two",
    "bot → Alice: You have sent 2 messages",
    "Bob → bot: dos",
    "bot → Bob: You have sent 2 messages",
    "Bob → bot: tres",
    "bot → Bob: You have sent 3 messages",
  ],
};

Deno.test("every example has an expected transcript here", () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(EXAMPLES).sort());
});

for (const [name, load] of Object.entries(EXAMPLES)) {
  Deno.test(`example ${name} plays its conversation offline`, async () => {
    const { example } = await load();
    const lines = await playOffline(name, example);
    assert.deepEqual(lines, EXPECTED[name]);
  });
}

/** The lines of one chat, in order. */
function chat(lines: readonly string[], who: string): string[] {
  return lines.filter((line) => line.startsWith(`${who} → bot:`) || line.startsWith(`bot → ${who}`));
}

Deno.test("the demo counts per chat, resets on the button and closes every counter by idle timeout", async () => {
  const result = await runDemo({ idleTimeout: 1 });
  assert.deepEqual(chat(result.lines, "Alice"), [
    "Alice → bot: Hi! What do you do?",
    "bot → Alice: 1 message in this chat [Reset]",
    "Alice → bot: Let me try again",
    "bot → Alice: 2 messages in this chat [Reset]",
    "bot → Alice (now): Reset by Alice (was 2)",
    "Alice → bot: And now?",
    "bot → Alice: 1 message in this chat [Reset]",
  ]);
  assert.deepEqual(chat(result.lines, "Bob"), [
    "Bob → bot: Hello",
    "bot → Bob: 1 message in this chat [Reset]",
    "Bob → bot: Counting?",
    "bot → Bob: 2 messages in this chat [Reset]",
    "Bob → bot: I was away for a while",
    "bot → Bob: 1 message in this chat [Reset]",
  ]);
  assert.deepEqual(result.lines.filter((line) => line.includes("@ Book club")), [
    "Carol @ Book club: Who has read chapter 3?",
    "bot @ Book club: 1 message in this chat [Reset]",
    "Alice @ Book club: Me!",
    "bot @ Book club: 2 messages in this chat [Reset]",
    "Bob @ Book club: Not yet",
    "bot @ Book club: 3 messages in this chat [Reset]",
  ]);
  assert.ok(result.lines.includes("bot answers Alice: \"Counter reset\""));
  // All three talk at once: every opening line comes before anyone's second message.
  const firstSecond = result.lines.indexOf("Alice → bot: Let me try again");
  for (
    const opening of [
      "Alice → bot: Hi! What do you do?",
      "Bob → bot: Hello",
      "Carol @ Book club: Who has read chapter 3?",
    ]
  ) {
    assert.ok(result.lines.indexOf(opening) < firstSecond, result.lines.join("\n"));
  }
  const opens = result.lines.filter((line) => line.startsWith("(a counter opens for "));
  assert.deepEqual(opens.sort(), [
    "(a counter opens for Alice's chat)",
    "(a counter opens for Bob's chat)",
    "(a counter opens for Bob's chat)",
    "(a counter opens for Book club)",
  ]);
  const closes = result.lines.filter((line) => line.startsWith("(the counter for "));
  assert.equal(closes.length, 4);
  assert.ok(closes.every((line) => line.endsWith("closes: Idle for more than 1 s)")), closes.join("\n"));
  assert.equal(result.handled, 10);
  assert.equal(result.stats.opened, 4);
  assert.equal(result.stats.closedByTimeout, 4);
  assert.equal(result.stats.closedOtherwise, 0);
  assert.equal(result.openAtEnd, 0);
  assert.equal(result.stats.calls.get("sendMessage"), 9);
  assert.equal(result.stats.calls.get("editMessageText"), 1);
  assert.equal(result.stats.calls.get("answerCallbackQuery"), 1);
  const summary = summarize(result).join("\n");
  assert.match(summary, /updates handled: +10/);
  assert.match(summary, /closed by idle timeout: +4/);
});

/** Runs `examples/run.ts` with `args`; TOKEN and the examples' settings only as given in `extra`. */
async function runner(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...Deno.env.toObject(), ...extra };
  if (extra.TOKEN === undefined) delete env.TOKEN;
  delete env.OWNER_ID;
  delete env.PROVIDER_TOKEN;
  delete env.API_ROOT;
  delete env.WEBHOOK_URL;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../examples/run.ts", import.meta.url).pathname, ...args],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("deno task example: --emulator prints the transcript; bad names, a missing TOKEN or setting fail cleanly", async () => {
  const offline = await runner(["skeleton", "--emulator"]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(offline.stdout.trimEnd().split("\n"), EXPECTED.skeleton);

  const unknown = await runner(["no_such_example"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown example "no_such_example"/);
  assert.match(unknown.stdout, /skeleton/);

  const noToken = await runner(["skeleton"]);
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /set TOKEN/);

  const noOwner = await runner(["chatbox"], { TOKEN: "123:fake" });
  assert.equal(noOwner.code, 1);
  assert.match(noOwner.stderr, /chatbox could not start: .*OWNER_ID/);

  const noProvider = await runner(["payment"], { TOKEN: "123:fake" });
  assert.equal(noProvider.code, 1);
  assert.match(noProvider.stderr, /payment could not start: .*PROVIDER_TOKEN/);

  const noWebhookUrl = await runner(["webhook"], { TOKEN: "123:fake" });
  assert.equal(noWebhookUrl.code, 1);
  assert.match(noWebhookUrl.stderr, /webhook could not start: .*WEBHOOK_URL/);

  const badUiPort = await runner(["skeleton", "--ui", "--ui-port", "abc"]);
  assert.equal(badUiPort.code, 2);
  assert.match(badUiPort.stderr, /--ui-port must be a port number/);

  const badPort = await runner(["webhook"], {
    TOKEN: "123:fake",
    WEBHOOK_URL: "https://x.test/",
    PORT: "80a",
  });
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /PORT must be a port number/);
});

Deno.test("the README's table of examples lists every example", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const listed = [...readme.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
  assert.deepEqual(listed.filter((name) => name in EXAMPLES).sort(), Object.keys(EXAMPLES).sort());
});

Deno.test("deno task example <name> serves a real Bot API server until SIGINT", async () => {
  await using emu = await BotApiEmulator.start();
  const account = emu.createBot({ username: "live_skeleton_bot" });
  const env = Deno.env.toObject();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../examples/run.ts", import.meta.url).pathname, "skeleton"],
    env: { ...env, TOKEN: account.token, API_ROOT: emu.apiRoot },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "are you live?", { to: account });
    const reply = await emu.nextBotMessage(alice.id, { timeout: 10 });
    assert.equal(reply.text, "are you live?");
  } finally {
    child.kill("SIGINT");
  }
  const { code, stdout } = await child.output();
  const printed = new TextDecoder().decode(stdout);
  assert.equal(code, 0);
  assert.match(printed, /skeleton: listening/);
  assert.match(printed, /text private \d+/);
  assert.ok(!printed.includes(account.token), "the token is never printed");
});

const RUNNER = new URL("../examples/run.ts", import.meta.url).pathname;

/** Text read from a child's stream as it arrives. */
class Output {
  #text = "";
  #ended = false;
  /** Resolves when the stream has ended. */
  readonly ended: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.ended = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) this.#text += chunk;
      this.#ended = true;
    })();
  }

  /** Everything read so far. */
  get text(): string {
    return this.#text;
  }

  /** Waits until `needle` has been printed; throws when the stream ends or `seconds` pass first. */
  async until(needle: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!this.#text.includes(needle)) {
      if (this.#ended || Date.now() > deadline) {
        throw new Error(`"${needle}" never printed; got:\n${this.#text}`);
      }
      await sleep(0.02);
    }
  }
}

/**
 * Runs `deno task example <name>` the real way (token, Bot API server and settings from the
 * environment), calls `during` once it is listening, then stops it with SIGINT.
 */
async function runLive(
  name: string,
  settings: Record<string, string>,
  during: () => Promise<void> = async () => {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...Deno.env.toObject(), ...settings };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", RUNNER, name],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Output(child.stdout);
  const stderr = new Output(child.stderr);
  try {
    await stdout.until(`${name}: listening`, 30);
    await during();
  } finally {
    try {
      child.kill("SIGINT");
    } catch {
      // It has already exited; its status says how.
    }
  }
  const { code } = await child.status;
  await Promise.all([stdout.ended, stderr.ended]);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

Deno.test("every example starts for real from the environment, and stops cleanly on SIGINT", async () => {
  await using emu = await BotApiEmulator.start();
  const names = Object.keys(EXAMPLES);
  const failures: string[] = [];
  // Two at a time: each is a Deno process of its own, and the machine may have two cores.
  for (let i = 0; i < names.length; i += 2) {
    await Promise.all(
      names.slice(i, i + 2).map(async (name) => {
        const { example } = await EXAMPLES[name]();
        const account = emu.createBot({ username: `live_${name}_bot` });
        const settings = example.prepare?.(new Scene(emu, account)) ?? {};
        const run = await runLive(name, { ...settings, TOKEN: account.token, API_ROOT: emu.apiRoot });
        if (run.code !== 0 || run.stderr !== "" || run.stdout.includes(account.token)) {
          failures.push(`${name}: exit ${run.code}\n${run.stdout}${run.stderr}`);
        }
      }),
    );
  }
  assert.deepEqual(failures, []);
});

Deno.test("an example whose bot ends by itself (its token refused) ends the program with status 1, the reason said once", async () => {
  await using emu = await BotApiEmulator.start();
  for (const name of ["skeleton", "counter_async"]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", RUNNER, name],
      env: { ...Deno.env.toObject(), TOKEN: "123:refused", API_ROOT: emu.apiRoot },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Killed if it outlives its bot (the status then is not 1).
    const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const { code, stdout, stderr } = await child.output();
    clearTimeout(guard);
    const printed = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 1, `${name}:\n${printed}`);
    // Once, though the error shows Telegram's own 401 as its cause.
    const reason = "UnauthorizedError: getMe: Unauthorized: the Bot API refused this bot's token";
    assert.equal(printed.split(reason).length - 1, 1, `${name}: the reason once\n${printed}`);
    assert.match(printed, new RegExp(`${name}: the bot has stopped`));
    assert.ok(!printed.includes("Uncaught"), `${name}: no unhandled rejection\n${printed}`);
    assert.ok(!printed.includes("123:refused"), "the token is never printed");
  }
});

Deno.test("a real run plays the same conversation as the offline one (chatbox, OWNER_ID from the environment)", async () => {
  await using emu = await BotApiEmulator.start();
  const { example } = await EXAMPLES.chatbox();
  const account = emu.createBot({ username: "chatbox_bot" });
  const scene = new Scene(emu, account);
  const settings = example.prepare?.(scene) ?? {};
  assert.ok("OWNER_ID" in settings);
  const run = await runLive(
    "chatbox",
    { ...settings, TOKEN: account.token, API_ROOT: emu.apiRoot },
    () => example.script(scene),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(scene.lines, EXPECTED.chatbox);
});

Deno.test("deno task demo prints the live transcript and the summary, and exits 0", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(printed, /^ +\d+\.\d\ds {2}Alice → bot: Hi! What do you do\?$/m);
  assert.match(printed, /^ +\d+\.\d\ds {2}\(a counter opens for Book club\)$/m);
  assert.match(printed, /^Summary$/m);
  assert.match(printed, /^ +updates handled: +10$/m);
  assert.match(printed, /^ +delegates opened: +4 /m);
  assert.match(printed, /^ +closed by idle timeout: +4$/m);
  assert.match(printed, /^ +Bot API calls: +\d+ \(.*sendMessage 9.*\)$/m);
});

Deno.test("transcripts label non-text content by its content type, whatever other fields the message has", () => {
  const chat = { id: 1, type: "private" };
  const album = {
    message_id: 1,
    date: 0,
    chat,
    media_group_id: "g1",
    has_protected_content: true,
    photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }],
  };
  assert.equal(describe(album as Message), "[photo]");
  assert.equal(
    describe({ message_id: 2, date: 0, chat, dice: { emoji: "🎲", value: 4 } } as Message),
    "[dice]",
  );
  assert.equal(describe({ message_id: 3, date: 0, chat, edit_date: 5 } as Message), "[empty]");
});
