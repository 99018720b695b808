/**
 * Edge cases of the examples, beyond the conversation each one plays: every scenario here runs an
 * example's own bot with a different script, so a bug found in an example cannot come back.
 */
import assert from "node:assert/strict";
import { EXAMPLES } from "../examples/_catalog.ts";
import { type Example, playOffline, type Scene, sleep } from "../examples/_harness.ts";

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
    // The deadline fires while the bot waits for the member count after Bob's last vote.
    await sleep(1);
    scene.emu.injectFault({ method: "getChatMemberCount", latency: 1.5 });
    await scene.answer(await scene.press(bob, pizza, "No"));
    await scene.reply(team);
    await scene.say(bob, "/vote Tacos?", team);
    await scene.reply(team);
  }, { VOTE_SECONDS: "2" });
  assert.deepEqual(lines.slice(-3), [
    "bot @ Team: Vote closed, everyone has voted. Pizza?: yes 1, no 1",
    "Bob @ Team: /vote Tacos?",
    "bot @ Team: Tacos? (2 s to vote) [Yes][No]",
  ], lines.join("\n"));
});
