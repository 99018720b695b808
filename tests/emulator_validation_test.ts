import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";
import { until } from "./support/until.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup(strict = false) {
  const emu = await BotApiEmulator.start({ strict });
  const bot = emu.createBot({ username: "strict_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  return { emu, bot, alice };
}

Deno.test("strict mode: unknown parameters, wrong types, missing required parameters and too-long text are 400s", async () => {
  const { emu, bot, alice } = await setup(true);
  try {
    const unknown = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "x",
      colour: "red",
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.description, "Bad Request: unknown parameter \"colour\"");
    const wrongType = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: { a: 1 },
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.description, /wrong type of the parameter "text"/);
    const badBool = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "x",
      disable_notification: "maybe",
    });
    assert.equal(badBool.status, 400);
    const noText = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id });
    assert.equal(noText.body.description, "Bad Request: message text is empty");
    const noChat = await call(emu.apiRoot, bot.token, "sendMessage", { text: "x" });
    assert.equal(noChat.body.description, "Bad Request: chat_id is empty");
    const long = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "x".repeat(4097),
    });
    assert.equal(long.body.description, "Bad Request: message is too long");
    const limit = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "y".repeat(4096),
    });
    assert.equal(limit.text.length, 4096);
    const badMarkup = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "x",
      reply_markup: { inline_keyboard: [[{ callback_data: "no text" }]] },
    });
    assert.equal(badMarkup.status, 400);
    assert.match(badMarkup.body.description, /^Bad Request: can't parse/);
    const numericString = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: String(alice.id),
      text: 42,
    });
    assert.equal(numericString.text, "42", "numbers are accepted for String parameters");
  } finally {
    await emu.close();
  }
});

Deno.test("every other spec method checks its required parameters and answers a plausible result", async () => {
  const { emu, bot, alice } = await setup();
  try {
    const missing = await call(emu.apiRoot, bot.token, "setStickerSetTitle", { name: "set" });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.description, "Bad Request: parameter \"title\" is required");
    // The set does not exist: the emulator models sticker sets now (tests/emulator_stickers_test.ts).
    const noSet = await call(emu.apiRoot, bot.token, "setStickerSetTitle", { name: "set", title: "T" });
    assert.equal(noSet.body.description, "Bad Request: STICKERSET_INVALID");
    const balance = await ok<Any>(emu.apiRoot, bot.token, "getMyStarBalance");
    assert.equal(balance.amount, 0);
    // Boosts belong to channels and supergroups (tests/emulator_members_test.ts), not private chats.
    const boosts = await call(emu.apiRoot, bot.token, "getUserChatBoosts", {
      chat_id: alice.id,
      user_id: alice.id,
    });
    assert.equal(boosts.status, 400);
    const noUser = await call(emu.apiRoot, bot.token, "getUserProfilePhotos", { user_id: 5 });
    assert.equal(noUser.body.description, "Bad Request: user not found");
    await ok(emu.apiRoot, bot.token, "setMyCommands", {
      commands: [{ command: "start", description: "Start" }],
    });
    assert.deepEqual(await ok(emu.apiRoot, bot.token, "getMyCommands"), [{
      command: "start",
      description: "Start",
    }]);
    const badCommand = await call(emu.apiRoot, bot.token, "setMyCommands", {
      commands: [{ command: "Bad Command", description: "x" }],
    });
    assert.equal(badCommand.status, 400);
    await ok(emu.apiRoot, bot.token, "setMyDescription", { description: "A bot" });
    assert.deepEqual(await ok(emu.apiRoot, bot.token, "getMyDescription"), { description: "A bot" });
  } finally {
    await emu.close();
  }
});

Deno.test("malformed JSON gives the members read before the error, as the server reads it; a multipart body cut short and a 10 MB text field are 400s; the server keeps serving", async () => {
  const { emu, bot, alice } = await setup();
  try {
    const url = `${emu.apiRoot}/bot${bot.token}/sendMessage`;
    const post = (body: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    // HttpReader::parse_json_parameters keeps what it read and only logs the error.
    const partial = await post(`{"chat_id":${alice.id},"text":"read so far","parse_mode":`);
    assert.equal(partial.status, 200);
    assert.equal((await partial.json()).result.text, "read so far");
    const emptyValue = await post("{\"chat_id\":");
    assert.equal(emptyValue.status, 400);
    assert.equal((await emptyValue.json()).description, "Bad Request: chat_id is empty");
    const notObject = await post("[1,2]");
    assert.equal(notObject.status, 400);
    assert.equal((await notObject.json()).description, "Bad Request: chat_id is empty");

    const boundary = "XyZ";
    const cut =
      `--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${alice.id}\r\n--${boundary}\r\n`
      + `Content-Disposition: form-data; name="text"\r\n\r\nhalf a mess`;
    const truncated = await fetch(url, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: cut,
    });
    assert.equal(truncated.status, 400);
    assert.match((await truncated.json()).description, /^Bad Request: can't parse multipart/);

    const huge = "z".repeat(10 * 1024 * 1024);
    const bigJson = await call(emu.apiRoot, bot.token, "sendMessage", { chat_id: alice.id, text: huge });
    assert.equal(bigJson.status, 400);
    assert.equal(bigJson.body.description, "Bad Request: message is too long");
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("text", huge);
    const bigForm = await fetch(url, { method: "POST", body: form });
    assert.equal(bigForm.status, 400);
    await bigForm.body?.cancel();

    const fine = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "still alive",
    });
    assert.equal(fine.text, "still alive");
    assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["read so far", "still alive"]);
  } finally {
    await emu.close();
  }
});

Deno.test("a request cut off mid-body, or declaring a body over 64 MB (413), does not disturb the server", async () => {
  const { emu, bot, alice } = await setup();
  try {
    const port = Number(new URL(emu.apiRoot).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const head = `POST /bot${bot.token}/sendMessage HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n`
      + `content-length: 1000\r\n\r\n{"chat_id": ${alice.id}, "te`;
    await conn.write(new TextEncoder().encode(head));
    conn.close();
    const huge = await Deno.connect({ hostname: "127.0.0.1", port });
    await huge.write(new TextEncoder().encode(
      `POST /bot${bot.token}/sendMessage HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n`
        + `content-length: 100000000\r\n\r\n{`,
    ));
    const buf = new Uint8Array(1024);
    const n = await huge.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 413/);
    huge.close();
    const fine = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "unbothered",
    });
    assert.equal(fine.text, "unbothered");
  } finally {
    await emu.close();
  }
});

Deno.test("getUpdates: limit, negative offset, allowed_updates, and 409 for the older of two long polls", async () => {
  const { emu, bot, alice } = await setup();
  try {
    for (const t of ["a", "b", "c", "d"]) await alice.sendText(alice.id, t);
    const two = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { limit: 2 });
    assert.deepEqual(two.map((u) => u.message.text), ["a", "b"]);
    const last = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: -1 });
    assert.deepEqual(last.map((u) => u.message.text), ["d"]);
    const rest = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
    assert.deepEqual(rest.map((u) => u.message.text), ["d"], "a negative offset forgets the older ones");
    await ok(emu.apiRoot, bot.token, "getUpdates", {
      offset: rest[0].update_id + 1,
      allowed_updates: ["callback_query"],
    });
    await alice.sendText(alice.id, "filtered out");
    assert.deepEqual(await ok(emu.apiRoot, bot.token, "getUpdates"), []);
    await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: [] });

    const first = call(emu.apiRoot, bot.token, "getUpdates", { timeout: 5 });
    await until(() => emu.world.bots.get(bot.id)!.queue.polling);
    const second = call(emu.apiRoot, bot.token, "getUpdates", { timeout: 5 });
    const older = await first;
    assert.equal(older.status, 409);
    assert.equal(
      older.body.description,
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    await alice.sendText(alice.id, "for the newer poll");
    const newer = await second;
    assert.equal(newer.body.result[0].message.text, "for the newer poll");
  } finally {
    await emu.close();
  }
});

Deno.test("close() ends a pending long poll and stops the server", async () => {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "strict_bot" });
  const poll = call(emu.apiRoot, bot.token, "getUpdates", { timeout: 30 });
  await until(() => emu.world.bots.get(bot.id)!.queue.polling);
  const t0 = performance.now();
  await emu.close();
  const answer = await poll;
  assert.deepEqual(answer.body, { ok: true, result: [] });
  assert.ok(performance.now() - t0 < 5000);
  await assert.rejects(fetch(`${emu.apiRoot}/bot${bot.token}/getMe`));
});

Deno.test("parameters Telegram retired but still honours are translated, not refused", async () => {
  const { emu, bot, alice } = await setup();
  try {
    const asked = await alice.sendText(alice.id, "question");
    const reply = await ok<Any>(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: alice.id,
      text: "answer",
      reply_to_message_id: asked.message_id,
      disable_web_page_preview: true,
    });
    assert.equal(reply.reply_to_message.message_id, asked.message_id);
    assert.deepEqual(reply.link_preview_options, { is_disabled: true });
    const form = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      body: new URLSearchParams({
        chat_id: String(alice.id),
        text: "gone",
        reply_to_message_id: "999",
        allow_sending_without_reply: "true",
      }),
    });
    const sent = (await form.json()).result;
    assert.equal(sent.reply_to_message, undefined);
  } finally {
    await emu.close();
  }
});

Deno.test("a handler that throws gets a 500 answer and the server keeps serving; methods can be added", async () => {
  const { emu, bot } = await setup();
  const originalError = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    emu.dispatcher.register("explode", () => {
      throw new Error("handler bug");
    });
    emu.dispatcher.register("customEcho", (ctx) => ({ echoed: ctx.params.value }));
    const boom = await call(emu.apiRoot, bot.token, "explode");
    assert.equal(boom.status, 500);
    assert.deepEqual(boom.body, { ok: false, error_code: 500, description: "Internal Server Error" });
    assert.equal(logged.length, 1);
    assert.ok(!JSON.stringify(logged).includes(bot.token), "the token is never logged");
    assert.deepEqual(await ok(emu.apiRoot, bot.token, "customEcho", { value: 7 }), { echoed: 7 });
    assert.equal((await call(emu.apiRoot, bot.token, "getMe")).status, 200);
  } finally {
    console.error = originalError;
    await emu.close();
  }
});

Deno.test("a reply keyboard's buttons may be plain strings (text buttons); a bad one is reported as a ReplyKeyboardMarkup", async () => {
  for (const strict of [false, true]) {
    const { emu, bot, alice } = await setup(strict);
    try {
      // The Bot API: "for simple text buttons, String can be used instead of this object".
      await ok(emu.apiRoot, bot.token, "sendMessage", {
        chat_id: alice.id,
        text: "pick",
        reply_markup: { keyboard: [["A", "B"], [{ text: "C" }, "D"]] },
      });
      const bad = await call(emu.apiRoot, bot.token, "sendMessage", {
        chat_id: alice.id,
        text: "pick",
        reply_markup: { keyboard: [[{ txt: "A" }]] },
      });
      assert.equal(bad.status, 400);
      assert.equal(
        bad.body.description,
        "Bad Request: can't parse ReplyKeyboardMarkup JSON object: field \"reply_markup.keyboard[0][0].text\" is required",
        `strict: ${strict}`,
      );
      // Strings stand in for text buttons only, not for inline ones.
      const inline = await call(emu.apiRoot, bot.token, "sendMessage", {
        chat_id: alice.id,
        text: "pick",
        reply_markup: { inline_keyboard: [["A"]] },
      });
      assert.equal(inline.status, 400);
      assert.match(inline.body.description, /InlineKeyboardMarkup/);
    } finally {
      await emu.close();
    }
  }
});
