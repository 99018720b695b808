import assert from "node:assert/strict";
import {
  ADMINISTRATOR_METHODS,
  EDITOR_METHODS,
  FILE_METHODS,
  MESSAGE_CONTENT_TYPES,
  SENDER_METHODS,
  UPDATE_KINDS,
} from "../api/classification.gen.ts";
import { BOT_API_VERSION, METHODS, TYPES } from "../api/spec.gen.ts";
import { editorMethods } from "../codegen/classify.ts";
import { generateAll } from "../codegen/generate.ts";
import { importOfficialHtml } from "../codegen/import_html.ts";
import type { SpecTable } from "../codegen/spec_table.ts";

const root = new URL("../", import.meta.url);
const table: SpecTable = JSON.parse(await Deno.readTextFile(new URL("codegen/botapi.json", root)));

Deno.test("the committed spec table covers all of Bot API 10.3", () => {
  assert.equal(table.version, "10.3");
  assert.equal(BOT_API_VERSION, "10.3");
  assert.equal(table.methods.length, 185);
  assert.equal(table.types.length, 400);
  assert.equal(Object.keys(METHODS).length, 185);
  assert.equal(Object.keys(TYPES).length, 400);
  for (
    const m of [
      "editEphemeralMessageText",
      "editEphemeralMessageCaption",
      "editEphemeralMessageMedia",
      "editEphemeralMessageReplyMarkup",
      "deleteEphemeralMessage",
    ]
  ) assert.ok(METHODS[m], m);
  const send = table.methods.find((m) => m.name === "sendMessage")!;
  assert.deepEqual(send.params.filter((p) => p.required).map((p) => p.name), ["chat_id", "text"]);
  assert.deepEqual(send.returns, ["Message"]);
  assert.equal(send.link, "#sendmessage");
});

Deno.test("the spec table holds facts only: no description prose", () => {
  const allowed = new Set([
    "version",
    "releaseDate",
    "documentation",
    "methods",
    "types",
    "name",
    "link",
    "params",
    "returns",
    "fields",
    "subtypes",
    "types",
    "required",
    "const",
    "enum",
  ]);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        assert.ok(allowed.has(key), `unexpected key ${key}`);
        walk(inner);
      }
    } else if (typeof value === "string") {
      const words = value.replace(/^(Array of )+/, "");
      assert.ok(!/\s/.test(words) || value === table.releaseDate, `prose found: ${value}`);
    }
  };
  walk(table);
});

Deno.test("generated files are in sync with the spec table", async () => {
  for (const [path, content] of await generateAll(table)) {
    assert.equal(
      await Deno.readTextFile(new URL(path, root)),
      content,
      `${path} is stale: run deno task codegen`,
    );
  }
});

Deno.test("the HTML importer reads the official page format", async () => {
  const html = await Deno.readTextFile(new URL("tests/fixtures/botapi_page.html", root));
  const t = importOfficialHtml(html);
  assert.equal(t.version, "42.0");
  assert.equal(t.releaseDate, "March 3, 2031");
  const methods = Object.fromEntries(t.methods.map((m) => [m.name, m]));
  assert.deepEqual(Object.keys(methods), [
    "getMe",
    "sendMessage",
    "sendMediaGroup",
    "getChatMemberCount",
    "editMessageText",
    "sendWave",
    "getUpdates",
  ]);
  assert.deepEqual(methods.getMe.params, []);
  assert.deepEqual(methods.getMe.returns, ["User"]);
  assert.deepEqual(methods.sendMessage.params, [
    { name: "chat_id", types: ["Integer", "String"], required: true },
    { name: "text", types: ["String"], required: true },
    { name: "parse_mode", types: ["String"], required: false },
  ]);
  assert.deepEqual(methods.sendMediaGroup.params[1].types, [
    "Array of InputMediaPhoto",
    "Array of InputMediaVideo",
  ]);
  assert.deepEqual(methods.sendMediaGroup.returns, ["Array of Message"]);
  assert.deepEqual(methods.getChatMemberCount.returns, ["Integer"]);
  assert.deepEqual(methods.editMessageText.returns, ["Message", "True"]);
  assert.deepEqual(methods.getUpdates.returns, ["Array of Update"]);
  // The page's multi-line table markup, "InputFile or String", "or" unions, "Array of …, … and …".
  assert.deepEqual(methods.sendWave.returns, ["Message"]);
  assert.deepEqual(methods.sendWave.params, [
    { name: "chat_id", types: ["Integer", "String"], required: true },
    { name: "picture", types: ["InputFile", "String"], required: true },
    {
      name: "media",
      types: ["Array of InputMediaPhoto", "Array of InputMediaVideo", "Array of Wave"],
      required: false,
    },
    { name: "reply_markup", types: ["Wave", "User", "PhotoSize"], required: false },
    { name: "grid", types: ["Array of Array of PhotoSize"], required: false },
  ]);
  const types = Object.fromEntries(t.types.map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(types), [
    "User",
    "Message",
    "PhotoSize",
    "Wave",
    "InputMedia",
    "InputMediaPhoto",
    "InputMediaVideo",
    "InputFile",
    "WaveText",
    "Update",
  ]);
  assert.deepEqual(types.User.fields.map((f) => [f.name, f.required]), [
    ["id", true],
    ["is_bot", true],
    ["first_name", true],
    ["last_name", false],
  ]);
  assert.deepEqual(types.Message.fields[3], {
    name: "photo",
    types: ["Array of PhotoSize"],
    required: false,
  });
  assert.deepEqual(types.InputMedia.subtypes, ["InputMediaPhoto", "InputMediaVideo"]);
  assert.deepEqual(types.InputMediaPhoto.fields[0], {
    name: "type",
    types: ["String"],
    required: true,
    const: "photo",
  });
  assert.equal(types.InputMediaVideo.fields[0].const, "video");
  assert.deepEqual(types.InputMediaVideo.fields[1].types, ["InputFile", "String"]);
  assert.deepEqual(types.Wave.fields, []);
  // What the importer wrote generates code like the real table does.
  const files = await generateAll(t);
  assert.match(files.get("api/methods.gen.ts")!, /sendMessage\(chatId: .*, text: .*, options\?: /);
});

Deno.test("the HTML importer keeps the union members a sentence names: String and Array of itself", async () => {
  const html = await Deno.readTextFile(new URL("tests/fixtures/botapi_page.html", root));
  const t = importOfficialHtml(html);
  const waveText = t.types.find((x) => x.name === "WaveText")!;
  // As the JSON and .d.ts importers record RichText: the sentence's members first, then the list's.
  assert.deepEqual(waveText.subtypes, ["String", "Array of WaveText", "Wave", "PhotoSize"]);
  assert.deepEqual(waveText.fields, []);
  // Only the union's own sentence counts: a type that merely mentions a String keeps no subtypes.
  assert.deepEqual(t.types.find((x) => x.name === "Wave")!.subtypes, []);
  const files = await generateAll(t);
  assert.match(files.get("api/openapi.gen.ts")!, /export interface WaveTextList extends Array</);
  const schema = JSON.parse(files.get("api/openapi.gen.json")!).components.schemas.WaveText;
  assert.deepEqual(schema.oneOf.slice(0, 2), [
    { type: "string" },
    {
      type: "array",
      items: { $ref: "#/components/schemas/WaveText" },
      "x-telepot-self-list": "WaveTextList",
    },
  ]);
});

Deno.test("classification tables follow the spec", () => {
  for (
    const m of [
      "sendMessage",
      "sendPhoto",
      "sendMediaGroup",
      "sendChatAction",
      "forwardMessage",
      "sendInvoice",
    ]
  ) {
    assert.ok((SENDER_METHODS as readonly string[]).includes(m), m);
  }
  for (
    const m of [
      "editMessageText",
      "editMessageCaption",
      "editMessageMedia",
      "editMessageReplyMarkup",
      "editMessageLiveLocation",
      "stopMessageLiveLocation",
      "setGameScore",
      "getGameHighScores",
      "deleteMessage",
    ]
  ) assert.ok((EDITOR_METHODS as readonly string[]).includes(m), m);
  for (
    const m of [
      "banChatMember",
      "unbanChatMember",
      "getChat",
      "leaveChat",
      "getChatAdministrators",
      "setChatTitle",
    ]
  ) {
    assert.ok((ADMINISTRATOR_METHODS as readonly string[]).includes(m), m);
  }
  const all = [...SENDER_METHODS, ...EDITOR_METHODS, ...ADMINISTRATOR_METHODS];
  assert.equal(new Set(all).size, all.length, "a method is in one proxy only");
  for (
    const m of [
      "sendPhoto",
      "sendDocument",
      "sendMediaGroup",
      "setChatPhoto",
      "editMessageMedia",
      "setWebhook",
    ]
  ) {
    assert.ok((FILE_METHODS as readonly string[]).includes(m), m);
  }
  assert.ok(!(FILE_METHODS as readonly string[]).includes("sendMessage"));
  for (
    const c of [
      "text",
      "photo",
      "sticker",
      "new_chat_members",
      "left_chat_member",
      "successful_payment",
      "poll",
    ]
  ) {
    assert.ok((MESSAGE_CONTENT_TYPES as readonly string[]).includes(c), c);
  }
  for (const c of ["caption", "entities", "reply_markup", "message_id", "from", "chat", "date"]) {
    assert.ok(!(MESSAGE_CONTENT_TYPES as readonly string[]).includes(c), c);
  }
  assert.equal(UPDATE_KINDS[0], "message");
  for (
    const k of ["callback_query", "my_chat_member", "chat_member", "chat_join_request", "message_reaction"]
  ) {
    assert.ok((UPDATE_KINDS as readonly string[]).includes(k), k);
  }
  assert.ok(!(UPDATE_KINDS as readonly string[]).includes("update_id"));
});

Deno.test("every object type is exported under its Bot API name from mod.ts", async () => {
  // A program that names every type of the table through the front door: it type-checks only if each is exported.
  const names = table.types.map((t) => t.name);
  const program = `import type {\n${names.map((n) => `  ${n},`).join("\n")}\n} from "../mod.ts";\n`
    + `export type All = [${names.join(", ")}];\n`;
  // A name of its own, so that two runs of the suite in one checkout do not remove each other's file.
  const file = new URL(`tests/.types_export_check_${crypto.randomUUID()}.ts`, root);
  await Deno.writeTextFile(file, program);
  try {
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", file.pathname],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  } finally {
    await Deno.remove(file);
  }
  assert.equal(names.length, 400);
});

Deno.test("the OpenAPI document is complete and its references resolve", async () => {
  const doc = JSON.parse(await Deno.readTextFile(new URL("api/openapi.gen.json", root)));
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.info.version, "10.3");
  assert.equal(Object.keys(doc.paths).length, 185);
  const schemas = doc.components.schemas;
  for (const t of table.types) assert.ok(schemas[t.name], t.name);
  const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g)!;
  for (const ref of new Set(refs)) assert.ok(schemas[JSON.parse(ref).split("/").pop()], ref);
  const send = doc.paths["/sendMessage"].post;
  assert.deepEqual(send.requestBody.content["application/json"].schema.required, ["chat_id", "text"]);
  assert.ok(doc.paths["/sendPhoto"].post.requestBody.content["multipart/form-data"]);
  // Literal values the spec lists become enums: typed as unions of literals by openapi-typescript.
  const action =
    doc.paths["/sendChatAction"].post.requestBody.content["application/json"].schema.properties.action;
  assert.equal(action.type, "string");
  assert.ok(action.enum.includes("typing") && action.enum.includes("upload_photo"), JSON.stringify(action));
  const months = doc.paths["/giftPremiumSubscription"].post.requestBody.content["application/json"].schema
    .properties.month_count;
  assert.deepEqual(months, { type: "integer", enum: [3, 6, 12] });
  assert.ok(!doc.paths["/sendMessage"].post.requestBody.content["multipart/form-data"]);
});

Deno.test("one command regenerates the API from an official page", async () => {
  const out = await Deno.makeTempDir({ prefix: "telepot-regen-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "codegen/generate.ts",
        "--import-html",
        "tests/fixtures/botapi_page.html",
        "--out",
        out,
      ],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(new TextDecoder().decode(run.stdout), /Bot API 42\.0: 7 methods, 10 types/);
    const regenerated: SpecTable = JSON.parse(await Deno.readTextFile(`${out}/codegen/botapi.json`));
    assert.equal(regenerated.version, "42.0");
    const methods = await Deno.readTextFile(`${out}/api/methods.gen.ts`);
    assert.match(methods, /getChatMemberCount\(chatId: /);
    assert.match(
      await Deno.readTextFile(`${out}/api/types.gen.ts`),
      /export interface InputMediaVideo extends BotApiSchema<"InputMediaVideo"> \{\}/,
    );
    assert.ok(JSON.parse(await Deno.readTextFile(`${out}/api/openapi.gen.json`)).paths["/sendMediaGroup"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an edit method with more required parameters after chat_id and message_id is an Editor method", () => {
  const method = (name: string, required: string[]) => ({
    name,
    link: `#${name.toLowerCase()}`,
    params: required.map((p) => ({ name: p, types: ["String"], required: true })),
    returns: ["True"],
  });
  const synthetic: SpecTable = {
    ...table,
    methods: [
      method("editMessageWave", ["chat_id", "message_id", "wave"]),
      method("deleteMessageWave", ["chat_id", "message_id"]),
      method("setChatWave", ["chat_id", "wave"]),
    ],
  };
  assert.deepEqual(editorMethods(synthetic), ["editMessageWave", "deleteMessageWave"]);
});

Deno.test("the HTML importer trims an anchor's name: a link never carries a space", () => {
  const page = (anchor: string) =>
    `<h4><a class="anchor" name="${anchor}" href="#${anchor}"></a>getWave</h4>`
    + `<p>A method. Returns a <a href="#user">User</a> object.</p>`;
  const imported = importOfficialHtml(`<h3>Recent changes</h3><h4>Bot API 1.0</h4>${page("getwave ")}`);
  assert.deepEqual(imported.methods.map((m) => m.link), ["#getwave"]);
});
