// BigInt parameters (a chat id read from SQLite as a BigInt, say): written as the JSON number they
// stand for when it is exact, refused with BadInput naming where they are when it is not. Against a
// real server on loopback, JSON and multipart bodies both.
import assert from "node:assert/strict";
import type { Api } from "../api/mod.ts";
import { BadInput, TelegramError } from "../exception/mod.ts";
import { withWireApi } from "./support/wire_api.ts";
import { fail, type WireServer } from "./support/wire_server.ts";

const TOKEN = "123456:BIGINT-token_abc";

function withServer(fn: (server: WireServer, api: Api) => Promise<void>): Promise<void> {
  return withWireApi(TOKEN, fn);
}

Deno.test("bigint params: a BigInt in the safe range goes as its JSON number, top level and nested", async () => {
  await withServer(async (server, api) => {
    await api.call("sendMessage", {
      chat_id: -1001234567890n,
      text: "hi",
      reply_parameters: { message_id: 5n, chat_id: 9007199254740991n },
      reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "b" }]] },
      entities: [{ type: "bold", offset: 0n, length: -9007199254740991n }],
    });
    // The typed wrappers take it too, for code that reads ids as BigInt.
    await api.sendMessage(42n as unknown as number, "typed");
    const [first, second] = server.calls("sendMessage");
    assert.equal(first.kind, "json");
    assert.ok(first.head.startsWith(`{"chat_id":-1001234567890,"text":"hi",`), first.head);
    assert.deepEqual(first.json, {
      chat_id: -1001234567890,
      text: "hi",
      reply_parameters: { message_id: 5, chat_id: 9007199254740991 },
      reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "b" }]] },
      entities: [{ type: "bold", offset: 0, length: -9007199254740991 }],
    });
    assert.equal(second.head, `{"chat_id":42,"text":"typed"}`);
  });
});

Deno.test("bigint params: multipart fields carry a BigInt as its decimal, top level and nested", async () => {
  await withServer(async (server, api) => {
    await api.call("sendDocument", {
      chat_id: 77n,
      document: ["a.txt", new Uint8Array([1, 2, 3])],
      reply_parameters: { message_id: 3n },
      caption_entities: [{ type: "bold", offset: 0, length: 2n }],
    });
    const [request] = server.calls("sendDocument");
    assert.equal(request.kind, "multipart");
    assert.equal(request.fields.chat_id, "77");
    assert.equal(request.fields.reply_parameters, `{"message_id":3}`);
    assert.equal(request.fields.caption_entities, `[{"type":"bold","offset":0,"length":2}]`);
    assert.equal(request.files.document.size, 3);
  });
});

Deno.test("bigint params: one outside ±(2^53-1) is BadInput naming its path, and nothing is sent", async () => {
  await withServer(async (server, api) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ chat_id: 9007199254740992n, text: "x" }, "params.chat_id"],
      [
        { chat_id: 1, text: "x", reply_parameters: { chat_id: -(2n ** 64n) } },
        "params.reply_parameters.chat_id",
      ],
      [
        { chat_id: 1, text: "x", reply_markup: { inline_keyboard: [[{ text: "a", pay: 2n ** 60n }]] } },
        "params.reply_markup.inline_keyboard[0][0].pay",
      ],
      [
        { chat_id: 2n ** 53n, document: ["a.txt", new Uint8Array(1)] },
        "params.chat_id",
      ],
      [
        { chat_id: 1, document: ["a.txt", new Uint8Array(1)], caption_entities: [{ offset: 2n ** 70n }] },
        "params.caption_entities[0].offset",
      ],
    ];
    for (const [params, path] of cases) {
      const error = await api.call("sendMessage", params).then(
        () => assert.fail("should be refused"),
        (e) => e,
      );
      assert.ok(error instanceof BadInput, `BadInput for ${path}, not ${error}`);
      assert.equal(error.argument, path);
      assert.match(error.message, /integer/);
      // The value is not echoed (BadInput never does).
      assert.ok(!error.message.includes("9007199254740992"), error.message);
    }
    assert.equal(server.requests.length, 0, "nothing was sent");
  });
});

Deno.test("bigint params: a refused call with BigInt params gives an error JSON.stringify can write", async () => {
  await withServer(async (server, api) => {
    server.on("sendMessage", () => fail(400, "Bad Request: chat not found"));
    const error = await api.call("sendMessage", {
      chat_id: -100123n,
      text: "x",
      reply_parameters: { message_id: 4n },
    })
      .catch((e) => e);
    assert.ok(error instanceof TelegramError);
    assert.deepEqual(error.params, { chat_id: -100123, text: "x", reply_parameters: { message_id: 4 } });
    assert.deepEqual(JSON.parse(JSON.stringify(error)).params, error.params);
  });
});

Deno.test("bigint params: a value JSON cannot write at all (a cycle) is BadInput, not a raw TypeError", async () => {
  await withServer(async (server, api) => {
    const cyclic: Record<string, unknown> = { text: "a" };
    cyclic.self = cyclic;
    const error = await api.call("sendMessage", { chat_id: 1, reply_markup: cyclic }).catch((e) => e);
    assert.ok(error instanceof BadInput, `BadInput, not ${error}`);
    assert.equal(error.argument, "params.reply_markup");
    assert.equal(server.requests.length, 0);
  });
});
