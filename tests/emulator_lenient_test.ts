// The emulator reads calls as the real Bot API server (tdlib/telegram-bot-api, telegram-bot-api/Client.cpp)
// does, and refuses what the server tolerates only in strict mode. Each test names the server code it follows.
import assert from "node:assert/strict";
import { BotApiEmulator, type EmulatorWarning } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);

async function multipart(
  apiRoot: string,
  token: string,
  method: string,
  query: string,
  fields: Record<string, string | Blob>,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") form.append(k, v);
    else form.append(k, v, "upload.bin");
  }
  const r = await fetch(`${apiRoot}/bot${token}/${method}${query}`, { method: "POST", body: form });
  return { status: r.status, body: await r.json() as Any };
}

for (const strict of [false, true]) {
  Deno.test(`an empty string parameter does not hide the uploaded file of the same name (strict: ${strict})`, async () => {
    // Client.cpp get_input_file: the string is used only when non-empty; else the multipart part of that name.
    await using emu = await BotApiEmulator.start({ strict });
    const bot = emu.createBot({ username: "upload_bot" });
    const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
    const inQuery = await multipart(emu.apiRoot, bot.token, "sendPhoto", `?chat_id=${alice.id}&photo=`, {
      photo: new Blob([PNG], { type: "image/png" }),
    });
    assert.equal(inQuery.status, 200, JSON.stringify(inQuery.body));
    assert.equal(inQuery.body.result.photo.at(-1).file_size, PNG.byteLength);
    const inForm = await multipart(emu.apiRoot, bot.token, "sendDocument", "", {
      chat_id: String(alice.id),
      document: "",
    });
    assert.equal(inForm.status, 400);
    // process_send_document_query: "There is no document in the request", lower-cased by fail_query_with_error.
    assert.equal(inForm.body.description, "Bad Request: there is no document in the request");
    const both = await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument?document=`, {
      method: "POST",
      body: (() => {
        const f = new FormData();
        f.append("chat_id", String(alice.id));
        f.append("document", new Blob([PNG]), "a.bin");
        return f;
      })(),
    });
    const doc = await both.json();
    assert.equal(both.status, 200, JSON.stringify(doc));
    assert.equal(doc.result.document.file_name, "a.bin");
    const file = await ok<Any>(emu.apiRoot, bot.token, "getFile", { file_id: doc.result.document.file_id });
    const bytes = new Uint8Array(
      await (await fetch(`${emu.apiRoot}/file/bot${bot.token}/${file.file_path}`)).arrayBuffer(),
    );
    assert.deepEqual(bytes, PNG);
  });
}

Deno.test("of two parameters with one name the first counts: the query string's, then the body's first", async () => {
  // Query::arg finds the first of the args HttpReader collected: the URL's, then the body's, in order.
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "first_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const send = async (query: string, body: BodyInit, type?: string) => {
    const headers = type === undefined ? undefined : { "content-type": type };
    const r = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage${query}`, {
      method: "POST",
      headers,
      body,
    });
    const answer = await r.json() as Any;
    assert.equal(r.status, 200, JSON.stringify(answer));
    return answer.result.text as string;
  };
  const form = "application/x-www-form-urlencoded";
  assert.equal(await send(`?chat_id=${alice.id}&text=first&text=second`, "", form), "first");
  assert.equal(await send("", `chat_id=${alice.id}&text=first&text=second`, form), "first");
  assert.equal(await send(`?text=query`, `chat_id=${alice.id}&text=body`, form), "query");
  assert.equal(
    await send(`?text=query`, JSON.stringify({ chat_id: alice.id, text: "body" }), "application/json"),
    "query",
  );
  const fields = new FormData();
  fields.append("chat_id", String(alice.id));
  fields.append("text", "first");
  fields.append("text", "second");
  assert.equal(await send("", fields), "first");
  assert.equal(await send(`?text=query`, fields), "query");
});

Deno.test("unknown parameters are ignored with a warning; strict mode refuses them", async () => {
  const seen: EmulatorWarning[] = [];
  await using emu = await BotApiEmulator.start({ onWarning: (w) => seen.push(w) });
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const sent = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "hi",
    a_parameter_from_bot_api_99: { x: 1 },
  });
  assert.equal(sent.text, "hi");
  assert.equal(sent.a_parameter_from_bot_api_99, undefined);
  assert.deepEqual(seen, [{
    method: "sendMessage",
    parameter: "a_parameter_from_bot_api_99",
    message: "unknown parameter ignored",
  }]);
  assert.deepEqual(emu.warnings, seen);

  await using strictEmu = await BotApiEmulator.start({ strict: true });
  const strictBot = strictEmu.createBot({ username: "strict_bot" });
  const strictAlice = strictEmu.createUser({ first_name: "Alice", startedBots: [strictBot] });
  const refused = await call(strictEmu.apiRoot, strictBot.token, "sendMessage", {
    chat_id: strictAlice.id,
    text: "hi",
    a_parameter_from_bot_api_99: 1,
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.description, "Bad Request: unknown parameter \"a_parameter_from_bot_api_99\"");
  assert.deepEqual(strictEmu.warnings, []);
});

Deno.test("integers are read as td::to_integer reads them; booleans as to_bool (true/yes/1, any case)", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const poll = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: alice.id,
    question: "?",
    options: [{ text: "a" }, { text: "b" }],
    close_date: 1796119999.123,
    is_anonymous: "No",
    allows_multiple_answers: " YES ",
  });
  assert.equal(poll.poll.is_anonymous, false);
  assert.equal(poll.poll.allows_multiple_answers, true);
  const form = await fetch(
    `${emu.apiRoot}/bot${bot.token}/sendMessage?chat_id=${alice.id}&text=x&message_thread_id=7abc&protect_content=Yes`,
  );
  const sent = (await form.json()).result;
  assert.equal(sent.message_thread_id, 7);
  assert.equal(sent.has_protected_content, true);
  const messages = emu.warnings.map((w) => `${w.parameter}: ${w.message}`);
  assert.deepEqual(messages, [
    "close_date: 1796119999.123 read as the integer 1796119999",
    "is_anonymous: \"No\" read as false",
    "allows_multiple_answers: \" YES \" read as true",
    "message_thread_id: \"7abc\" read as the integer 7",
    "protect_content: \"Yes\" read as true",
  ]);

  await using strictEmu = await BotApiEmulator.start({ strict: true });
  const strictBot = strictEmu.createBot({ username: "strict_bot" });
  const strictAlice = strictEmu.createUser({ first_name: "Alice", startedBots: [strictBot] });
  const refused = await call(strictEmu.apiRoot, strictBot.token, "sendMessage", {
    chat_id: strictAlice.id,
    text: "x",
    protect_content: "yes",
  });
  assert.equal(refused.status, 400);
});

Deno.test("legacy forms: plain string poll options, correct_option_id, partial ChatAdministratorRights", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  // Client.cpp process_send_poll_query reads correct_option_id when correct_option_ids is absent.
  const quiz = await ok<Any>(emu.apiRoot, bot.token, "sendPoll", {
    chat_id: alice.id,
    question: "2+2?",
    options: ["3", "4"],
    type: "quiz",
    correct_option_id: 1,
  });
  assert.deepEqual(quiz.poll.options.map((o: Any) => o.text), ["3", "4"]);
  assert.deepEqual(quiz.poll.correct_option_ids, [1]);
  await ok(emu.apiRoot, bot.token, "setMyDefaultAdministratorRights", {
    rights: { can_delete_messages: true, is_anonymous: false },
  });
  const rights = await ok<Any>(emu.apiRoot, bot.token, "getMyDefaultAdministratorRights");
  assert.equal(rights.can_delete_messages, true);
  assert.equal(rights.can_manage_chat, false);
  assert.ok(emu.warnings.some((w) => w.parameter === "rights" && /read as false/.test(w.message)));

  await using strictEmu = await BotApiEmulator.start({ strict: true });
  const strictBot = strictEmu.createBot({ username: "strict_bot" });
  const refused = await call(strictEmu.apiRoot, strictBot.token, "setMyDefaultAdministratorRights", {
    rights: { can_delete_messages: true },
  });
  assert.equal(refused.status, 400);
});
Deno.test("legacy sticker forms: png_sticker + emojis, thumb, and setStickerSetThumbnail's default format", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  // Client.cpp get_legacy_input_sticker: png_sticker (static), tgs_sticker, webm_sticker with emojis.
  const created = await multipart(emu.apiRoot, bot.token, "createNewStickerSet", "", {
    user_id: String(alice.id),
    name: "legacy_by_lenient_bot",
    title: "Legacy",
    emojis: "😀😎",
    png_sticker: new Blob([PNG], { type: "image/png" }),
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const set = await ok<Any>(emu.apiRoot, bot.token, "getStickerSet", { name: "legacy_by_lenient_bot" });
  assert.equal(set.stickers.length, 1);
  assert.equal(set.stickers[0].emoji, "😀");
  // process_set_sticker_set_thumbnail_query: `thumb` for `thumbnail`, an empty format is "auto".
  const thumb = await multipart(emu.apiRoot, bot.token, "setStickerSetThumbnail", "", {
    user_id: String(alice.id),
    name: "legacy_by_lenient_bot",
    thumb: new Blob([PNG], { type: "image/png" }),
  });
  assert.equal(thumb.status, 200, JSON.stringify(thumb.body));
  const withThumb = await ok<Any>(emu.apiRoot, bot.token, "getStickerSet", { name: "legacy_by_lenient_bot" });
  assert.equal(typeof withThumb.thumbnail.file_id, "string");
  const parameters = emu.warnings.map((w) => w.parameter);
  assert.deepEqual(parameters, ["stickers", "thumb", "format"]);
});

Deno.test("uploadStickerFile reads a legacy png_sticker as a static sticker", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  // Client.cpp process_upload_sticker_file_query: without `sticker`, `png_sticker` in the WEBP format.
  const uploaded = await multipart(emu.apiRoot, bot.token, "uploadStickerFile", "", {
    user_id: String(alice.id),
    png_sticker: new Blob([PNG], { type: "image/png" }),
  });
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  assert.equal(uploaded.body.result.file_size, PNG.byteLength);
  assert.deepEqual(emu.warnings.map((w) => w.parameter), ["png_sticker"]);
});

Deno.test("nested fields are read as td's JsonObject reads them: whole numbers in strings, numbers as strings", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const first = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: "first" });
  // tdutils JsonObject::get_optional_int_field takes a String holding a number; get_*_string_field a Number.
  const reply = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
    chat_id: alice.id,
    text: "reply",
    reply_parameters: { message_id: String(first.message_id) },
    reply_markup: { inline_keyboard: [[{ text: "n", callback_data: 42 }]] },
  });
  assert.equal(reply.reply_to_message.message_id, first.message_id);
  assert.equal(reply.reply_markup.inline_keyboard[0][0].callback_data, "42");
  assert.deepEqual(emu.warnings.map((w) => w.parameter), [
    "reply_parameters.message_id",
    "reply_markup.inline_keyboard[0][0].callback_data",
  ]);

  await using strictEmu = await BotApiEmulator.start({ strict: true });
  const strictBot = strictEmu.createBot({ username: "strict_bot" });
  const strictAlice = strictEmu.createUser({ first_name: "Alice", startedBots: [strictBot] });
  const refused = await call(strictEmu.apiRoot, strictBot.token, "sendMessage", {
    chat_id: strictAlice.id,
    text: "reply",
    reply_parameters: { message_id: "1" },
  });
  assert.equal(refused.status, 400);
});

Deno.test("each item of a media group is read by its own type", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "lenient_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const photo = await multipart(emu.apiRoot, bot.token, "sendPhoto", "", {
    chat_id: String(alice.id),
    photo: new Blob([PNG], { type: "image/png" }),
  });
  const fileId = photo.body.result.photo.at(-1).file_id;
  const album = await ok<Any>(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [
      { type: "photo", media: fileId, caption: 1 },
      { type: "video", media: fileId, width: "640", height: "360" },
    ],
  });
  assert.equal(album[0].caption, "1");
  assert.deepEqual([album[1].video.width, album[1].video.height], [640, 360]);
  assert.deepEqual(emu.warnings.map((w) => w.parameter), [
    "media[0].caption",
    "media[1].width",
    "media[1].height",
  ]);
});
