/**
 * Every example runs offline against the emulator and must produce its expected transcript, so no
 * example can rot; the demo must show its per-chat counting and close every delegate by idle timeout.
 */
import assert from "node:assert/strict";
import { EXAMPLES } from "../examples/_catalog.ts";
import { playOffline } from "../examples/_harness.ts";
import { runDemo, summarize } from "../examples/demo.ts";

const EXPECTED: Record<string, string[]> = {
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
    "(nobody writes for 1.5 s: both counters close)",
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
  const result = await runDemo({ idleTimeout: 0.5 });
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
