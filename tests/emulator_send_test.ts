import assert from "node:assert/strict";
import { Api } from "../api/client.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function world() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "send_bot" });
  const alice = emu.createUser({ first_name: "Alice", username: "alice_w" });
  return { emu, bot, alice };
}

Deno.test("parameters arrive as GET query, urlencoded form and multipart form alike", async () => {
  const { emu, bot, alice } = await world();
  try {
    const viaQuery = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage?chat_id=${alice.id}&text=q`);
    assert.equal((await viaQuery.json()).result.text, "q");
    const viaForm = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: String(alice.id), text: "f", disable_notification: "true" }),
    });
    assert.equal((await viaForm.json()).result.text, "f");
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("text", "m");
    form.set("reply_markup", JSON.stringify({ inline_keyboard: [[{ text: "Go", callback_data: "go" }]] }));
    const viaMultipart = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      body: form,
    });
    const result = (await viaMultipart.json()).result;
    assert.equal(result.text, "m");
    assert.deepEqual(result.reply_markup, { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] });
    assert.deepEqual(emu.transcript(alice.id).map((m) => m.message_id), [1, 2, 3]);
    const byUsername = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: "@alice_w",
      text: "u",
    });
    assert.equal(byUsername.chat.id, alice.id);
  } finally {
    await emu.close();
  }
});

Deno.test("parse_mode HTML and MarkdownV2 become entities; broken markup is a 400", async () => {
  const { emu, bot, alice } = await world();
  try {
    const html = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "<b>bold</b> and <a href=\"https://x.test\">link</a> &amp; /help",
      parse_mode: "HTML",
    });
    assert.equal(html.text, "bold and link & /help");
    assert.deepEqual(html.entities, [
      { type: "bold", offset: 0, length: 4 },
      { type: "text_link", offset: 9, length: 4, url: "https://x.test" },
      { type: "bot_command", offset: 16, length: 5 },
    ]);
    const md = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "*hi* _there_ `x` done\\.",
      parse_mode: "MarkdownV2",
    });
    assert.equal(md.text, "hi there x done.");
    assert.deepEqual(md.entities.map((e: Any) => e.type), ["bold", "italic", "code"]);
    const broken = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "<b>x",
      parse_mode: "HTML",
    });
    assert.equal(broken.status, 400);
    assert.match(broken.body.description, /^Bad Request: can't parse entities/);
    const reserved = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "a.b",
      parse_mode: "MarkdownV2",
    });
    assert.equal(reserved.status, 400);
    // As the server reads them: a parse mode in any case wins over the call's entities, which are
    // dropped; "none" parses nothing and keeps them.
    const italic = [{ type: "italic", offset: 0, length: 3 }];
    const both = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "<b>b</b>",
      parse_mode: "html",
      entities: italic,
    });
    assert.equal(both.text, "b");
    assert.deepEqual(both.entities, [{ type: "bold", offset: 0, length: 1 }]);
    const none = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "<b>",
      parse_mode: "None",
      entities: italic,
    });
    assert.equal(none.text, "<b>");
    assert.deepEqual(none.entities, italic);
    const unknown = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "x",
      parse_mode: "BBCode",
    });
    assert.equal(unknown.body.description, "Bad Request: Unsupported parse_mode");
    // Names of Object.prototype are neither tags nor named entities.
    const literal = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "a &constructor; b",
      parse_mode: "HTML",
    });
    assert.equal(literal.text, "a &constructor; b");
    const tag = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "<constructor>hi</constructor>",
      parse_mode: "HTML",
    });
    assert.equal(tag.status, 400);
  } finally {
    await emu.close();
  }
});

Deno.test("uploads are stored with file_id/file_unique_id; getFile and /file/bot<token>/ download them", async () => {
  const { emu, bot, alice } = await world();
  try {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 250]);
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("caption", "a doc");
    form.set("document", new File([bytes], "report.bin", { type: "application/octet-stream" }));
    const sent =
      (await (await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument`, { method: "POST", body: form }))
        .json())
        .result;
    assert.equal(sent.caption, "a doc");
    assert.equal(sent.document.file_name, "report.bin");
    assert.equal(sent.document.file_size, 6);
    assert.ok(sent.document.file_id.length > 10 && sent.document.file_unique_id.length > 4);
    const file = await ok<Any>(emu.apiRoot, bot.token, "getFile", { file_id: sent.document.file_id });
    assert.equal(file.file_size, 6);
    const download = await fetch(`${emu.apiRoot}/file/bot${bot.token}/${file.file_path}`);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);
    const stranger = await fetch(`${emu.apiRoot}/file/bot1:unknown/${file.file_path}`);
    assert.equal(stranger.status, 401, "downloads need a known token too");
    assert.deepEqual(await stranger.json(), { ok: false, error_code: 401, description: "Unauthorized" });
    const again = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
      chat_id: alice.id,
      photo: sent.document.file_id,
    });
    assert.equal(again.photo[0].file_id, sent.document.file_id, "a known file_id is reused");
    const bad = await call(emu.apiRoot, bot.token, "sendPhoto", { chat_id: alice.id, photo: "nonsense" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.description, "Bad Request: wrong file identifier/HTTP URL specified");
    const missing = await call(emu.apiRoot, bot.token, "getFile", { file_id: "nope" });
    assert.equal(missing.body.description, "Bad Request: invalid file_id");
    const notThere = await fetch(`${emu.apiRoot}/file/bot${bot.token}/documents/none`);
    assert.equal(notThere.status, 404);
    await notThere.body?.cancel();
  } finally {
    await emu.close();
  }
});

Deno.test("a file's name is read as the Bot API server reads it: an '=' or a non-ASCII name kept whole", async () => {
  const { emu, bot, alice } = await world();
  try {
    const api = new Api(bot.token, { apiRoot: emu.apiRoot });
    const names: string[] = [];
    for (const name of ["a=b.txt", "x = y.pdf", "résumé 📄.pdf", "Q1; Q2.pdf", "a%41 100%.txt"]) {
      // deno-lint-ignore no-explicit-any
      const sent: any = await api.sendDocument(alice.id, [name, new Blob(["x"])]);
      names.push(sent.document.file_name);
    }
    // Our client escapes `;` as %3B and `%` as %25, which the server decodes back (RFC 7578).
    assert.deepEqual(names, ["a=b.txt", "x = y.pdf", "résumé 📄.pdf", "Q1; Q2.pdf", "a%41 100%.txt"]);
  } finally {
    await emu.close();
  }
});

Deno.test("a part's Content-Disposition is read as td's HttpReader reads it: quotes, escapes, percent-decoding", async () => {
  const { emu, bot, alice } = await world();
  try {
    const boundary = "b0undary";
    const send = async (disposition: string) => {
      const body = [
        `--${boundary}`,
        `Content-Disposition: form-data; name="chat_id"`,
        "",
        String(alice.id),
        `--${boundary}`,
        `Content-Disposition: ${disposition}`,
        "Content-Type: text/plain",
        "",
        "hello",
        `--${boundary}--`,
        "",
      ].join("\r\n");
      const r = await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument`, {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
      const answer = await r.json();
      return answer.ok ? answer.result.document.file_name : answer.description;
    };
    const cases: [string, string][] = [
      // A quoted string runs to its closing quote: a `;` inside is part of the name.
      [`form-data; name="document"; filename="notes;v2.txt"`, "notes;v2.txt"],
      // `\` escapes the next character.
      [`form-data; name="document"; filename="say \\"hi\\".txt"`, `say "hi".txt`],
      // Then percent-decoded, quoted or not (a `+` stays).
      [`form-data; name="document"; filename="%22a%3Bb%22+c.txt"`, `"a;b"+c.txt`],
      [`form-data; name="document"; filename=plain%20name.txt ; x=1`, "plain name.txt"],
      // A later filename wins.
      [`form-data; name="document"; filename="one.txt"; filename="two.txt"`, "two.txt"],
      // Malformed quoting is the server's 400.
      [
        `form-data; name="document"; filename="open.txt`,
        "Bad Request: unclosed quoted string in Content-Disposition header",
      ],
      [
        `form-data; name="document"; filename="a.txt" b`,
        "Bad Request: expected ';' in Content-Disposition header",
      ],
    ];
    for (const [disposition, expected] of cases) assert.equal(await send(disposition), expected, disposition);
    // The server ignores filename*: a part named only by it is a plain field, no file.
    const starOnly = await send(`form-data; name="document"; filename*=UTF-8''r%C3%A9.txt`);
    assert.equal(starOnly, "Bad Request: wrong file identifier/HTTP URL specified", "'hello' is no file_id");
  } finally {
    await emu.close();
  }
});

Deno.test("our Api client uploads a photo by multipart and downloads it back", async () => {
  const { emu, bot, alice } = await world();
  try {
    const api = new Api(bot.token, { apiRoot: emu.apiRoot });
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    const message: Any = await api.sendPhoto(alice.id, ["pic.jpg", bytes], { caption: "look" });
    assert.equal(message.caption, "look");
    const chunks: Uint8Array[] = [];
    await api.downloadFile(
      message.photo[0].file_id,
      new WritableStream({ write: (c) => void chunks.push(c) }),
    );
    const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) got.set(c, (at += c.length) - c.length);
    assert.deepEqual(got, bytes);
  } finally {
    await emu.close();
  }
});

Deno.test("sendMediaGroup stores one message per item with a shared media_group_id and attach:// parts", async () => {
  const { emu, bot, alice } = await world();
  try {
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set(
      "media",
      JSON.stringify([
        { type: "photo", media: "attach://one", caption: "first" },
        { type: "photo", media: "attach://two" },
      ]),
    );
    form.set("one", new File([new Uint8Array([1])], "one.jpg"));
    form.set("two", new File([new Uint8Array([2, 2])], "two.jpg"));
    const answer =
      await (await fetch(`${emu.apiRoot}/bot${bot.token}/sendMediaGroup`, { method: "POST", body: form }))
        .json();
    assert.equal(answer.ok, true, JSON.stringify(answer));
    const [a, b] = answer.result;
    assert.equal(a.media_group_id, b.media_group_id);
    assert.equal(a.caption, "first");
    assert.equal(b.photo[0].file_size, 2);
    assert.equal(b.message_id, a.message_id + 1);
    // TDLib's send_message_group sends a lone item as a message of its own (no media_group_id); only an
    // empty album is refused.
    const alone = await ok<Any[]>(emu.apiRoot, bot.token, "sendMediaGroup", {
      chat_id: alice.id,
      media: [{ type: "photo", media: a.photo[0].file_id }],
    });
    assert.equal(alone.length, 1);
    assert.equal(alone[0].media_group_id, undefined);
    assert.equal(alone[0].photo.at(-1).file_id, a.photo.at(-1).file_id);
    const none = await call(emu.apiRoot, bot.token, "sendMediaGroup", { chat_id: alice.id, media: [] });
    assert.equal(none.status, 400);
    assert.equal(none.body.description, "Bad Request: there are no messages to send");
  } finally {
    await emu.close();
  }
});

Deno.test("location, venue, contact, dice, poll, chat action, invoice and game messages", async () => {
  const { emu, bot, alice } = await world();
  try {
    const send = (method: string, params: Record<string, unknown>) =>
      ok<Any>(emu.apiRoot, bot.token, method, { chat_id: alice.id, ...params });
    assert.deepEqual((await send("sendLocation", { latitude: 52.37, longitude: 4.89 })).location, {
      latitude: 52.37,
      longitude: 4.89,
    });
    const venue = await send("sendVenue", { latitude: 1, longitude: 2, title: "Cafe", address: "Main st" });
    assert.equal(venue.venue.title, "Cafe");
    assert.equal(
      (await send("sendContact", { phone_number: "+31", first_name: "Bob" })).contact.first_name,
      "Bob",
    );
    const dice = await send("sendDice", { emoji: "🎯" });
    assert.ok(dice.dice.value >= 1 && dice.dice.value <= 6);
    const poll = await send("sendPoll", { question: "Tea?", options: [{ text: "yes" }, { text: "no" }] });
    assert.deepEqual(poll.poll.options.map((o: Any) => o.text), ["yes", "no"]);
    assert.equal(await send("sendChatAction", { action: "typing" }), true);
    const badAction = await call(emu.apiRoot, bot.token, "sendChatAction", {
      chat_id: alice.id,
      action: "dancing",
    });
    assert.equal(badAction.status, 400);
    const invoice = await send("sendInvoice", {
      title: "Tea",
      description: "Green",
      payload: "p1",
      currency: "EUR",
      prices: [{ label: "tea", amount: 250 }, { label: "tip", amount: 50 }],
    });
    assert.equal(invoice.invoice.total_amount, 300);
    assert.equal((await send("sendGame", { game_short_name: "snake" })).game.title, "snake");
    const sticker = await send("sendSticker", { sticker: "https://example.test/s.webp" });
    assert.equal(sticker.sticker.type, "regular");
  } finally {
    await emu.close();
  }
});

Deno.test("forwardMessage carries forward_origin; copyMessage returns a MessageId and may replace the caption", async () => {
  const { emu, bot, alice } = await world();
  try {
    const group = emu.createGroup({ title: "G", members: [alice], bots: [bot] });
    const original = await alice.sendText(alice.id, "forward me");
    const forwarded = await ok<Any>(emu.apiRoot, bot.token, "forwardMessage", {
      chat_id: group.id,
      from_chat_id: alice.id,
      message_id: original.message_id,
    });
    assert.equal(forwarded.text, "forward me");
    assert.equal(forwarded.forward_origin.type, "user");
    assert.equal(forwarded.forward_origin.sender_user.id, alice.id);
    const copied = await ok<Any>(emu.apiRoot, bot.token, "copyMessage", {
      chat_id: group.id,
      from_chat_id: alice.id,
      message_id: original.message_id,
    });
    assert.deepEqual(Object.keys(copied), ["message_id"]);
    const copy = emu.message(group.id, copied.message_id)!;
    assert.equal(copy.text, "forward me");
    assert.equal(copy.forward_origin, undefined);
    const ids = await ok<Any>(emu.apiRoot, bot.token, "forwardMessages", {
      chat_id: group.id,
      from_chat_id: alice.id,
      message_ids: [original.message_id],
    });
    assert.equal(ids.length, 1);
    const missing = await call(emu.apiRoot, bot.token, "forwardMessage", {
      chat_id: group.id,
      from_chat_id: alice.id,
      message_id: 999,
    });
    assert.equal(missing.body.description, "Bad Request: message to forward not found");
  } finally {
    await emu.close();
  }
});

Deno.test("reply_parameters nest the replied message; sending to a chat the bot is not in is 403", async () => {
  const { emu, bot, alice } = await world();
  try {
    const asked = await alice.sendText(alice.id, "question");
    const reply = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "answer",
      reply_parameters: { message_id: asked.message_id },
    });
    assert.equal(reply.reply_to_message.text, "question");
    const lonely = emu.createGroup({ title: "No bots", members: [alice] });
    const denied = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: lonely.id, text: "hi" });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.description, "Forbidden: bot is not a member of the group chat");
    const bigger = emu.createGroup({ title: "No bots either", type: "supergroup", members: [alice] });
    const deniedThere = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: bigger.id, text: "hi" });
    assert.equal(deniedThere.body.description, "Forbidden: bot is not a member of the supergroup chat");
    alice.block(bot);
    const blocked = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "hi" });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.description, "Forbidden: bot was blocked by the user");
  } finally {
    await emu.close();
  }
});
