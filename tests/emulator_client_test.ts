import assert from "node:assert/strict";
import { Api } from "../api/client.ts";
import {
  BotWasBlockedError,
  NotEnoughRightsError,
  TelegramError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../exception/mod.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("our Api client against the emulator: calls, MsgIdentifier edits and typed errors", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "client_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(handle.token, { apiRoot: emu.apiRoot });

  const me: Any = await api.getMe();
  assert.equal(me.username, "client_bot");
  await alice.sendText(alice.id, "/start");
  const updates: Any[] = await api.getUpdates({ timeout: 1 });
  assert.equal(updates[0].message.text, "/start");

  const sent: Any = await api.sendMessage(alice.id, "draft", {
    reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] },
  });
  const edited: Any = await api.editMessageText([alice.id, sent.message_id], "final");
  assert.equal(edited.text, "final");
  assert.equal(await api.deleteMessage([alice.id, sent.message_id]), true);
  assert.equal(emu.message(alice.id, sent.message_id), undefined);

  const notFound = await api.sendMessage(123, "x").catch((e) => e);
  assert.ok(notFound instanceof TelegramError);
  assert.equal(notFound.errorCode, 400);
  assert.equal(notFound.description, "Bad Request: chat not found");

  const group = emu.createGroup({ title: "G", members: [alice], bots: [handle], botStatus: "member" });
  await assert.rejects(api.banChatMember(group.id, alice.id), NotEnoughRightsError);

  emu.injectFault({ method: "sendMessage", error: tooManyRequests(7) });
  const limited = await api.sendMessage(alice.id, "x").catch((e) => e);
  assert.ok(limited instanceof TooManyRequestsError);
  assert.equal(limited.retryAfter, 7);

  alice.block(handle);
  await assert.rejects(api.sendMessage(alice.id, "x"), BotWasBlockedError);

  const stranger = new Api("1:unknown", { apiRoot: emu.apiRoot });
  await assert.rejects(stranger.getMe(), UnauthorizedError);
});

Deno.test("our Api client in test-environment mode reaches the emulator under /bot<token>/test/", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "test_env_bot" });
  const api = new Api(handle.token, { apiRoot: emu.apiRoot, testEnvironment: true });
  const me: Any = await api.getMe();
  assert.equal(me.id, handle.id);
});

Deno.test("our Api client with retry rides out the emulator's flood control", async () => {
  await using emu = await BotApiEmulator.start({ flood: { perChatPerSecond: 2 } });
  const handle = emu.createBot({ username: "flooded_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(handle.token, { apiRoot: emu.apiRoot, retry: true });
  for (const text of ["one", "two", "three"]) await api.sendMessage(alice.id, text);
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["one", "two", "three"]);
});
