import assert from "node:assert/strict";
import { Api, defaults, isIdempotent, localFile, retryTransformer, throttle } from "../api/mod.ts";
import {
  BadHTTPResponse,
  BadInput,
  NetworkError,
  TelegramError,
  TooManyRequestsError,
} from "../exception/mod.ts";
import { closedPort, fail, html, WireServer } from "./support/wire_server.ts";

const TOKEN = "555:RETRY-token";
const flood = () => fail(429, "Too Many Requests: retry after 1", { retry_after: 1 });

async function withServer(fn: (server: WireServer) => Promise<void>): Promise<void> {
  const server = WireServer.start();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

Deno.test("without the retry option a 429 is thrown at once", async () => {
  await withServer(async (server) => {
    server.on("sendMessage", flood, () => ({ message_id: 1 }));
    const api = new Api(TOKEN, { apiRoot: server.url });
    await assert.rejects(
      api.sendMessage(1, "x"),
      (e) => e instanceof TooManyRequestsError && e.retryAfter === 1,
    );
    assert.equal(server.calls("sendMessage").length, 1);
  });
});

Deno.test("with retry a 429 waits retry_after and repeats even a non-idempotent method", async () => {
  await withServer(async (server) => {
    server.on("sendMessage", flood, (r) => ({ message_id: 2, text: r.json?.text }));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: true });
    const result = await api.sendMessage(1, "again") as unknown as { message_id: number; text: string };
    assert.deepEqual(result, { message_id: 2, text: "again" });
    const calls = server.calls("sendMessage");
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[1].json, calls[0].json);
  });
});

Deno.test("a repeated multipart call re-sends in-memory and local files intact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "local content");
    await withServer(async (server) => {
      server.on("sendMediaGroup", flood, () => []);
      const api = new Api(TOKEN, { apiRoot: server.url, retry: { maxRetryAfter: 5 } });
      await api.call("sendMediaGroup", {
        chat_id: 1,
        media: [
          { type: "document", media: new Uint8Array([1, 2, 3]) },
          { type: "document", media: localFile(`${dir}/a.txt`) },
        ],
      });
      const [first, second] = server.calls("sendMediaGroup");
      assert.deepEqual(second.fields, first.fields);
      assert.deepEqual(second.files.file0.bytes, new Uint8Array([1, 2, 3]));
      assert.equal(new TextDecoder().decode(second.files.file1.bytes), "local content");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a call uploading a one-shot stream is never repeated", async () => {
  await withServer(async (server) => {
    server.on("sendDocument", flood, () => ({ message_id: 3 }));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: true });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(4));
        c.close();
      },
    });
    await assert.rejects(api.call("sendDocument", { chat_id: 1, document: stream }), TooManyRequestsError);
    assert.equal(server.calls("sendDocument").length, 1);
  });
});

Deno.test("a one-shot stream is not sent again when a transformer copies the parameters for each attempt (defaults, throttle)", async () => {
  for (const setUp of ["retry, defaults", "throttle, defaults"]) {
    await withServer(async (server) => {
      server.on("sendDocument", flood, () => ({ message_id: 3 }));
      const api = new Api(TOKEN, { apiRoot: server.url, retry: setUp.startsWith("retry") });
      if (setUp.startsWith("throttle")) api.transformers.use(throttle());
      api.transformers.use(defaults({ protect_content: true }));
      const document = new Blob([new Uint8Array(1_000).fill(65)]).stream();
      await assert.rejects(api.call("sendDocument", { chat_id: 1, document }), TooManyRequestsError, setUp);
      assert.deepEqual(server.calls("sendDocument").map((c) => c.files.document?.size), [1_000], setUp);
    });
  }
});

Deno.test("waits beyond what setTimeout keeps (24.8 days) are waited, not over at once", async () => {
  await withServer(async (server) => {
    const month = 3_000_000;
    server.on(
      "sendMessage",
      () => fail(429, `Too Many Requests: retry after ${month}`, { retry_after: month }),
    );
    server.on("getMe", async () => {
      await new Promise((r) => setTimeout(r, 100));
      return { id: 1, is_bot: true, first_name: "B" };
    });
    const api = new Api(TOKEN, { apiRoot: server.url, retry: { maxRetryAfter: 2 * month }, timeout: month });
    assert.equal((await api.getMe()).id, 1, "a month's timeout does not end a call of 100 ms");
    const waiting = api.call("sendMessage", { chat_id: 1, text: "x" }, { signal: AbortSignal.timeout(300) });
    await assert.rejects(waiting, (e) => e instanceof DOMException && e.name === "TimeoutError");
    assert.equal(server.calls("sendMessage").length, 1, "the month's flood wait was not cut short");
  });
});

Deno.test("a flood wait above maxRetryAfter is thrown instead of waited", async () => {
  await withServer(async (server) => {
    server.on("sendMessage", () => fail(429, "Too Many Requests: retry after 600", { retry_after: 600 }));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: { maxRetryAfter: 30 } });
    await assert.rejects(
      api.sendMessage(1, "x"),
      (e) => e instanceof TooManyRequestsError && e.retryAfter === 600,
    );
    assert.equal(server.calls("sendMessage").length, 1);
  });
});

Deno.test("a call's timeout covers its retries: a flood wait that would outlast it is thrown", async () => {
  await withServer(async (server) => {
    const longWait = () => fail(429, "Too Many Requests: retry after 3", { retry_after: 3 });
    server.on("sendMessage", longWait, () => ({ message_id: 1 }), flood, () => ({ message_id: 2 }));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: true });
    await assert.rejects(
      api.sendMessage(1, "x", {}, { timeout: 1 }),
      (e) => e instanceof TooManyRequestsError && e.retryAfter === 3,
    );
    assert.equal(server.calls("sendMessage").length, 1, "not repeated after its time was up");
    await api.sendMessage(1, "y"); // the server's next answer, so that the 1 s flood comes next
    const sent = await api.sendMessage(1, "z", {}, { timeout: 5 });
    assert.equal((sent as { message_id: number }).message_id, 2, "a wait within the timeout is waited");
  });
});

Deno.test("5xx answers are repeated for get… methods only, up to maxAttempts", async () => {
  await withServer(async (server) => {
    server.on("getChat", () => html(502, "<html>Bad Gateway</html>"), () => ({ id: 9 }));
    server.on("getMe", () => fail(500, "Internal Server Error"));
    server.on("sendMessage", () => html(502, "<html>Bad Gateway</html>"));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: { backoff: 0.01, maxAttempts: 3 } });
    assert.deepEqual(await api.call("getChat", { chat_id: 9 }), { id: 9 });
    assert.equal(server.calls("getChat").length, 2);
    await assert.rejects(api.getMe(), (e) => e instanceof TelegramError && e.errorCode === 500);
    assert.equal(server.calls("getMe").length, 3);
    await assert.rejects(api.sendMessage(1, "x"), BadHTTPResponse);
    assert.equal(server.calls("sendMessage").length, 1);
  });
});

Deno.test("a custom idempotent rule decides which methods repeat after a 5xx", async () => {
  await withServer(async (server) => {
    server.on("setMyCommands", () => fail(502, "Bad Gateway"), () => true);
    const api = new Api(TOKEN, {
      apiRoot: server.url,
      retry: { backoff: 0.01, idempotent: (m) => m.startsWith("get") || m.startsWith("set") },
    });
    assert.equal(await api.setMyCommands([]), true);
    assert.equal(server.calls("setMyCommands").length, 2);
  });
});

Deno.test("network errors are repeated for idempotent methods and then thrown", async () => {
  const seen: string[] = [];
  const api = new Api(TOKEN, {
    apiRoot: `http://127.0.0.1:${closedPort()}`,
    retry: { backoff: 0.01, maxAttempts: 2 },
    fetch: (input, init) => {
      seen.push(new URL(String(input)).pathname.split("/").pop() ?? "");
      return fetch(input, init);
    },
  });
  await assert.rejects(api.getMe(), NetworkError);
  await assert.rejects(api.sendMessage(1, "x"), NetworkError);
  assert.deepEqual(seen, ["getMe", "getMe", "sendMessage"]);
});

Deno.test("aborting during a retry wait stops at once with the signal's reason", async () => {
  await withServer(async (server) => {
    server.on("sendMessage", () => fail(429, "Too Many Requests: retry after 30", { retry_after: 30 }));
    const api = new Api(TOKEN, { apiRoot: server.url, retry: true });
    const controller = new AbortController();
    const pending = api.call("sendMessage", { chat_id: 1, text: "x" }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await assert.rejects(pending, (e) => e instanceof Error && e.message === "stop");
    assert.equal(server.calls("sendMessage").length, 1);
  });
});

Deno.test("isIdempotent: only read-only get… methods", () => {
  assert.deepEqual(
    ["getMe", "getUpdates", "getChat", "sendMessage", "answerCallbackQuery", "deleteMessage", "setWebhook"]
      .map(isIdempotent),
    [true, true, true, false, false, false, false],
  );
});

Deno.test("isIdempotent, retryTransformer and Api's retry option refuse what is not a method name or retry options, at the call", () => {
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const none = (value: unknown) => value as never;
  assert.throws(() => isIdempotent(none(5)), badInput("method"));
  assert.throws(() => isIdempotent(none(null)), badInput("method"));
  for (const options of [null, false, "x", 5, []]) {
    assert.throws(() => retryTransformer(none(options)), badInput("options.retry"), String(options));
  }
  assert.throws(() => new Api("123:abc", { retry: none(null) }), badInput("options.retry"));
  assert.equal(typeof retryTransformer(), "function");
  assert.equal(typeof retryTransformer(true), "function");
});
