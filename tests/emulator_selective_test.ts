// Whom a `selective` reply keyboard is for: the users the message mentions, read from the entities the
// message is sent with (after parse_mode, so an inline tg://user?id= mention counts and an @name inside code
// or an e-mail address does not), and the sender of the message it replies to. The web UI shows the
// keyboard to exactly these users (tests/web_ui_test.ts); here the world's `keyboard` change is read.
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("a selective keyboard is for the users the sent message mentions and the sender replied to", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "pick_bot" });
  const alice = emu.createUser({ first_name: "Alice", username: "alice" });
  const bob = emu.createUser({ first_name: "Bob" }); // no username: only an inline mention reaches him
  const carol = emu.createUser({ first_name: "Carol", username: "carol" });
  const group = emu.createGroup({ title: "Team", members: [alice, bob, carol], bots: [bot] });
  let targets: readonly number[] | undefined;
  const stop = emu.world.watch((change) => {
    if (change.kind === "keyboard") targets = change.users;
  });
  const sendFor = async (method: string, params: Record<string, unknown>) => {
    targets = undefined;
    await ok<Any>(emu.apiRoot, bot.token, method, {
      chat_id: group.id,
      reply_markup: { keyboard: [["X"]], selective: true },
      ...params,
    });
    assert.ok(targets !== undefined, "a selective keyboard names its users");
    return [...targets].sort();
  };
  try {
    const link = `tg://user?id=${bob.id}`;
    assert.deepEqual(
      await sendFor("sendMessage", { text: `<a href="${link}">Bob</a>, pick`, parse_mode: "HTML" }),
      [
        bob.id,
      ],
    );
    assert.deepEqual(
      await sendFor("sendMessage", { text: `[Bob](${link}), pick`, parse_mode: "MarkdownV2" }),
      [
        bob.id,
      ],
    );
    assert.deepEqual(await sendFor("sendMessage", { text: `[Bob](${link}), pick`, parse_mode: "Markdown" }), [
      bob.id,
    ]);
    assert.deepEqual(
      await sendFor("sendPhoto", {
        photo: "https://x.test/p.jpg",
        caption: `[Bob](${link}), pick`,
        parse_mode: "Markdown",
      }),
      [bob.id],
    );
    // A username in any case; the one shown as code is no mention.
    assert.deepEqual(
      await sendFor("sendMessage", { text: "@Alice, not `@carol`", parse_mode: "MarkdownV2" }),
      [alice.id],
    );
    assert.deepEqual(await sendFor("sendMessage", { text: "<pre>@carol</pre>", parse_mode: "HTML" }), []);
    // Nor does an e-mail address or a URL, whatever follows their @.
    assert.deepEqual(await sendFor("sendMessage", { text: "mail bob@alice.example" }), []);
    assert.deepEqual(await sendFor("sendMessage", { text: "see https://x.test/@alice" }), []);
    // The sender of the message replied to, besides those mentioned.
    const asked = await carol.sendText(group.id, "which one?", {});
    assert.deepEqual(
      await sendFor("sendMessage", {
        text: "@alice knows",
        reply_parameters: { message_id: asked.message_id },
      }),
      [alice.id, carol.id].sort(),
    );
  } finally {
    stop();
  }
});
