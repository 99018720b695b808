// Formatting as Telegram does it: MarkdownV2 code fences with their language line, e-mail and phone number
// detection, hashtags in any script, and parse_mode inside each InputMedia of sendMediaGroup
// (Client.cpp get_input_media reads caption, parse_mode and caption_entities per item).
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "fmt_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  return {
    emu,
    bot,
    alice,
    send: (params: Record<string, unknown>) =>
      ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, ...params }),
  };
}

Deno.test("MarkdownV2 code fences: the word after the fence is the language; the line breaks around the code are not kept", async () => {
  const { emu, send } = await setup();
  await using _ = emu;
  const fenced = await send({ text: "Run:\n```python\nprint(1)\n```", parse_mode: "MarkdownV2" });
  assert.equal(fenced.text, "Run:\nprint(1)");
  assert.deepEqual(fenced.entities, [{ type: "pre", offset: 5, length: 8, language: "python" }]);
  const bare = await send({ text: "```\nx = 1\n```", parse_mode: "MarkdownV2" });
  assert.equal(bare.text, "x = 1");
  assert.deepEqual(bare.entities, [{ type: "pre", offset: 0, length: 5 }]);
  const escaped = await send({ text: "`a\\`b`", parse_mode: "MarkdownV2" });
  assert.equal(escaped.text, "a`b");
  assert.deepEqual(escaped.entities, [{ type: "code", offset: 0, length: 3 }]);
});

Deno.test("plain text: e-mail addresses and phone numbers are detected; hashtags in any script, not digits only", async () => {
  const { emu, send } = await setup();
  await using _ = emu;
  const contact = await send({ text: "write bob@example.com or call +1 (555) 123-4567" });
  assert.deepEqual(contact.entities, [
    { type: "email", offset: 6, length: 15 },
    { type: "phone_number", offset: 30, length: 17 },
  ]);
  const tags = await send({ text: "#café #東京 #2024 #v2" });
  assert.deepEqual(tags.entities.map((e: Any) => tags.text.slice(e.offset, e.offset + e.length)), [
    "#café",
    "#東京",
    "#v2",
  ]);
  const none = await send({ text: "a+b=c, x@y, 1+2" });
  assert.equal(none.entities, undefined);
});

Deno.test("sendMediaGroup applies each item's own parse_mode to its caption", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const form = new FormData();
  form.append("chat_id", String(alice.id));
  form.append(
    "media",
    JSON.stringify([
      { type: "photo", media: "attach://a", caption: "<b>bold</b> one", parse_mode: "HTML" },
      { type: "photo", media: "attach://b", caption: "*two*", parse_mode: "MarkdownV2" },
      { type: "photo", media: "attach://c", caption: "<b>as is</b>" },
    ]),
  );
  for (const name of ["a", "b", "c"]) {
    form.append(name, new Blob([new Uint8Array([1, 2])], { type: "image/jpeg" }), `${name}.jpg`);
  }
  const r = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMediaGroup`, { method: "POST", body: form });
  const sent = (await r.json()).result;
  assert.deepEqual(sent.map((m: Any) => m.caption), ["bold one", "two", "<b>as is</b>"]);
  assert.deepEqual(sent[0].caption_entities, [{ type: "bold", offset: 0, length: 4 }]);
  assert.deepEqual(sent[1].caption_entities, [{ type: "bold", offset: 0, length: 3 }]);
  assert.equal(sent[2].caption_entities, undefined);
});

Deno.test("tg://user?id= links become text_mention entities carrying the user: HTML, MarkdownV2, Markdown, captions", async () => {
  const { emu, bot, alice, send } = await setup();
  await using _ = emu;
  const bob = emu.createUser({ first_name: "Bob", last_name: "Stone" });
  const user = { id: bob.id, is_bot: false, first_name: "Bob", last_name: "Stone" };
  const mention = [{ type: "text_mention", offset: 0, length: 3, user }];
  const cases: [string, string][] = [
    [`<a href="tg://user?id=${bob.id}">Bob</a>, hi`, "HTML"],
    [`[Bob](tg://user?id=${bob.id}), hi`, "MarkdownV2"],
    [`[Bob](tg://user?id=${bob.id}), hi`, "Markdown"],
    // td reads the link in any case, with or without the slashes, and takes its first id parameter.
    [`<a href="TG:User/?ID=${bob.id}&id=1">Bob</a>, hi`, "HTML"],
  ];
  for (const [text, parse_mode] of cases) {
    const sent = await send({ text, parse_mode });
    assert.equal(sent.text, "Bob, hi");
    assert.deepEqual(sent.entities, mention, `${parse_mode}: ${text}`);
  }
  const photo = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
    chat_id: alice.id,
    photo: "https://x.test/p.jpg",
    caption: `<a href="tg://user?id=${bob.id}">Bob</a>, hi`,
    parse_mode: "HTML",
  });
  assert.deepEqual(photo.caption_entities, mention);
  // A text link given as an entity is read the same way.
  const given = await send({
    text: "Bob, hi",
    entities: [{ type: "text_link", offset: 0, length: 3, url: `tg://user?id=${bob.id}` }],
  });
  assert.deepEqual(given.entities, mention);
  // An id the emulator knows no account of mentions nobody: the label stays plain text (README).
  const unknown = await send({
    text: `<a href="tg://user?id=987654321">Nobody</a> here`,
    parse_mode: "HTML",
  });
  assert.equal(unknown.text, "Nobody here");
  assert.equal(unknown.entities, undefined);
  // Other tg: links stay links.
  const resolve = await send({ text: `<a href="tg://resolve?domain=fmt_bot">bot</a>`, parse_mode: "HTML" });
  assert.deepEqual(resolve.entities, [{
    type: "text_link",
    offset: 0,
    length: 3,
    url: "tg://resolve?domain=fmt_bot",
  }]);
});

Deno.test("after parse_mode, nothing is detected inside code or pre: an @name there is no mention", async () => {
  const { emu, send } = await setup();
  await using _ = emu;
  const md = await send({
    text: "ask `@someone` or\n```\n@someone bob@example.com\n```",
    parse_mode: "MarkdownV2",
  });
  assert.deepEqual(md.entities.map((e: Any) => e.type), ["code", "pre"]);
  const html = await send({ text: "<code>@someone</code> or @someone", parse_mode: "HTML" });
  assert.equal(html.text, "@someone or @someone");
  assert.deepEqual(html.entities, [
    { type: "code", offset: 0, length: 8 },
    { type: "mention", offset: 12, length: 8 },
  ]);
});
