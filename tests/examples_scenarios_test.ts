/**
 * Edge cases of the examples, beyond the conversation each one plays: every scenario here runs an
 * example's own bot with a different script, so a bug found in an example cannot come back.
 */
import assert from "node:assert/strict";
import type { Message } from "../api/mod.ts";
import { EXAMPLES } from "../examples/_catalog.ts";
import { type Example, playOffline, type Scene, sleep } from "../examples/_harness.ts";
import { until } from "./support/until.ts";

/** Plays `script` against the bot of example `name`; `env` overrides the example's settings. */
async function scenario(
  name: string,
  script: (scene: Scene) => Promise<void>,
  env: Record<string, string> = {},
): Promise<string[]> {
  const { example } = await EXAMPLES[name]();
  const custom: Example = {
    ...example,
    prepare: (scene) => ({ ...example.prepare?.(scene), ...env }),
    script,
  };
  return await playOffline(name, custom);
}

Deno.test("vote: a last vote racing the deadline closes the vote once, not the delegate", async () => {
  const lines = await scenario("vote", async (scene) => {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    const team = scene.emu.createGroup({
      title: "Team",
      members: [alice.user, bob.user],
      bots: [scene.bot],
    });
    await scene.say(alice, "/vote Pizza?", team);
    const pizza = await scene.reply(team);
    await scene.answer(await scene.press(alice, pizza, "Yes"));
    // The deadline fires while the bot waits for the member count after Bob's last vote: Bob votes
    // before it (3 s left for a loaded machine), and the count comes only after it (it takes as long as
    // the whole vote).
    await sleep(1);
    scene.emu.injectFault({ method: "getChatMemberCount", latency: 4 });
    await scene.answer(await scene.press(bob, pizza, "No"));
    await scene.reply(team, { timeout: 30 });
    await scene.say(bob, "/vote Tacos?", team);
    await scene.reply(team);
    await scene.reply(team, { timeout: 30 }); // closed by its deadline, before the bot stops
  }, { VOTE_SECONDS: "4" });
  assert.deepEqual(lines.slice(-4, -1), [
    "bot @ Team: Vote closed, everyone has voted. Pizza?: yes 1, no 1",
    "Bob @ Team: /vote Tacos?",
    "bot @ Team: Tacos? (4 s to vote) [Yes][No]",
  ], lines.join("\n"));
});

Deno.test("chatbox: long texts and captions reach the owner; a failed relay loses no earlier author", async () => {
  const photo = {
    photo: [{ file_id: "p1", file_unique_id: "u1", width: 90, height: 90 }],
    caption: "The lid is cracked, see photo",
  };
  let copied: Message | undefined;
  const lines = await scenario("chatbox", async (scene) => {
    const olivia = scene.user("Olivia");
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    await scene.exchange(bob, "Do you sell gift cards?");
    const fromBob = await scene.reply(olivia.id);
    await scene.reply(olivia.id);
    // The longest text Telegram lets Alice send, then a photo with a caption.
    await scene.exchange(alice, "x".repeat(4096));
    assert.equal((await scene.reply(olivia.id)).text, "x".repeat(4096));
    await scene.reply(olivia.id);
    await scene.send(alice, photo);
    await scene.reply(alice.id);
    copied = await scene.reply(olivia.id);
    await scene.reply(olivia.id);
    // Relaying fails once: Alice is told, and the relay (with who wrote what) lives on.
    scene.emu.injectFault({
      method: "copyMessage",
      error: { error_code: 400, description: "Bad Request: message can't be copied" },
    });
    await scene.exchange(alice, "Hello?");
    // The connection breaks instead: the relay ends, and the next one still knows who wrote what.
    scene.emu.injectFault({ method: "copyMessage", drop: true });
    await scene.say(alice, "Anyone there?");
    await scene.settle();
    await sleep(0.2);
    await scene.sayReplying(olivia, fromBob, "Yes, at the counter");
    await scene.reply(bob.id);
    await scene.reply(olivia.id);
  });
  assert.equal(copied?.caption, photo.caption);
  assert.deepEqual(copied?.photo?.[0]?.file_id, "p1");
  assert.deepEqual(lines.slice(-7), [
    "bot → Olivia: From Alice",
    "Alice → bot: Hello?",
    "bot → Alice: Sorry, that could not be passed on: Bad Request: message can't be copied",
    "Alice → bot: Anyone there?",
    "Olivia → bot (replying): Yes, at the counter",
    "bot → Bob: Yes, at the counter",
    "bot → Olivia: Sent to Bob.",
  ], lines.join("\n"));
});

Deno.test("chatbox: a name note that fails after the copy went through tells the visitor nothing wrong; the copy still answers", async () => {
  const lines = await scenario("chatbox", async (scene) => {
    const olivia = scene.user("Olivia");
    const alice = scene.user("Alice");
    // The visitor's "Passed on" goes through (a fault without effect takes its turn), the note fails.
    scene.emu.injectFault({ method: "sendMessage", latency: 0 });
    scene.emu.injectFault({
      method: "sendMessage",
      error: { error_code: 400, description: "Bad Request: replied message not found" },
    });
    await scene.exchange(alice, "Is the shop open today?");
    const copy = await scene.reply(olivia.id);
    await scene.settle();
    await scene.sayReplying(olivia, copy, "Yes, until 6");
    await scene.reply(alice.id);
    await scene.reply(olivia.id);
  });
  assert.deepEqual(lines, [
    "Alice → bot: Is the shop open today?",
    "bot → Alice: Passed on. The answer will come here.",
    "bot → Olivia: Is the shop open today?",
    "Olivia → bot (replying): Yes, until 6",
    "bot → Alice: Yes, until 6",
    "bot → Olivia: Sent to Alice.",
  ], lines.join("\n"));
});

Deno.test("vote: /vote is a whole command; @vote_bot is dropped, another bot's command ignored", async () => {
  const lines = await scenario("vote", async (scene) => {
    const alice = scene.user("Alice");
    const team = scene.emu.createGroup({ title: "Team", members: [alice.user], bots: [scene.bot] });
    await scene.say(alice, "/voters are welcome", team);
    await scene.say(alice, "/vote@other_bot Tacos?", team);
    await scene.say(alice, "/vote@vote_bot Pizza on Friday?", team);
    await scene.reply(team);
    await scene.reply(team); // closed by its deadline, before the bot stops
  }, { VOTE_SECONDS: "1" });
  assert.equal(lines.at(-2), "bot @ Team: Pizza on Friday? (1 s to vote) [Yes][No]", lines.join("\n"));
});

Deno.test("alarm: an alarm of the longest delay rings before its delegate closes idle", async () => {
  const lines = await scenario("alarm", async (scene) => {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "/alarm 2 tea");
    await scene.reply(alice.id, { timeout: 4 });
  }, { MAX_ALARM: "2" });
  assert.equal(lines.at(-1), "bot → Alice: Ring! Time for tea", lines.join("\n"));
});

Deno.test("quiz: a quiz left alone counts only the questions answered", async () => {
  const lines = await scenario("quiz", async (scene) => {
    const alice = scene.user("Alice");
    const quiz = await scene.exchange(alice, "quiz me");
    await scene.answer(await scene.press(alice, quiz, "Start"));
    for (let i = 0; i < 2; i++) {
      const [a, b] = scene.show(alice.id, quiz.message_id)?.text?.match(/(\d+) \+ (\d+)/)?.slice(1) ?? [];
      await scene.answer(await scene.press(alice, quiz, String(Number(a) + Number(b))));
    }
    // Its idle timeout (2 s) closes it: waited for, not assumed over after a fixed time.
    await until(
      () => scene.emu.message(alice.id, quiz.message_id)?.text?.startsWith("Too slow") === true,
      30,
      "the quiz closed idle",
    );
    scene.show(alice.id, quiz.message_id);
  });
  assert.equal(lines.at(-1), "bot → Alice (now): Too slow! 2 of 2 right", lines.join("\n"));
});

Deno.test("signup: a photo or an overlong text at the name step asks for the name again", async () => {
  const photo = { photo: [{ file_id: "p1", file_unique_id: "u1", width: 90, height: 90 }] };
  const lines = await scenario("signup", async (scene) => {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "hi");
    await scene.send(alice, photo);
    await scene.reply(alice.id);
    await scene.exchange(alice, "A".repeat(4096));
    await scene.exchange(alice, "Alice");
  });
  assert.deepEqual(lines.slice(2).filter((line) => line.startsWith("bot")), [
    "bot → Alice: Please write your name (up to 64 characters).",
    "bot → Alice: Please write your name (up to 64 characters).",
    "bot → Alice: How old are you, Alice?",
  ]);
});

for (const name of ["inline_query", "inline_answerer", "article_search"]) {
  Deno.test(`${name}: a private message to the inline bot gets directions`, async () => {
    const lines = await scenario(name, async (scene) => {
      await scene.exchange(scene.user("Alice"), "hello?");
    });
    assert.match(lines[1], new RegExp(`^bot → Alice: Type @${name}_bot .*in any chat`));
  });
}

Deno.test("payment: two invoices of one buyer are two sales, each paid on its own", async () => {
  const lines = await scenario("payment", async (scene) => {
    const alice = scene.user("Alice");
    const first = await scene.exchange(alice, "/buy");
    const second = await scene.exchange(alice, "/buy");
    await scene.pay(alice, second);
    await scene.reply(alice.id);
    await scene.pay(alice, first);
    await scene.reply(alice.id);
  });
  assert.deepEqual(lines.filter((line) => line.includes("Thank you")), [
    "bot → Alice: Thank you! Your plush is on its way (post).",
    "bot → Alice: Thank you! Your plush is on its way (post).",
  ], lines.join("\n"));
});

Deno.test("lover: the count of proposals survives the suitor going quiet", async () => {
  const lines = await scenario("lover", async (scene) => {
    const bob = scene.user("Bob");
    const first = await scene.exchange(bob, "Hello");
    await scene.answer(await scene.press(bob, first, "No"));
    await scene.reply(bob.id);
    await scene.reply(bob.id, { timeout: 5 }); // idle: the suitor closes
    await scene.exchange(bob, "I am back");
  });
  assert.equal(lines.at(-1), "bot → Bob: Would you go out with me? (asking 3x) [Yes][Maybe][No]");
});

Deno.test("inline_query: a result posted in the bot's own chat gets no directions", async () => {
  const lines = await scenario("inline_query", async (scene) => {
    const alice = scene.user("Alice");
    const query = await scene.ask(alice, "greeting");
    await scene.answer(query);
    await scene.choose(alice, query, "abc", alice.id);
    await scene.exchange(alice, "and now?");
  });
  assert.deepEqual(lines.slice(-3), [
    "Alice chooses result abc",
    "Alice → bot: and now?",
    "bot → Alice: Type @inline_query_bot in any chat, then pick a result.",
  ]);
});
