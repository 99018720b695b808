// The real server's words where a check answers before any method logic (telegram-bot-api/Client.cpp; a
// message is lower-cased after "Bad Request: " by fail_query_with_error).
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call } from "./emulator_helpers.ts";

for (const strict of [false, true]) {
  Deno.test(`missing parameters get the server's texts (strict: ${strict})`, async () => {
    await using emu = await BotApiEmulator.start({ strict });
    const bot = emu.createBot({ username: "words_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    const root = emu.apiRoot;
    const cases: [string, Record<string, unknown>, string][] = [
      // process_send_*_query: the file is checked first.
      ["sendPhoto", { chat_id: alice.id }, "there is no photo in the request"],
      ["sendVideoNote", { chat_id: alice.id, video_note: "" }, "there is no video note in the request"],
      ["sendDocument", {}, "there is no document in the request"],
      // get_user_id.
      ["getUserProfilePhotos", {}, "invalid user_id specified"],
      ["banChatMember", { chat_id: alice.id }, "invalid user_id specified"],
      // get_message_ids.
      [
        "forwardMessages",
        { chat_id: alice.id, from_chat_id: alice.id },
        "message identifiers are not specified",
      ],
      // process_get_file_query.
      ["getFile", {}, "file_id not specified"],
      // get_location.
      ["sendLocation", { chat_id: alice.id, longitude: 1 }, "latitude is empty"],
      // A query id that is absent reads as 0, which Telegram calls QUERY_ID_INVALID.
      ["answerCallbackQuery", {}, "query is too old and response timeout expired or query ID is invalid"],
      // do_set_webhook.
      ["setWebhook", { url: "gopher://example.com" }, "invalid webhook URL specified"],
    ];
    for (const [method, params, text] of cases) {
      const answer = await call(root, bot.token, method, params);
      assert.equal(answer.status, 400, method);
      assert.equal(answer.body.description, `Bad Request: ${text}`, method);
    }
    const noText = await call(root, bot.token, "sendMessage", { chat_id: alice.id });
    assert.equal(noText.body.description, "Bad Request: message text is empty");
    const noChat = await call(root, bot.token, "sendMessage", { text: "x" });
    assert.equal(noChat.body.description, "Bad Request: chat_id is empty");
    // process_query: an unknown method.
    const unknown = await call(root, bot.token, "sendTelepathy", {});
    assert.deepEqual([unknown.status, unknown.body.description], [404, "Not Found: method not found"]);
  });
}
