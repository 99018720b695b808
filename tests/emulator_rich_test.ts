import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { messageView } from "../testing/ui/view.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "rich_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  return { emu, bot, alice };
}

Deno.test("sendRichMessage: blocks become a RichMessage in the chat, media stored, list labels and map frame filled", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const form = new FormData();
  form.set("chat_id", String(alice.id));
  form.set(
    "rich_message",
    JSON.stringify({
      blocks: [
        { type: "heading", text: "Report", size: 1 },
        { type: "paragraph", text: ["plain ", { type: "bold", text: "bold" }] },
        {
          type: "list",
          items: [
            { blocks: [{ type: "paragraph", text: "first" }], type: "1" },
            { blocks: [{ type: "paragraph", text: "fourth" }], type: "I", value: 4 },
          ],
        },
        { type: "map", location: { latitude: 1, longitude: 2 } },
        { type: "photo", photo: { type: "photo", media: "attach://pic" }, caption: { text: "a photo" } },
      ],
    }),
  );
  form.set("pic", new File([new Uint8Array(20)], "pic.jpg", { type: "image/jpeg" }));
  const r = await fetch(`${root}/bot${bot.token}/sendRichMessage`, { method: "POST", body: form });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  const message: Any = body.result;
  assert.equal(message.chat.id, alice.id);
  assert.equal(message.from.id, bot.id);
  const blocks = message.rich_message.blocks;
  assert.deepEqual(blocks.slice(0, 2), [
    { type: "heading", text: "Report", size: 1 },
    { type: "paragraph", text: ["plain ", { type: "bold", text: "bold" }] },
  ]);
  assert.deepEqual(blocks[2].items.map((i: Any) => i.label), ["1.", "IV."]);
  assert.deepEqual(blocks[3], {
    type: "map",
    location: { latitude: 1, longitude: 2 },
    zoom: 15,
    width: 320,
    height: 240,
  });
  assert.equal(blocks[4].type, "photo");
  assert.deepEqual(blocks[4].caption, { text: "a photo" });
  const fileId = blocks[4].photo[0].file_id;
  const file: Any = await ok(root, bot.token, "getFile", { file_id: fileId });
  assert.equal(file.file_size, 20);
  // The message is in the chat like any other: the transcript and the bot's next message.
  assert.deepEqual(emu.transcript(alice.id, { bot }).at(-1), message);
  assert.deepEqual(await emu.nextBotMessage(alice.id, { bot }), message);
});

Deno.test("sendRichMessage: Markdown and HTML are read into headings, paragraphs, code, quotes, lists and dividers", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const fromMarkdown: Any = await ok(root, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: { markdown: "# Title\n\nsome text\nmore\n\n```ts\nlet x = 1;\n```\n> quoted\n- item\n---" },
  });
  assert.deepEqual(fromMarkdown.rich_message.blocks, [
    { type: "heading", text: "Title", size: 1 },
    { type: "paragraph", text: "some text\nmore" },
    { type: "pre", text: "let x = 1;", language: "ts" },
    { type: "blockquote", blocks: [{ type: "paragraph", text: "quoted" }] },
    { type: "list", items: [{ label: "•", blocks: [{ type: "paragraph", text: "item" }] }] },
    { type: "divider" },
  ]);
  const fromHtml: Any = await ok(root, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: { html: "<h2>Hi</h2><p>a <b>b</b> &amp; c</p><hr>tail", is_rtl: true },
  });
  assert.deepEqual(fromHtml.rich_message, {
    blocks: [
      { type: "heading", text: "Hi", size: 2 },
      { type: "paragraph", text: "a b & c" },
      { type: "divider" },
      { type: "paragraph", text: "tail" },
    ],
    is_rtl: true,
  });
});

Deno.test("sendRichMessage: refuses no content, two sources, an unknown file and an unknown chat", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const send = (rich_message: unknown, chat_id: unknown = alice.id) =>
    call(root, bot.token, "sendRichMessage", { chat_id, rich_message });
  const empty = await send({ markdown: "   \n\n" });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.description, "Bad Request: message text is empty");
  const both = await send({ markdown: "a", html: "<p>a</p>" });
  assert.equal(both.status, 400);
  assert.match(both.body.description, /exactly one of blocks, html and markdown/);
  const badFile = await send({
    blocks: [{ type: "document", document: { type: "document", media: "nope" } }],
  });
  assert.equal(badFile.status, 400);
  assert.equal(badFile.body.description, "Bad Request: wrong file identifier/HTTP URL specified");
  // RichText is a string, an array of RichText or a typed object, checked against the spec.
  const badText = await send({ blocks: [{ type: "paragraph", text: { type: "bold" } }] });
  assert.equal(badText.status, 400);
  assert.match(badText.body.description, /rich_message\.blocks\[0\]\.text/);
  const noChat = await send({ markdown: "a" }, 424242);
  assert.equal(noChat.body.description, "Bad Request: chat not found");
  assert.equal(emu.transcript(alice.id, { bot }).length, 0);
});

Deno.test("sendRichMessage: in a channel it is a post sent by the channel", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const channel = emu.createChannel({ title: "News", members: [alice], bots: [bot] });
  const post: Any = await ok(root, bot.token, "sendRichMessage", {
    chat_id: channel.id,
    rich_message: { markdown: "breaking" },
    protect_content: true,
  });
  assert.equal(post.sender_chat.id, channel.id);
  assert.equal(post.from, undefined);
  assert.equal(post.has_protected_content, true);
  assert.deepEqual(emu.transcript(channel.id).map((m: Any) => m.rich_message), [post.rich_message]);
});

Deno.test("sendRichMessageDraft: a private chat's draft holds the RichMessage; groups and draft id 0 are refused", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  await ok(root, bot.token, "sendRichMessageDraft", {
    chat_id: alice.id,
    draft_id: 3,
    rich_message: { markdown: "## Thinking\n\nstep one" },
  });
  assert.deepEqual(emu.draft(alice.id, { bot }), {
    draft_id: 3,
    rich_message: {
      blocks: [{ type: "heading", text: "Thinking", size: 2 }, { type: "paragraph", text: "step one" }],
    },
  });
  assert.equal(emu.transcript(alice.id, { bot }).length, 0, "a draft is not a message");
  const zero = await call(root, bot.token, "sendRichMessageDraft", {
    chat_id: alice.id,
    draft_id: 0,
    rich_message: { markdown: "x" },
  });
  assert.equal(zero.body.description, "Bad Request: DRAFT_ID_INVALID");
  const group = emu.createGroup({ title: "g", members: [alice], bots: [bot] });
  const inGroup = await call(root, bot.token, "sendRichMessageDraft", {
    chat_id: group.id,
    draft_id: 1,
    rich_message: { markdown: "x" },
  });
  assert.equal(inGroup.body.description, "Bad Request: TEXTDRAFT_PEER_INVALID");
});

Deno.test("a rich message shows in the web UI as its plain text, one block a line", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const message: Any = await ok(emu.apiRoot, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: {
      blocks: [
        { type: "heading", text: "Plan", size: 2 },
        { type: "paragraph", text: ["go ", { type: "italic", text: "now" }] },
        { type: "list", items: [{ blocks: [{ type: "paragraph", text: "pack" }], type: "1" }] },
        { type: "divider" },
      ],
    },
  });
  const view = messageView(emu.chat(alice.id, bot), message);
  assert.equal(view.text, "Plan\ngo now\n1. pack\n———");
  assert.equal(view.note, undefined);
});

Deno.test("sendRichMessage with ephemeral_message_parameters: only the receiver sees it, the chat's log does not", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "g", type: "supergroup", members: [alice, bob], bots: [bot] });
  const sent: Any = await ok(emu.apiRoot, bot.token, "sendRichMessage", {
    chat_id: group.id,
    rich_message: { markdown: "for Bob only" },
    ephemeral_message_parameters: { receiver_user_id: bob.id },
  });
  assert.equal(sent.receiver_user.id, bob.id);
  assert.deepEqual(emu.ephemeralMessages(group.id, bob).map((m: Any) => m.rich_message), [sent.rich_message]);
  assert.deepEqual(emu.ephemeralMessages(group.id, alice), []);
  assert.equal(emu.transcript(group.id).length, 0);
});

Deno.test("sendRichMessage: media listed in `media` follow the text; media inside nested blocks are stored too", async () => {
  const { emu, bot, alice } = await setup();
  await using _ = emu;
  const root = emu.apiRoot;
  const sent: Any = await ok(root, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: {
      markdown: "listen",
      media: [{ id: "v1", media: { type: "voice_note", media: "https://example.org/note.ogg" } }],
    },
  });
  const [text, voice] = sent.rich_message.blocks;
  assert.deepEqual(text, { type: "paragraph", text: "listen" });
  assert.equal(voice.type, "voice_note");
  assert.equal(voice.voice_note.mime_type, "audio/ogg");
  assert.equal(typeof voice.voice_note.file_id, "string");

  const nested: Any = await ok(root, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: {
      blocks: [{
        type: "blockquote",
        blocks: [{ type: "document", document: { type: "document", media: "https://example.org/r.pdf" } }],
      }],
    },
  });
  const inner = nested.rich_message.blocks[0].blocks[0];
  assert.equal(inner.document.file_name, "r.pdf");
  const twice = await call(root, bot.token, "sendRichMessage", {
    chat_id: alice.id,
    rich_message: {
      markdown: "x",
      media: [
        { id: "a", media: { type: "photo", media: "https://example.org/1.jpg" } },
        { id: "a", media: { type: "photo", media: "https://example.org/2.jpg" } },
      ],
    },
  });
  assert.equal(twice.status, 400);
});
