import assert from "node:assert/strict";
import { Api } from "../api/mod.ts";
import {
  AnswerTooLarge,
  BadHTTPResponse,
  BotWasBlockedError,
  BotWasKickedError,
  MigratedToSupergroupChatError,
  NetworkError,
  NotEnoughRightsError,
  RequestTimeout,
  TelegramError,
  TooManyRequestsError,
  UnauthorizedError,
  UnexpectedRedirect,
} from "../exception/mod.ts";
import { withWireApi } from "./support/wire_api.ts";
import { closedPort, fail, html, WireServer } from "./support/wire_server.ts";

const TOKEN = "987654:SECRET-token_xyz";

/** Every place the token could leak from an error: message, stack, JSON, and the cause chain. */
function assertTokenFree(error: unknown): void {
  const views: string[] = [String(error), JSON.stringify(error), Deno.inspect(error, { depth: 20 })];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    views.push(current.message, current.stack ?? "", String(current));
    current = current.cause;
  }
  for (const view of views) assert.ok(!view.includes(TOKEN), `token leaked in: ${view}`);
  assert.ok(!views.join("").includes(encodeURIComponent(TOKEN)));
}

function withServer(fn: (server: WireServer, api: Api) => Promise<void>): Promise<void> {
  return withWireApi(TOKEN, fn);
}

const refusals: [number, string, Record<string, unknown> | undefined, typeof TelegramError][] = [
  [401, "Unauthorized", undefined, UnauthorizedError],
  [403, "Forbidden: bot was kicked from the supergroup chat", undefined, BotWasKickedError],
  [403, "Forbidden: bot was blocked by the user", undefined, BotWasBlockedError],
  [429, "Too Many Requests: retry after 3", { retry_after: 3 }, TooManyRequestsError],
  [
    400,
    "Bad Request: group chat was upgraded to a supergroup chat",
    { migrate_to_chat_id: -100777 },
    MigratedToSupergroupChatError,
  ],
  [400, "Bad Request: not enough rights to send photos to the chat", undefined, NotEnoughRightsError],
  [400, "Bad Request: message text is empty", undefined, TelegramError],
];

Deno.test("each Telegram refusal over the wire becomes its TelegramError subclass", async () => {
  await withServer(async (server, api) => {
    for (const [code, description, parameters, expected] of refusals) {
      server.on("sendMessage", () => fail(code, description, parameters));
      const error = await api.sendMessage(77, "hi").then(() => undefined, (e) => e);
      assert.equal(error?.constructor, expected, description);
      assert.equal(error.errorCode, code);
      assert.equal(error.description, description);
      assert.equal(error.method, "sendMessage");
      assert.deepEqual(error.params, { chat_id: 77, text: "hi" });
      assert.deepEqual(error.parameters, parameters);
      assert.deepEqual(error.json, {
        ok: false,
        error_code: code,
        description,
        ...(parameters ? { parameters } : {}),
      });
      assertTokenFree(error);
    }
  });
});

Deno.test("TooManyRequestsError and MigratedToSupergroupChatError carry their recovery hints", async () => {
  await withServer(async (server, api) => {
    server.on(
      "sendMessage",
      () => fail(429, "Too Many Requests: retry after 3", { retry_after: 3 }),
      () =>
        fail(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -5 }),
    );
    await assert.rejects(
      api.sendMessage(1, "x"),
      (e) => e instanceof TooManyRequestsError && e.retryAfter === 3,
    );
    await assert.rejects(
      api.sendMessage(1, "x"),
      (e) => e instanceof MigratedToSupergroupChatError && e.migrateToChatId === -5,
    );
  });
});

Deno.test("recorded params hide the token (e.g. in a webhook URL) and file contents", async () => {
  await withServer(async (server, api) => {
    server.on("setWebhook", () => fail(400, "Bad Request: bad webhook"));
    server.on("sendDocument", () => fail(400, "Bad Request: wrong file"));
    const webhook = await api.setWebhook(`https://example.com/hook/${TOKEN}`).catch((e) => e);
    assert.equal(webhook.params.url, "https://example.com/hook/<token>");
    assertTokenFree(webhook);
    const upload = await api.call("sendDocument", { chat_id: 1, document: ["a.txt", new Uint8Array(10)] })
      .catch((e) => e as TelegramError);
    assert.ok(upload instanceof TelegramError);
    assert.equal(upload.params?.document, "<file a.txt>");
  });
});

Deno.test("a refusal whose description echoes the token, raw or percent-encoded, is token-free", async () => {
  await withServer(async (server, api) => {
    for (const echoed of [TOKEN, encodeURIComponent(TOKEN)]) {
      server.on("getMe", () => fail(400, `Bad Request: no bot ${echoed} here`));
      const error = await api.getMe().catch((e) => e);
      assert.ok(error instanceof TelegramError);
      assert.equal(error.description, "Bad Request: no bot <token> here");
      assertTokenFree(error);
    }
  });
});

Deno.test("an HTML answer is BadHTTPResponse with status, text and a URL-free response", async () => {
  await withServer(async (server, api) => {
    server.on("getMe", () => html(502, `<html><body>Bad Gateway for /bot${TOKEN}/getMe</body></html>`));
    const error = await api.getMe().catch((e) => e);
    assert.ok(error instanceof BadHTTPResponse);
    assert.equal(error.status, 502);
    assert.equal(error.text, "<html><body>Bad Gateway for /bot<token>/getMe</body></html>");
    assert.equal(error.response?.status, 502);
    assert.equal(error.response?.headers.get("content-type"), "text/html");
    assert.equal(error.response?.url, "");
    assertTokenFree(error);
  });
});

Deno.test("JSON that is not the Bot API envelope is BadHTTPResponse too", async () => {
  await withServer(async (server, api) => {
    server.on("getMe", () => Response.json({ hello: "world" }));
    server.on("getChat", () => Response.json([1, 2]));
    await assert.rejects(api.getMe(), (e) => e instanceof BadHTTPResponse && e.status === 200);
    await assert.rejects(api.call("getChat", { chat_id: 1 }), BadHTTPResponse);
  });
});

Deno.test("a refused connection is a token-free NetworkError with a token-free cause", async () => {
  const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${closedPort()}` });
  const error = await api.getMe().catch((e) => e);
  assert.ok(error instanceof NetworkError);
  assert.equal(error.method, "getMe");
  assert.ok(error.cause instanceof Error, "the underlying error is kept as cause");
  assert.ok(String(error.stack).includes("getMe"));
  assert.ok(Deno.inspect(error, { depth: 20 }).includes("<token>"), "the cause still shows where it failed");
  assertTokenFree(error);
});

Deno.test("a request that outlives its timeout is RequestTimeout", async () => {
  await withServer(async (server) => {
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    server.on("getMe", async () => {
      await released;
      return true;
    });
    const api = new Api(TOKEN, { apiRoot: server.url, timeout: 0.1 });
    const error = await api.getMe().catch((e) => e);
    const perCall = await new Api(TOKEN, { apiRoot: server.url }).call("getMe", {}, { timeout: 0.05 }).catch((
      e,
    ) => e);
    release();
    assert.ok(error instanceof RequestTimeout);
    assert.ok(error instanceof NetworkError);
    assert.equal(error.seconds, 0.1);
    assertTokenFree(error);
    assert.ok(perCall instanceof RequestTimeout);
    assert.equal(perCall.seconds, 0.05);
  });
});

Deno.test("getUpdates' long-polling timeout is added to the client timeout", async () => {
  await withServer(async (server) => {
    server.on("getUpdates", async () => {
      await new Promise((r) => setTimeout(r, 400));
      return [];
    });
    const api = new Api(TOKEN, { apiRoot: server.url, timeout: 0.1 });
    assert.deepEqual(await api.getUpdates({ timeout: 2 }), []);
    await assert.rejects(api.getUpdates(), RequestTimeout);
  });
});

Deno.test("aborting a call's signal rejects with the signal's reason", async () => {
  await withServer(async (server) => {
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    server.on("getMe", async () => {
      await released;
      return true;
    });
    const api = new Api(TOKEN, { apiRoot: server.url, timeout: 30 });
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const pending = api.call("getMe", {}, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(pending, (e) => e === reason);
    const clientLevel = new AbortController();
    const api2 = new Api(TOKEN, { apiRoot: server.url, signal: clientLevel.signal });
    const pending2 = api2.getMe();
    setTimeout(() => clientLevel.abort(), 20);
    await assert.rejects(pending2, (e) => e instanceof DOMException && e.name === "AbortError");
    await assert.rejects(api2.getMe(), (e) => e instanceof DOMException && e.name === "AbortError");
    release();
  });
});

// What each transport-level failure of one call looks like: the method and the redacted parameters are
// on the error, whichever class it is, and the message names the method.
async function callFailure(
  transport: "fetch" | "pool",
  answer: (server: WireServer) => void,
  options: { maxAnswerSize?: number; timeout?: number; apiRoot?: string } = {},
  call: (api: Api) => Promise<unknown> = (api) =>
    api.call("sendMessage", { chat_id: 77, text: "hi", link: `https://example.com/hook/${TOKEN}` }),
): Promise<unknown> {
  const server = WireServer.start();
  let release: () => void = () => {};
  try {
    answer(server);
    const api = new Api(TOKEN, { apiRoot: options.apiRoot ?? server.url, ...options });
    if (transport === "pool") release = api.keepConnections();
    return await call(api).then(() => assert.fail("the call should have failed"), (e) => e);
  } finally {
    release();
    await server.close();
  }
}

function assertCallContext(error: unknown, method: string, params: Record<string, unknown>): void {
  assert.ok(error instanceof Error);
  const context = error as { method?: string; params?: Record<string, unknown> };
  assert.equal(context.method, method, `${error.name} carries the method`);
  assert.deepEqual(context.params, params, `${error.name} carries the redacted params`);
  assert.ok(error.message.startsWith(method), `${error.name}'s message names the method: ${error.message}`);
  assert.deepEqual(JSON.parse(JSON.stringify(error)).params, params, "the JSON view shows them too");
  assertTokenFree(error);
}

const SENT = { chat_id: 77, text: "hi", link: "https://example.com/hook/<token>" };

for (const transport of ["fetch", "pool"] as const) {
  Deno.test(`call context (${transport}): a gateway's HTML page during sendMessage names the call`, async () => {
    const error = await callFailure(transport, (server) => {
      server.on("sendMessage", () => html(502, "<html>Bad Gateway</html>"));
    });
    assert.ok(error instanceof BadHTTPResponse);
    assert.equal(error.status, 502);
    assertCallContext(error, "sendMessage", SENT);
  });

  Deno.test(`call context (${transport}): a redirect names the call`, async () => {
    const error = await callFailure(transport, (server) => {
      server.on("sendMessage", () => new Response(null, { status: 302, headers: { location: "http://x/" } }));
    });
    assert.ok(error instanceof UnexpectedRedirect);
    assertCallContext(error, "sendMessage", SENT);
  });

  Deno.test(`call context (${transport}): an answer over maxAnswerSize names the call`, async () => {
    const error = await callFailure(transport, (server) => {
      server.on("sendMessage", () => "x".repeat(5000));
    }, { maxAnswerSize: 1000 });
    assert.ok(error instanceof AnswerTooLarge);
    assertCallContext(error, "sendMessage", SENT);
  });

  Deno.test(`call context (${transport}): a refused connection and a timeout name the call`, async () => {
    const refused = await callFailure(transport, () => {}, { apiRoot: `http://127.0.0.1:${closedPort()}` });
    assert.ok(refused instanceof NetworkError);
    assertCallContext(refused, "sendMessage", SENT);
    // Answers after the timeout has run out (the server's shutdown waits for the answer).
    const timedOut = await callFailure(transport, (server) => {
      server.on("sendMessage", async () => {
        await new Promise((r) => setTimeout(r, 300));
        return true;
      });
    }, { timeout: 0.1 });
    assert.ok(timedOut instanceof RequestTimeout);
    assertCallContext(timedOut, "sendMessage", SENT);
  });
}

Deno.test("call context: an upload's failure shows the file as a placeholder, never its bytes", async () => {
  const error = await callFailure(
    "fetch",
    (server) => server.on("sendDocument", () => html(503, "<html>down</html>")),
    {},
    (api) => api.call("sendDocument", { chat_id: 1, document: ["a.txt", new Uint8Array(10)] }),
  );
  assert.ok(error instanceof BadHTTPResponse);
  assertCallContext(error, "sendDocument", { chat_id: 1, document: "<file a.txt>" });
});

Deno.test("call context: a download's HTML page names downloadFile and the file_id", async () => {
  const error = await callFailure(
    "fetch",
    (server) => {
      server.on("getFile", () => ({ file_id: "F1", file_unique_id: "u", file_path: "docs/a.txt" }));
      server.files.set("docs/a.txt", () => html(502, "<html>Bad Gateway</html>"));
    },
    {},
    (api) => api.downloadFile("F1", new WritableStream()),
  );
  assert.ok(error instanceof BadHTTPResponse);
  assertCallContext(error, "downloadFile", { file_id: "F1" });
});
