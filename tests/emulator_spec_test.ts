import assert from "node:assert/strict";
import { METHODS, TYPES } from "../api/spec.gen.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { plausible } from "../testing/plausible.ts";
import { SpecValidator } from "../testing/validate.ts";
import { call } from "./emulator_helpers.ts";

Deno.test("every spec method: missing required parameters are a 400; a well-formed call never crashes and answers its return type", async () => {
  const checker = new SpecValidator(METHODS, TYPES);
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "spec_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const own = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "target" });
  const ids: Record<string, unknown> = {
    chat_id: alice.id,
    from_chat_id: alice.id,
    user_id: alice.id,
    message_id: own.body.result.message_id,
    message_ids: [own.body.result.message_id],
    business_connection_id: emu.connectBusiness(alice, bot, { stars: 1000 }).id,
  };
  const outcomes = new Map<number, number>();
  for (const spec of Object.values(METHODS)) {
    if (spec.name === "close" || spec.name === "logOut") continue;
    const required = spec.params.filter((p) => p.required);
    // setWebhook without a url removes the webhook, as Client.cpp do_set_webhook does with an empty url.
    if (required.length > 0 && spec.name !== "setWebhook") {
      const missing = await call(emu.apiRoot, bot.token, spec.name, {});
      assert.equal(missing.status, 400, `${spec.name} without parameters`);
      assert.match(missing.body.description, /^Bad Request: /);
    }
    const params: Record<string, unknown> = {};
    for (const p of required) {
      const type = p.types[0];
      params[p.name] = ids[p.name]
        ?? (type === "InputFile"
          ? "https://example.test/file.bin"
          : type === "Integer"
          ? 1
          : plausible(TYPES, type));
    }
    if (spec.name === "getUpdates") params.timeout = 0;
    const answer = await call(emu.apiRoot, bot.token, spec.name, params);
    assert.notEqual(answer.status, 500, `${spec.name}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.ok, "boolean", spec.name);
    if (!answer.body.ok) {
      assert.match(answer.body.description, /^(Bad Request|Forbidden|Not Found|Conflict): /, spec.name);
    } else {
      assert.ok(
        spec.returns.some((type) => checker.fits(type, answer.body.result)),
        `${spec.name} answers ${spec.returns.join(" or ")}: ${JSON.stringify(answer.body.result)}`,
      );
    }
    outcomes.set(answer.status, (outcomes.get(answer.status) ?? 0) + 1);
  }
  // Modelled methods refuse filler values that name nothing existing (sticker sets, stories, topics), so only
  // a share of these calls can succeed; what matters is that none crashed and every answer is well-formed.
  assert.ok((outcomes.get(200) ?? 0) > Object.keys(METHODS).length / 3, JSON.stringify([...outcomes]));
});

Deno.test("editMessageChecklist edits the bot's checklist message instead of sending a new one", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "spec_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const checklist = { title: "Chores", tasks: [{ id: 1, text: "Dishes" }] };
  const business = emu.connectBusiness(alice, bot).id;
  const sent = await call(emu.apiRoot, bot.token, "sendChecklist", {
    business_connection_id: business,
    chat_id: alice.id,
    checklist,
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const edited = await call(emu.apiRoot, bot.token, "editMessageChecklist", {
    business_connection_id: business,
    chat_id: alice.id,
    message_id: sent.body.result.message_id,
    checklist: { ...checklist, title: "Chores!" },
  });
  assert.equal(edited.body.result.message_id, sent.body.result.message_id);
  assert.equal(edited.body.result.checklist.title, "Chores!");
  assert.equal(emu.transcript(alice.id).length, 1);
  assert.equal((await emu.nextBotEdit(alice.id)).checklist?.title, "Chores!");
});
