import assert from "node:assert/strict";
import { Api, localFile } from "../api/mod.ts";
import { Bot } from "../bot/bot.ts";
import { BadInput } from "../exception/mod.ts";
import { until } from "./support/until.ts";
import { withWireApi } from "./support/wire_api.ts";
import { fail, html, WireServer } from "./support/wire_server.ts";

const TOKEN = "123456:TEST-token_abc";

function withServer(fn: (server: WireServer, api: Api) => Promise<void>): Promise<void> {
  return withWireApi(TOKEN, fn);
}

Deno.test("a call without files is a JSON POST to /bot<token>/<method>, undefined and null left out", async () => {
  await withServer(async (server, api) => {
    server.on("sendMessage", (r) => ({ message_id: 7, echoed: r.json }));
    const markup = { inline_keyboard: [[{ text: "a", callback_data: "b" }]] };
    const result = await api.sendMessage(42, "héllo", {
      parse_mode: "HTML",
      reply_markup: markup,
      disable_notification: undefined,
      // deno-lint-ignore no-explicit-any
      message_thread_id: null as any,
    });
    const [request] = server.requests;
    assert.equal(request.httpMethod, "POST");
    assert.equal(request.path, `/bot${TOKEN}/sendMessage`);
    assert.equal(request.contentType, "application/json");
    assert.deepEqual(request.json, { chat_id: 42, text: "héllo", parse_mode: "HTML", reply_markup: markup });
    assert.equal((result as unknown as { message_id: number }).message_id, 7);
  });
});

Deno.test("a file_id or URL string stays a JSON field", async () => {
  await withServer(async (server, api) => {
    await api.sendPhoto(1, "AgACAgIAAxkBAAI");
    await api.call("sendDocument", { chat_id: 1, document: "https://example.com/a.pdf" });
    assert.deepEqual(server.requests.map((r) => [r.kind, r.json]), [
      ["json", { chat_id: 1, photo: "AgACAgIAAxkBAAI" }],
      ["json", { chat_id: 1, document: "https://example.com/a.pdf" }],
    ]);
  });
});

Deno.test("an array of strings is an ordinary parameter, not a [filename, data] pair", async () => {
  await withServer(async (server, api) => {
    await api.getUpdates({ allowed_updates: ["message", "callback_query"] });
    assert.equal(server.requests[0].kind, "json");
    assert.deepEqual(server.requests[0].json, { allowed_updates: ["message", "callback_query"] });
  });
});

Deno.test("a top-level file makes the call multipart: strings as is, other values JSON", async () => {
  await withServer(async (server, api) => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    await api.sendPhoto(-100123, bytes, {
      caption: "a \"quoted\" caption\nwith a newline",
      reply_markup: { inline_keyboard: [[{ text: "x", url: "https://t.me" }]] },
      has_spoiler: true,
    });
    const [request] = server.requests;
    assert.equal(request.kind, "multipart");
    assert.match(request.contentType, /^multipart\/form-data; boundary=/);
    assert.deepEqual(request.fields, {
      chat_id: "-100123",
      caption: "a \"quoted\" caption\nwith a newline",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "x", url: "https://t.me" }]] }),
      has_spoiler: "true",
    });
    assert.equal(request.files.photo.name, "photo");
    assert.deepEqual(request.files.photo.bytes, bytes);
  });
});

Deno.test("every InputFile form uploads with the right name, type and content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/report.csv`;
    await Deno.writeTextFile(path, "a,b\n1,2\n");
    await Deno.writeTextFile(`${dir}/fs.bin`, "from an open file");
    await withServer(async (server, api) => {
      const fsFile = await Deno.open(`${dir}/fs.bin`);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode("str"));
          c.enqueue(new TextEncoder().encode("eam"));
          c.close();
        },
      });
      await api.call("sendDocument", { chat_id: 1, document: localFile(path) });
      await api.call("sendDocument", {
        chat_id: 1,
        document: new File(["file!"], "named.txt", { type: "text/plain" }),
      });
      await api.call("sendDocument", { chat_id: 1, document: new Blob(["blob"], { type: "image/png" }) });
      await api.call("sendDocument", { chat_id: 1, document: stream });
      await api.call("sendDocument", { chat_id: 1, document: fsFile });
      await api.call("sendDocument", { chat_id: 1, document: ["pair.txt", new Blob(["paired"])] });
      await api.call("sendDocument", { chat_id: 1, document: ["lp.csv", localFile(path)] });
      const got = server.requests.map((r) => {
        const f = r.files.document;
        return [f.name, f.type, new TextDecoder().decode(f.bytes)];
      });
      assert.deepEqual(got, [
        ["report.csv", "application/octet-stream", "a,b\n1,2\n"],
        ["named.txt", "text/plain", "file!"],
        ["document", "image/png", "blob"],
        ["document", "application/octet-stream", "stream"],
        ["document", "application/octet-stream", "from an open file"],
        ["pair.txt", "application/octet-stream", "paired"],
        ["lp.csv", "application/octet-stream", "a,b\n1,2\n"],
      ]);
      assert.ok(server.requests.every((r) => r.fields.chat_id === "1"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("files nested in an InputMedia array become attach:// parts; the caller's array is untouched", async () => {
  await withServer(async (server, api) => {
    const media = [
      { type: "photo" as const, media: new Blob(["p1"]) },
      { type: "photo" as const, media: "AgACAgIAAxkBAAI" },
      {
        type: "video" as const,
        media: ["clip.mp4", new Uint8Array([9, 9])] as const,
        thumbnail: new Blob(["th"]),
      },
    ];
    // deno-lint-ignore no-explicit-any
    await api.sendMediaGroup(5, media as any);
    const [request] = server.requests;
    assert.equal(request.kind, "multipart");
    const sent = JSON.parse(request.fields.media);
    assert.deepEqual(sent, [
      { type: "photo", media: "attach://file0" },
      { type: "photo", media: "AgACAgIAAxkBAAI" },
      { type: "video", media: "attach://file1", thumbnail: "attach://file2" },
    ]);
    assert.deepEqual(Object.keys(request.files).sort(), ["file0", "file1", "file2"]);
    assert.equal(new TextDecoder().decode(request.files.file0.bytes), "p1");
    assert.equal(request.files.file0.name, "media", "an unnamed nested file is named after its field");
    assert.equal(request.files.file1.name, "clip.mp4");
    assert.equal(request.files.file2.name, "thumbnail");
    assert.equal(new TextDecoder().decode(request.files.file2.bytes), "th");
    assert.ok(media[0].media instanceof Blob, "the caller's InputMedia was not rewritten");
  });
});

Deno.test("files inside InputPaidMedia and InputSticker objects are attached too", async () => {
  await withServer(async (server, api) => {
    await api.call("sendPaidMedia", {
      chat_id: 1,
      star_count: 5,
      media: [{ type: "photo", media: new Uint8Array([1]) }],
    });
    await api.call("createNewStickerSet", {
      user_id: 1,
      name: "set_by_bot",
      title: "Set",
      stickers: [
        { sticker: new Blob(["s1"]), format: "static", emoji_list: ["😀"] },
        { sticker: "CAACAgIAAx", format: "static", emoji_list: ["😎"] },
      ],
    });
    await api.call("addStickerToSet", {
      user_id: 1,
      name: "set_by_bot",
      sticker: { sticker: new Blob(["s2"]), format: "static", emoji_list: ["👍"] },
    });
    const [paid, created, added] = server.requests;
    assert.deepEqual(JSON.parse(paid.fields.media), [{ type: "photo", media: "attach://file0" }]);
    assert.equal(paid.fields.star_count, "5");
    assert.equal(paid.files.file0.size, 1);
    assert.deepEqual(JSON.parse(created.fields.stickers).map((s: { sticker: string }) => s.sticker), [
      "attach://file0",
      "CAACAgIAAx",
    ]);
    assert.equal(new TextDecoder().decode(created.files.file0.bytes), "s1");
    assert.equal(JSON.parse(added.fields.sticker).sticker, "attach://file0");
    assert.equal(new TextDecoder().decode(added.files.file0.bytes), "s2");
  });
});

Deno.test("non-ASCII and quote-bearing file names survive, with an RFC 8187 filename* as well", async () => {
  await withServer(async (server, api) => {
    const name = "résumé 📄 \"final\".pdf";
    await api.call("sendDocument", { chat_id: 1, document: [name, new Blob(["x"])] });
    const [request] = server.requests;
    assert.equal(request.files.document.name, "résumé 📄 %22final%22.pdf");
    assert.ok(request.head.includes(`filename*=UTF-8''${encodeURIComponent(name)}`), request.head);
    assert.ok(request.head.includes("filename=\"résumé 📄 %22final%22.pdf\""));
  });
});

Deno.test("a ';' and a '%' in a file name are escaped: the server percent-decodes names, and before 2021 ended them at a ';'", async () => {
  await withServer(async (server, api) => {
    await api.call("sendDocument", { chat_id: 1, document: ["Q1; Q2 100%.pdf", new Blob(["x"])] });
    assert.equal(server.requests[0].files.document.name, "Q1%3B Q2 100%25.pdf");
  });
});

Deno.test("a missing local file is BadInput and nothing is sent", async () => {
  await withServer(async (server, api) => {
    await assert.rejects(
      api.call("sendDocument", { chat_id: 1, document: localFile("/nonexistent/dir/file.bin") }),
      (e) => e instanceof BadInput && e.message.includes("/nonexistent/dir/file.bin"),
    );
    const stream = new ReadableStream();
    stream.getReader();
    await assert.rejects(api.call("sendDocument", { chat_id: 1, document: stream }), BadInput);
    assert.equal(server.requests.length, 0);
  });
});

/** Whether `file` is still open. */
function isOpen(file: Deno.FsFile): boolean {
  try {
    file.statSync();
    return true;
  } catch {
    return false;
  }
}

Deno.test("open files a call never sent are closed: a later bad file, an abort, a timeout mid-upload", async () => {
  const dir = await Deno.makeTempDir();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // never read: the upload stalls
  })();
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    await Deno.writeFile(`${dir}/big.bin`, new Uint8Array(32 << 20));
    await withServer(async (server, api) => {
      const first = await Deno.open(`${dir}/a.txt`);
      await assert.rejects(
        api.call("sendMediaGroup", {
          chat_id: 1,
          media: [{ type: "document", media: first }, { type: "document", media: localFile(`${dir}/none`) }],
        }),
        BadInput,
      );
      assert.ok(!isOpen(first), "closed after a later file was refused");
      const aborted = await Deno.open(`${dir}/a.txt`);
      await assert.rejects(
        api.call("sendDocument", { chat_id: 1, document: aborted }, { signal: AbortSignal.abort() }),
      );
      assert.ok(!isOpen(aborted), "closed after an abort before sending");
      // Refused by a transformer, never reaching a request: let go of as well.
      const refusing = new Api(TOKEN, { apiRoot: server.url });
      refusing.transformers.use(() => Promise.reject(new Error("not now")));
      const refused = await Deno.open(`${dir}/a.txt`);
      const stream = new Blob(["s"]).stream();
      await assert.rejects(
        refusing.call("sendMediaGroup", {
          chat_id: 1,
          media: [{ type: "document", media: refused }, { type: "document", media: ["s.txt", stream] }],
        }),
        /not now/,
      );
      assert.ok(!isOpen(refused), "closed after a transformer refused the call");
      assert.equal(
        (await stream.getReader().read()).done,
        true,
        "the stream was cancelled, not left to read",
      );
      assert.equal(server.requests.length, 0);
    });
    const stalled = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}` });
    const big = await Deno.open(`${dir}/big.bin`);
    const after = await Deno.open(`${dir}/a.txt`);
    await assert.rejects(
      stalled.call("sendMediaGroup", {
        chat_id: 1,
        media: [{ type: "document", media: big }, { type: "document", media: after }],
      }, { timeout: 0.5 }),
    );
    await until(
      () => !isOpen(big) && !isOpen(after),
      5,
      "both closed after a timeout in the first one's upload",
    );
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("one stream or open file given twice in a call is BadInput (the second part would be empty)", async () => {
  await withServer(async (server, api) => {
    const stream = new Blob(["once"]).stream();
    await assert.rejects(
      api.call("sendMediaGroup", {
        chat_id: 1,
        media: [{ type: "document", media: stream }, { type: "document", media: ["b.txt", stream] }],
      }),
      (e) => e instanceof BadInput && /once per call/.test(e.message),
    );
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("apiRoot with a path prefix and the test environment shape the URL", async () => {
  const server = WireServer.start();
  try {
    await new Api(TOKEN, { apiRoot: `${server.url}/proxy/` }).getMe();
    await new Api(TOKEN, { apiRoot: server.url, testEnvironment: true }).getMe();
    assert.deepEqual(server.requests.map((r) => r.path), [
      `/proxy/bot${TOKEN}/getMe`,
      `/bot${TOKEN}/test/getMe`,
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("the default apiRoot is Telegram's", () => {
  const api = new Api(TOKEN);
  assert.equal(api.apiRoot, "https://api.telegram.org");
  assert.equal(api.testEnvironment, false);
});

Deno.test("msgIdentifier methods send chat_id/message_id or inline_message_id", async () => {
  await withServer(async (server, api) => {
    await api.editMessageText([10, 20], "new");
    await api.editMessageText("inline-id", "new");
    await api.stopMessageLiveLocation(["inline-2"]);
    assert.deepEqual(server.requests.map((r) => r.json), [
      { chat_id: 10, message_id: 20, text: "new" },
      { inline_message_id: "inline-id", text: "new" },
      { inline_message_id: "inline-2" },
    ]);
  });
});

Deno.test("a custom fetch is used for every request", async () => {
  await withServer(async (server) => {
    const seen: string[] = [];
    const api = new Api(TOKEN, {
      apiRoot: server.url,
      fetch: (input, init) => {
        seen.push(new URL(String(input)).pathname.split("/").pop() ?? "");
        return fetch(input, init);
      },
    });
    await api.getMe();
    await api.call("getChat", { chat_id: 1 });
    assert.deepEqual(seen, ["getMe", "getChat"]);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("bad arguments are BadInput and never echo the token", () => {
  assert.throws(() => new Api(""), BadInput);
  assert.throws(() => new Api("12 34"), BadInput);
  assert.throws(() => new Api("12/34"), BadInput);
  assert.throws(() => new Api(TOKEN, { apiRoot: "ftp://example.com" }), BadInput);
  assert.throws(() => new Api(TOKEN, { apiRoot: "not a url" }), BadInput);
  assert.throws(() => new Api(TOKEN, { timeout: 0 }), BadInput);
  assert.throws(() => new Api(TOKEN, { timeout: Number.NaN }), BadInput);
  assert.throws(() => new Api(TOKEN, { retry: { maxAttempts: -1 } }), BadInput);
  try {
    new Api("sec ret-token");
  } catch (e) {
    assert.ok(!String(e).includes("sec ret-token"));
  }
});

Deno.test("options of the wrong kind are BadInput in the constructor, naming the option, and a logger needs debug and error", () => {
  const bad: [string, unknown][] = [
    ["options", null],
    ["options", "x"],
    ["options.logger", { logger: 5 }],
    ["options.logger", { logger: {} }],
    // Without error, the first failure reported would throw inside the reporting.
    ["options.logger", { logger: { debug() {} } }],
    ["options.logger", { logger: { error() {} } }],
    ["options.retry", { retry: "x" }],
    ["options.testEnvironment", { testEnvironment: "yes" }],
    ["options.debug", { debug: "x" }],
  ];
  for (const [argument, options] of bad) {
    for (const make of [() => new Api(TOKEN, options as never), () => new Bot(TOKEN, options as never)]) {
      assert.throws(make, (e) => e instanceof BadInput && e.argument === argument, argument);
    }
  }
  new Api(TOKEN, { logger: { debug() {}, error() {} }, retry: true, testEnvironment: false, debug: false });
});

Deno.test("a function or symbol as a parameter value, at the top or nested, is BadInput naming it, and nothing is sent", async () => {
  await withServer(async (server, api) => {
    const bad: [string, Record<string, unknown>][] = [
      ["params.entities", { entities: Symbol("s") }],
      ["params.entities", { entities: () => 1 }],
      [
        "params.reply_markup.inline_keyboard[0][1].callback_data",
        {
          reply_markup: {
            inline_keyboard: [[{ text: "a", callback_data: "a" }, { text: "b", callback_data: () => "b" }]],
          },
        },
      ],
      ["params.link_preview_options.url", { link_preview_options: { url: Symbol("u") } }],
    ];
    for (const [argument, options] of bad) {
      await assert.rejects(
        api.sendMessage(1, "x", options),
        (e) => e instanceof BadInput && e.argument === argument,
        argument,
      );
    }
    assert.deepEqual(server.requests, []);
  });
});

Deno.test("a malformed method name or params object is BadInput before any request", async () => {
  await withServer(async (server, api) => {
    await assert.rejects(api.call("../getMe"), BadInput);
    await assert.rejects(api.call("send Message"), BadInput);
    // deno-lint-ignore no-explicit-any
    await assert.rejects(api.call("getMe", [1, 2] as any), BadInput);
    await assert.rejects(api.call("getMe", {}, { timeout: -1 }), BadInput);
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("the token is not visible when the client is inspected or serialised", () => {
  const api = new Api(TOKEN);
  assert.ok(!Deno.inspect(api, { depth: 10, showHidden: true }).includes(TOKEN));
  assert.ok(!JSON.stringify(api).includes(TOKEN));
});

Deno.test("answers are read to the end, so one kept-alive connection serves successes and failures", async () => {
  await withServer(async (server, api) => {
    server.on("getChat", () => fail(400, "Bad Request: chat not found"));
    server.on("getChatMember", () => html(502, "<html>" + "x".repeat(100_000) + "</html>"));
    await api.getMe();
    await api.getChat(1).catch(() => {});
    await api.getChatMember(1, 2).catch(() => {});
    await api.sendDocument(1, new Blob(["doc"]));
    await api.getMe();
    const ports = new Set(server.requests.map((r) => r.remotePort));
    assert.equal(server.requests.length, 5);
    assert.equal(ports.size, 1, `requests came from ports ${[...ports]}`);
  });
});

Deno.test("localFile refuses a path that is no non-empty string with BadInput when made, not at the upload", () => {
  for (const notAPath of [123, "", null, undefined]) {
    assert.throws(() => localFile(notAPath as never), (e) => e instanceof BadInput && e.argument === "path");
  }
  assert.equal(localFile("/tmp/x.bin").path, "/tmp/x.bin");
});
