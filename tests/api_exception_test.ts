import assert from "node:assert/strict";
import {
  BadFlavor,
  BadHTTPResponse,
  BadInput,
  BotWasBlockedError,
  BotWasKickedError,
  ConflictError,
  EventNotFound,
  IdleTerminate,
  MigratedToSupergroupChatError,
  NetworkError,
  NotEnoughRightsError,
  registeredTelegramErrors,
  registerTelegramError,
  RequestTimeout,
  StopListening,
  TelegramError,
  type TelegramErrorClass,
  telegramErrorFrom,
  TelepotException,
  TooManyRequestsError,
  UnauthorizedError,
  WaitTooLong,
} from "../exception/mod.ts";

const cases: [string, number, TelegramErrorClass][] = [
  ["Unauthorized", 401, UnauthorizedError],
  ["Forbidden: bot was kicked from the group chat", 403, BotWasKickedError],
  ["Forbidden: bot was blocked by the user", 403, BotWasBlockedError],
  ["Too Many Requests: retry after 7", 429, TooManyRequestsError],
  ["Bad Request: group chat was upgraded to a supergroup chat", 400, MigratedToSupergroupChatError],
  ["Bad Request: not enough rights to send text messages to the chat", 400, NotEnoughRightsError],
  ["Bad Request: CHAT_ADMIN_REQUIRED", 400, NotEnoughRightsError],
  ["Bad Request: chat not found", 400, TelegramError],
];

Deno.test("telegramErrorFrom picks the subclass whose DESCRIPTION_PATTERNS match", () => {
  for (const [description, code, expected] of cases) {
    const json = { ok: false, error_code: code, description };
    const error = telegramErrorFrom(json, "sendMessage", { chat_id: 1 });
    assert.equal(error.constructor, expected, description);
    assert.ok(error instanceof TelegramError && error instanceof TelepotException && error instanceof Error);
    assert.equal(error.description, description);
    assert.equal(error.errorCode, code);
    assert.equal(error.json, json);
    assert.equal(error.method, "sendMessage");
    assert.deepEqual(error.params, { chat_id: 1 });
    assert.equal(error.name, expected.name);
    assert.equal(error.message, `sendMessage: ${description} (${code})`);
  }
});

Deno.test("TooManyRequestsError.retryAfter prefers parameters, falls back to the description", () => {
  const withParams = telegramErrorFrom({
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 7",
    parameters: { retry_after: 3 },
  }) as TooManyRequestsError;
  assert.equal(withParams.retryAfter, 3);
  assert.deepEqual(withParams.parameters, { retry_after: 3 });
  const textOnly = telegramErrorFrom({
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 7",
  });
  assert.equal((textOnly as TooManyRequestsError).retryAfter, 7);
});

Deno.test("MigratedToSupergroupChatError exposes migrateToChatId", () => {
  const error = telegramErrorFrom({
    ok: false,
    error_code: 400,
    description: "Bad Request: group chat was upgraded to a supergroup chat",
    parameters: { migrate_to_chat_id: -1001234 },
  });
  assert.ok(error instanceof MigratedToSupergroupChatError);
  assert.equal(error.migrateToChatId, -1001234);
});

Deno.test("a registered subclass is chosen after the built-ins (as in telepot) and can be removed again", () => {
  class MessageNotModified extends TelegramError {
    // No /i: patterns are searched case-insensitively, as telepot does.
    static override readonly DESCRIPTION_PATTERNS = [/message is not modified/];
  }
  class BlockedDifferently extends TelegramError {
    static override readonly DESCRIPTION_PATTERNS = [/blocked/gi];
  }
  const before = registeredTelegramErrors().length;
  const unregister = registerTelegramError(MessageNotModified);
  const unregister2 = registerTelegramError(BlockedDifferently);
  try {
    assert.equal(registeredTelegramErrors()[0], UnauthorizedError, "built-ins first");
    assert.equal(
      registeredTelegramErrors().at(-1),
      BlockedDifferently,
      "custom classes in registration order",
    );
    assert.throws(
      () => registerTelegramError(BotWasBlockedError),
      BadInput,
      "a built-in is registered already",
    );
    const json = { ok: false, error_code: 400, description: "Bad Request: Message is NOT modified" };
    assert.ok(telegramErrorFrom(json) instanceof MessageNotModified);
    // The built-in keeps its description even though the custom pattern matches it too.
    const blocked = { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" };
    assert.equal(telegramErrorFrom(blocked).constructor, BotWasBlockedError);
    // A /g pattern must match every time, not every other time.
    const other = { ok: false, error_code: 403, description: "Forbidden: sender blocked by a rule" };
    assert.ok(telegramErrorFrom(other) instanceof BlockedDifferently);
    assert.ok(telegramErrorFrom(other) instanceof BlockedDifferently);
  } finally {
    unregister2();
    unregister();
  }
  assert.equal(registeredTelegramErrors().length, before);
  assert.equal(
    telegramErrorFrom({ ok: false, error_code: 400, description: "message is not modified" }).constructor,
    TelegramError,
  );
});

Deno.test("registerTelegramError rejects classes it could never select", () => {
  class NoPatterns extends TelegramError {}
  assert.throws(() => registerTelegramError(NoPatterns), BadInput);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => registerTelegramError(class extends Error {} as any), BadInput);
});

Deno.test("telegramErrorFrom copes with envelopes missing fields", () => {
  const error = telegramErrorFrom({ ok: false });
  assert.equal(error.constructor, TelegramError);
  assert.equal(error.errorCode, 0);
  assert.equal(error.description, "Unknown error");
  assert.equal(error.method, undefined);
});

Deno.test("telepot's other exceptions keep their fields and names", () => {
  const offender = { foo: 1 };
  assert.equal(new BadFlavor(offender).offender, offender);
  const response = new Response(null, { status: 502 });
  const bad = new BadHTTPResponse(502, "<html>bad gateway</html>", response);
  assert.deepEqual([bad.status, bad.text, bad.response, bad.name], [
    502,
    "<html>bad gateway</html>",
    response,
    "BadHTTPResponse",
  ]);
  assert.equal(new EventNotFound("e").event, "e");
  assert.equal(new WaitTooLong(5).seconds, 5);
  const idle = new IdleTerminate(9);
  assert.ok(idle instanceof WaitTooLong);
  assert.equal(idle.seconds, 9);
  assert.equal(idle.name, "IdleTerminate");
  assert.ok(new StopListening() instanceof TelepotException);
  const timeout = new RequestTimeout("getMe", 2);
  assert.ok(timeout instanceof NetworkError);
  assert.deepEqual([timeout.method, timeout.seconds], ["getMe", 2]);
  const input = new BadInput("options.timeout", "a positive number of seconds");
  assert.equal(input.message, "Bad options.timeout: expected a positive number of seconds");
});

Deno.test("JSON.stringify of an error shows name, message and fields", () => {
  const error = telegramErrorFrom(
    { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    "sendMessage",
    { chat_id: 5, text: "hi" },
  );
  const json = JSON.parse(JSON.stringify(error));
  assert.equal(json.name, "BotWasBlockedError");
  assert.equal(json.message, "sendMessage: Forbidden: bot was blocked by the user (403)");
  assert.equal(json.errorCode, 403);
  assert.deepEqual(json.params, { chat_id: 5, text: "hi" });
  const network = new NetworkError("getMe", "getMe: refused", { cause: new Error("inner") });
  assert.deepEqual(JSON.parse(JSON.stringify(network)).cause, { name: "Error", message: "inner" });
});

Deno.test("a 409 Conflict becomes a ConflictError that tells a webhook from another poller", () => {
  const webhook = telegramErrorFrom({
    ok: false,
    error_code: 409,
    description:
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  });
  assert.ok(webhook instanceof ConflictError);
  assert.ok(webhook.webhookActive);
  const poller = telegramErrorFrom({
    ok: false,
    error_code: 409,
    description:
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  });
  assert.ok(poller instanceof ConflictError);
  assert.ok(!poller.webhookActive);
});

Deno.test("telegramErrorFrom refuses an envelope that is no object with a BadInput", () => {
  for (const json of [null, undefined, "Bad Request", 400]) {
    assert.throws(
      () => telegramErrorFrom(json as never),
      (e: unknown) => e instanceof BadInput && e.argument === "json",
    );
  }
  assert.ok(
    telegramErrorFrom({ ok: false, error_code: 400, description: "Bad Request" }) instanceof TelegramError,
  );
});
