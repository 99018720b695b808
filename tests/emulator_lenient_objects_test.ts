import assert from "node:assert/strict";
import { BotApiEmulator, type EmulatorWarning } from "../testing/mod.ts";
import { call } from "./emulator_helpers.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";

// A JSON body's non-string fields reach the real server as their JSON text, so an object or an array where
// an Integer or a Boolean belongs reads as to_integer/to_bool of that text. Parameter objects have no
// prototype and may carry keys such as `toString`: reading them must never be an internal error.
const HOSTILE = { toString: "<b>x</b>", __defineGetter__: "x", text: 1e308 };

Deno.test("lenient: objects and arrays where integers and booleans belong read as their JSON text, never a 500", async () => {
  using consoleErrors = recordConsoleErrors();
  const seen: EmulatorWarning[] = [];
  await using emu = await BotApiEmulator.start({ onWarning: (w) => seen.push(w) });
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const sent = await call(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "hi",
    disable_notification: HOSTILE,
    protect_content: [1, { toString: 2 }],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.result.has_protected_content, undefined);
  assert.deepEqual(seen.map((w) => [w.parameter, w.message]), [
    ["disable_notification", `${JSON.stringify(HOSTILE)} read as false`],
    ["protect_content", `[1,{"toString":2}] read as false`],
  ]);

  const limited = await call(emu.apiRoot, bot.token, "getUpdates", { timeout: 0, limit: HOSTILE });
  assert.equal(limited.status, 200, JSON.stringify(limited.body));
  assert.equal(seen.at(-1)?.message, `${JSON.stringify(HOSTILE)} read as the integer 0`);

  const refused = await call(emu.apiRoot, bot.token, "forwardMessages", {
    chat_id: alice.id,
    from_chat_id: alice.id,
    message_ids: "__proto__",
    protect_content: { valueOf: 1 },
  });
  assert.equal(refused.status, 400);
  assert.match(refused.body.description, /^Bad Request: /);
  assert.deepEqual(consoleErrors.calls, [], "no internal error");

  await using strict = await BotApiEmulator.start({ strict: true });
  const strictBot = strict.createBot({ username: "strict_bot" });
  const strictAlice = strict.createUser({ first_name: "Alice", startedBots: [strictBot] });
  const wrong = await call(strict.apiRoot, strictBot.token, "sendMessage", {
    chat_id: strictAlice.id,
    text: "hi",
    disable_notification: HOSTILE,
  });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body.description, /^Bad Request: .*disable_notification/);
});
