import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createOpen, DelegatorBot, paveEventSpace, perChatId } from "../delegate/mod.ts";
import { Answerer, ChatHandler, schedulerOf } from "../helper/mod.ts";
import {
  BadHTTPResponse,
  BadInput,
  Bot,
  BotWasBlockedError,
  NetworkError,
  redactText,
  RequestTimeout,
  TelegramError,
  telegramErrorFrom,
  UnauthorizedError,
  UnexpectedRedirect,
  UpdateQueue,
} from "../mod.ts";
import { until } from "./support/until.ts";
import { closedPort } from "./support/wire_server.ts";

const TOKEN = "123456:AAH-secret_Token";
/** Every spelling a URL or a log may give the token: raw, percent-encoded (either hex case), form. */
const SPELLINGS = [
  TOKEN,
  encodeURIComponent(TOKEN),
  encodeURIComponent(TOKEN).toLowerCase().replace("aah-secret_token", "AAH-secret_Token"),
  [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(""),
  // The secret part alone, which no spelling of the whole token may leave behind either.
  "AAH-secret_Token",
];

/**
 * A loopback server that does every wrong thing with the request URL (which holds the token): echoes
 * it, raw and percent-encoded, into statuses, bodies, JSON fields and keys, and headers; redirects;
 * hangs; drops the connection mid-answer. The method name (or file path) picks the behaviour.
 */
function echoServer(): { url: string; close(): Promise<void> } {
  const hang = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel().catch(() => {});
    const url = req.url;
    const encoded = encodeURIComponent(url);
    const lower = SPELLINGS[3];
    const echo = {
      "x-echo": url,
      "x-echo-encoded": encoded,
      "x-echo-lower": lower,
      "set-cookie": `s=${TOKEN}`,
    };
    const what = url.slice(url.lastIndexOf("/") + 1);
    switch (what) {
      case "e502html":
        return new Response(`<html>502 for ${url} ${encoded}</html>`, { status: 502, headers: echo });
      case "e200html":
        return new Response(`<html>${url}</html>`, { headers: { ...echo, "content-type": "text/html" } });
      case "badjson":
        return new Response(`{"ok":false,"description":"${url}`, { status: 500, headers: echo });
      case "notenvelope":
        return Response.json({ hello: url, [TOKEN]: [encoded] }, { headers: echo });
      case "redirect":
      case "redirected.bin":
        return new Response(url, {
          status: 302,
          headers: { ...echo, location: `http://evil.example${new URL(url).pathname}` },
        });
      case "redirect307":
        return new Response(null, { status: 307, headers: { ...echo, location: new URL(url).pathname } });
      case "hang":
        await hang.promise;
        return new Response(null);
      case "drop":
      case "dropped.bin":
        // A declared length beyond what is sent: the server cuts the connection mid-answer.
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array([123]));
              controller.close();
            },
          }),
          { headers: { ...echo, "content-length": "4096" } },
        );
      case "getFile": {
        // A local Bot API server keeps its files in a folder named after the token.
        if (new URL(url).pathname.startsWith("/local/")) {
          return Response.json({
            ok: true,
            result: { file_id: "f", file_unique_id: "u", file_path: `/nonexistent/${TOKEN}/documents/f.pdf` },
          });
        }
        return Response.json({
          ok: true,
          result: { file_id: "f", file_unique_id: "u", file_path: "echo404.bin" },
        });
      }
      default:
        return Response.json({
          ok: false,
          error_code: what === "e401" ? 401 : 400,
          description: `${what === "e401" ? "Unauthorized" : "Bad Request"}: ${url}`,
          url,
          nested: { list: [encoded, lower], [TOKEN]: { deeper: url } },
          parameters: { retry_after: 1, echo: url },
        }, { status: what === "e401" ? 401 : 400, headers: echo });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      hang.resolve();
      await server.shutdown();
    },
  };
}

/** Everything an error exposes, as text: message, stack, cause chain, fields, JSON and inspections. */
function views(error: unknown): string[] {
  const out = [
    String(error),
    JSON.stringify(error),
    Deno.inspect(error, { depth: 20 }),
    inspect(error, { depth: 20 }),
  ];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    out.push(current.message, current.stack ?? "", String(current), current.name);
    const fields = current as unknown as Record<string, unknown>;
    for (const key of ["json", "params", "parameters", "text", "location", "description"]) {
      if (fields[key] !== undefined) out.push(JSON.stringify(fields[key]));
    }
    const response = fields.response;
    if (response instanceof Response) {
      out.push(response.url, response.statusText, JSON.stringify([...response.headers]));
    }
    current = current.cause;
  }
  return out;
}

function assertClean(label: string, texts: string[]): void {
  for (const text of texts) {
    for (const spelling of SPELLINGS) {
      assert.ok(!text.includes(spelling), `${label}: token (${spelling}) leaked in: ${text.slice(0, 400)}`);
    }
  }
}

/** Records every console line (error, warn, log, info) as the console would print it. */
function recordConsole(): { lines: string[] } & Disposable {
  const lines: string[] = [];
  const originals = { error: console.error, warn: console.warn, log: console.log, info: console.info };
  for (const name of ["error", "warn", "log", "info"] as const) {
    console[name] = (...args: unknown[]) =>
      void lines.push(args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { depth: 20 })).join(" "));
  }
  return {
    lines,
    [Symbol.dispose]() {
      Object.assign(console, originals);
    },
  };
}

Deno.test("token leak: every kind of failure, searched in every field, JSON, inspect and the console", async (t) => {
  using consoleLines = recordConsole();
  const server = echoServer();
  const dir = await Deno.makeTempDir();
  const bot = new Bot(TOKEN, { apiRoot: server.url });
  const caught = new Map<string, unknown>();
  const expect = async <E extends Error>(
    label: string,
    promise: Promise<unknown>,
    type: new(...args: never[]) => E,
  ): Promise<E> => {
    const error = await promise.then(() => assert.fail(`${label} succeeded`), (e) => e);
    assert.ok(error instanceof type, `${label}: ${error}`);
    caught.set(label, error);
    return error;
  };
  try {
    await t.step("Bot API calls", async () => {
      const e401 = await expect("401", bot.call("e401"), UnauthorizedError);
      assert.equal(e401.json.url, `${server.url}/bot<token>/e401`, "the echo is kept, the token cut out");
      await expect(
        "400 with echo in every field",
        bot.call("sendMessage", { chat_id: 1, text: TOKEN }),
        TelegramError,
      );
      const html = await expect("502 HTML", bot.call("e502html"), BadHTTPResponse);
      assert.equal(html.response?.headers.get("x-echo"), `${server.url}/bot<token>/e502html`);
      assert.equal(
        JSON.parse(JSON.stringify(html)).response.headers["x-echo"],
        `${server.url}/bot<token>/e502html`,
      );
      await expect("200 HTML", bot.call("e200html"), BadHTTPResponse);
      await expect("bad JSON", bot.call("badjson"), BadHTTPResponse);
      await expect("JSON that is no envelope", bot.call("notenvelope"), BadHTTPResponse);
      const redirect = await expect("redirect to another origin", bot.call("redirect"), UnexpectedRedirect);
      assert.equal(redirect.location, "http://evil.example/bot<token>/redirect");
      assert.match(redirect.message, /evil\.example/);
      await expect("redirect on the same origin", bot.call("redirect307"), UnexpectedRedirect);
      await expect("timeout", bot.call("hang", {}, { timeout: 0.3 }), RequestTimeout);
      await expect("connection dropped mid-answer", bot.call("drop"), NetworkError);
      const refused = new Bot(TOKEN, { apiRoot: `http://127.0.0.1:${closedPort()}` });
      await expect("connection refused", refused.getMe(), NetworkError);
      await expect(
        "upload refused",
        bot.sendDocument(1, ["a.txt", new TextEncoder().encode(TOKEN)], { caption: TOKEN }),
        TelegramError,
      );
      await expect(
        "setWebhook with the token in its URL",
        bot.setWebhook(`https://x.example/${TOKEN}`),
        TelegramError,
      );
    });

    await t.step("downloads", async () => {
      await expect("download refused", bot.downloadFile("f", `${dir}/a`), TelegramError);
      const redirecting = new Bot(TOKEN, {
        apiRoot: server.url,
        fetch: (input, init) => {
          const url = String(input).replace("echo404.bin", "redirected.bin");
          return fetch(url, init);
        },
      });
      await expect("download redirect", redirecting.downloadFile("f", `${dir}/b`), UnexpectedRedirect);
      const dropping = new Bot(TOKEN, {
        apiRoot: server.url,
        fetch: (input, init) => fetch(String(input).replace("echo404.bin", "dropped.bin"), init),
      });
      await expect("download dropped mid-file", dropping.downloadFile("f", `${dir}/c`), NetworkError);
      const hanging = new Bot(TOKEN, {
        apiRoot: server.url,
        fetch: (input, init) => fetch(String(input).replace("echo404.bin", "hang"), init),
      });
      await expect(
        "download timeout",
        hanging.downloadFile("f", `${dir}/d`, { timeout: 0.3 }),
        RequestTimeout,
      );
      const local = new Bot(TOKEN, { apiRoot: `${server.url}/local` });
      const unreadable = await expect("local file unreadable", local.downloadFile("f", `${dir}/e`), Error);
      assert.match(unreadable.message, /ENOENT.*nonexistent\/<token>\/documents/);
    });

    await t.step("a token that a URL would encode is refused without being echoed", () => {
      for (
        const bad of ["123:ab cd", "123:ab/cd", "123:ab%41", "123:äb", "123:a#b", "123:a?b", "..", "123:a\\b"]
      ) {
        const error = (() => {
          try {
            new Bot(bad);
          } catch (e) {
            return e;
          }
        })();
        assert.ok(error instanceof BadInput, bad);
        assert.ok(!views(error).some((v) => v.includes(bad)), `echoed ${bad}`);
      }
    });

    await t.step(
      "background failures: delegates, events, inline answers, the loop's default and README reporters",
      async () => {
        const apiError = caught.get("401");
        class Failing extends ChatHandler {
          async onChatMessage(): Promise<void> {
            await this.sender.sendMessage("hello");
          }
        }
        const delegator = new DelegatorBot(
          TOKEN,
          [
            paveEventSpace()(perChatId(), createOpen, Failing, { timeout: 10 }),
            // A seeder that fails on events: event delivery reports it.
            [(msg: unknown) => {
              if (msg !== null && typeof msg === "object" && "_flavor" in msg) throw apiError;
              return null;
            }, () => () => {}],
          ],
          { apiRoot: server.url },
        );
        const before = consoleLines.lines.length;
        await delegator.handle({ message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "hi" });
        schedulerOf(delegator).eventNow({ _flavor: { tick: 1 } });
        await new Answerer(delegator).answer(
          { id: "q", from: { id: 9, is_bot: false, first_name: "A" }, query: TOKEN, offset: "" },
          () => [{ type: "article", id: "1", title: "t", input_message_content: { message_text: "x" } }],
        );
        // Your own code's failure, carrying the token in a field of its own: cut out of the log too.
        await new Answerer(delegator).answer(
          { id: "q2", from: { id: 10, is_bot: false, first_name: "B" }, query: "", offset: "" },
          () => {
            throw Object.assign(new Error("compute failed"), {
              request: { url: `${server.url}/bot${TOKEN}/x` },
            });
          },
        );
        const logged = () => consoleLines.lines.slice(before).map((l) => l.split("\n")[0]).join("\n");
        await until(() =>
          /delegate/.test(logged()) && /seeder failed|event (delivery|handler) failed/.test(logged())
          && /answering inline query failed.*answerInlineQuery/.test(logged())
          && /answering inline query failed.*compute failed/.test(logged())
        );
        schedulerOf(delegator).clear();

        const queue = new UpdateQueue();
        const plain = new Bot(TOKEN, { apiRoot: server.url });
        const loop = plain.messageLoop(async () => {
          await plain.sendMessage(1, "fails");
        }, { source: queue });
        const readme = new Bot(TOKEN, { apiRoot: server.url });
        const readmeLoop = readme.messageLoop(async () => {
          await readme.sendMessage(1, "fails");
        }, {
          source: queue,
          onError: (error, update) => console.error("update", update?.update_id, "failed:", error),
        });
        const start = consoleLines.lines.length;
        for (let id = 1; id <= 2; id++) {
          queue.put({
            update_id: id,
            message: { message_id: id, date: 0, chat: { id, type: "private" }, text: "x" },
          });
        }
        await until(() => consoleLines.lines.length >= start + 2);
        await loop.stop();
        await readmeLoop.stop();
      },
    );

    await t.step("zero hits in every error and every console line", () => {
      assert.ok(caught.size >= 18, `${caught.size} failures made`);
      for (const [label, error] of caught) assertClean(label, views(error));
      assert.ok(consoleLines.lines.length >= 5, "the background failures were logged");
      assertClean("console", consoleLines.lines);
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token leak: a quoted line cut short inside the token leaves none of its secret", async () => {
  // A server that echoes the request line as its status line: the pooled transport quotes the first
  // 80 characters of it, and the path before the token puts the cut inside the token.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      const bytes = new Uint8Array(65536);
      const n = await conn.read(bytes);
      const line = new TextDecoder().decode(bytes.subarray(0, n ?? 0)).split("\r\n")[0];
      await conn.write(new TextEncoder().encode(`${line}\r\ncontent-length: 0\r\n\r\n`));
      conn.close();
    }
  })();
  const root = `http://127.0.0.1:${
    (listener.addr as Deno.NetAddr).port
  }/services/telegram/bot-api/proxy/behind/a/long/way`;
  const api = new Bot(TOKEN, { apiRoot: root });
  const release = api.keepConnections();
  try {
    const error = await api.getMe().then(() => undefined, (e) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /status line ".*bot<token>"/, "the cut-short token is replaced");
    const secret = TOKEN.slice(TOKEN.indexOf(":") + 1);
    for (const text of views(error)) assert.ok(!text.includes(secret.slice(0, 4)), text.slice(0, 300));
  } finally {
    release();
    listener.close();
    await serving.catch(() => {});
  }
});

const SECRET = TOKEN.slice(TOKEN.indexOf(":") + 1);

Deno.test("token leak: any piece of the token holding eight characters of its secret is cut out, raw or percent-encoded, wherever it starts and ends", () => {
  for (let start = 0; start < TOKEN.length; start++) {
    for (let end = start + 1; end <= TOKEN.length; end++) {
      const piece = TOKEN.slice(start, end);
      const held = end - Math.max(start, TOKEN.length - SECRET.length);
      // The start of the token is known from four characters of the secret on (its bot id and colon before them).
      const cut = held >= 8 || (start === 0 && held >= 4);
      for (const spelling of [piece, encodeURIComponent(piece), piece.replace(":", "%3a")]) {
        const text = `GET /proxy?u=${spelling} HTTP/1.1`;
        assert.equal(redactText(text, TOKEN), cut ? "GET /proxy?u=<token> HTTP/1.1" : text, spelling);
      }
    }
  }
});

Deno.test("token leak: a run of the secret inside a longer word is ordinary text, left as it is; one a quote cuts is not", () => {
  const token = "4242:SECRET-delegator_x9Qv";
  const trace = "at DelegatorBot.#dispatch (file:///app/bot/delegator_bot.ts:295:22)";
  assert.equal(redactText(trace, token), trace);
  assert.equal(redactText(`size "ET-delegator_x9Qv/badChunk"`, token), `size "<token>/badChunk"`);
  assert.equal(redactText(`quoted: delegator_x9Qv`, token), `quoted: <token>`);
});

Deno.test("redactText refuses a text or token that is not a string with BadInput", () => {
  assert.throws(() => redactText(5 as never, TOKEN), (e) => e instanceof BadInput && e.argument === "text");
  assert.throws(() => redactText("x", 5 as never), (e) => e instanceof BadInput && e.argument === "token");
});

Deno.test("token leak: a URL echoed percent-encoded and cut short inside the token leaves none of its secret", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const encoded = encodeURIComponent(req.url);
    const cut = `${encoded.slice(0, encoded.indexOf("secret") + 6)}...`;
    return new Response(`<html>502 Bad Gateway: upstream failed for ${cut}</html>`, {
      status: 502,
      headers: { "x-upstream": cut },
    });
  });
  try {
    const error = await new Bot(TOKEN, { apiRoot: `http://127.0.0.1:${server.addr.port}` }).getMe()
      .then(() => undefined, (e) => e);
    assert.ok(error instanceof BadHTTPResponse, String(error));
    assert.match(error.text, /%2Fbot<token>\.\.\.<\/html>$/);
    assert.match(error.response?.headers.get("x-upstream") ?? "", /%2Fbot<token>\.\.\.$/);
    for (const text of views(error)) assert.ok(!text.includes(SECRET.slice(0, 4)), text.slice(0, 300));
  } finally {
    await server.shutdown();
  }
});

Deno.test("token leak: a chunk-size line the pooled transport quotes from inside the token leaves none of its secret", async () => {
  // The size line is the request path from its sixth character: "23456:AAH-…/getMe".
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      const bytes = new Uint8Array(65536);
      const n = await conn.read(bytes);
      const path = new TextDecoder().decode(bytes.subarray(0, n ?? 0)).split(" ")[1];
      const answer = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${path.slice(5)}\r\n`;
      await conn.write(new TextEncoder().encode(answer)).catch(() => {});
      conn.close();
    }
  })();
  const api = new Bot(TOKEN, { apiRoot: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}` });
  const release = api.keepConnections();
  try {
    const error = await api.getMe().then(() => undefined, (e) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /chunk size "<token>\/getMe"/);
    for (const text of views(error)) assert.ok(!text.includes(SECRET.slice(0, 4)), text.slice(0, 300));
  } finally {
    release();
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("token leak: a library error a custom fetch throws comes back of its class, without the token, with the call's method and params", async () => {
  const params = { chat_id: 1, text: "hi" };
  const call = (failing: (url: string) => never) =>
    new Bot(TOKEN, { apiRoot: "http://127.0.0.1:9", fetch: (input) => failing(String(input)) })
      .sendMessage(1, "hi").then(() => undefined, (e) => e);

  const network = await call((url) => {
    throw new NetworkError("sendMessage", `failed ${url}`, { cause: new Error(`inner ${url}`) });
  });
  assert.ok(network instanceof NetworkError, String(network));
  assert.equal(network.message, "failed http://127.0.0.1:9/bot<token>/sendMessage");
  assert.deepEqual([network.method, network.params], ["sendMessage", params]);
  assertClean("NetworkError from fetch", views(network));

  const refused = await call((url) => {
    throw telegramErrorFrom({
      ok: false,
      error_code: 403,
      description: `Forbidden: bot was blocked by the user ${url}`,
      url,
    });
  });
  assert.ok(refused instanceof BotWasBlockedError, String(refused));
  assert.deepEqual([refused.method, refused.params], ["sendMessage", params]);
  assert.equal(refused.json.url, "http://127.0.0.1:9/bot<token>/sendMessage");
  assertClean("TelegramError from fetch", views(refused));

  // One that carries its call and no token is the fetch's own, as it was thrown.
  const clean = new NetworkError("sendMessage", "offline", { params });
  assert.equal(
    await call(() => {
      throw clean;
    }),
    clean,
  );
});

Deno.test("token leak: an AggregateError holding the token is logged without it", () => {
  using consoleLines = recordConsole();
  const bot = new Bot(TOKEN, { apiRoot: "http://127.0.0.1:9" });
  const inner = new TypeError(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`);
  bot.logError("every attempt failed", new AggregateError([inner], "all attempts failed"));
  assert.ok(consoleLines.lines.some((line) => line.includes("all attempts failed")));
  assertClean("AggregateError", consoleLines.lines);
});
