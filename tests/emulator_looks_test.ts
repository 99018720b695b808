import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const JPEG = new Uint8Array([255, 216, 255, 224, 1, 2, 3]);

Deno.test("reactions: a bot sets one reaction, replaces and clears it; unknown message, too many, not a reaction", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "react_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  const said = await alice.sendText(group, "hello");
  await alice.react(said, ["🔥"]);
  await ok(root, bot.token, "setMessageReaction", {
    chat_id: group.id,
    message_id: said.message_id,
    reaction: [{ type: "emoji", emoji: "👍" }],
  });
  assert.deepEqual(
    [...emu.reactions(group, said.message_id)].map(([id, r]) => [id, r.map((x) => x.emoji)]),
    [[alice.id, ["🔥"]], [bot.id, ["👍"]]],
  );
  // Client.cpp check_message(…, "message to react", …).
  const missing = await call(root, bot.token, "setMessageReaction", {
    chat_id: group.id,
    message_id: 999,
    reaction: [],
  });
  assert.equal(missing.body.description, "Bad Request: message to react not found");
  const two = await call(root, bot.token, "setMessageReaction", {
    chat_id: group.id,
    message_id: said.message_id,
    reaction: [{ type: "emoji", emoji: "👍" }, { type: "emoji", emoji: "🔥" }],
  });
  assert.equal(two.body.description, "Bad Request: REACTIONS_TOO_MANY");
  const odd = await call(root, bot.token, "setMessageReaction", {
    chat_id: group.id,
    message_id: said.message_id,
    reaction: [{ type: "emoji", emoji: "🍕" }],
  });
  assert.equal(odd.body.description, "Bad Request: REACTION_INVALID");
  await ok(root, bot.token, "setMessageReaction", { chat_id: group.id, message_id: said.message_id });
  await ok(root, bot.token, "deleteMessageReaction", {
    chat_id: group.id,
    message_id: said.message_id,
    user_id: alice.id,
  });
  assert.equal(emu.reactions(group, said.message_id).size, 0);
});

Deno.test("chat photo and chat sticker set: set, shown by getChat, service messages, deleted; preconditions", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "looks_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [alice], bots: [bot] });
  const root = emu.apiRoot;
  const form = new FormData();
  form.append("chat_id", String(group.id));
  form.append("photo", new Blob([JPEG], { type: "image/jpeg" }), "p.jpg");
  const set = await fetch(`${root}/bot${bot.token}/setChatPhoto`, { method: "POST", body: form });
  assert.equal(set.status, 200, await set.clone().text());
  await set.body?.cancel();
  const chat = await ok<Any>(root, bot.token, "getChat", { chat_id: group.id });
  assert.equal(typeof chat.photo.big_file_id, "string");
  assert.ok(emu.transcript(group).some((m: Any) => Array.isArray(m.new_chat_photo)));
  // Client.cpp process_set_chat_photo_query: only an upload will do.
  const byId = await call(root, bot.token, "setChatPhoto", {
    chat_id: group.id,
    photo: chat.photo.big_file_id,
  });
  assert.equal(byId.body.description, "Bad Request: photo must be uploaded as an InputFile");
  await ok(root, bot.token, "deleteChatPhoto", { chat_id: group.id });
  assert.equal((await ok<Any>(root, bot.token, "getChat", { chat_id: group.id })).photo, undefined);
  assert.equal((await call(root, bot.token, "deleteChatPhoto", { chat_id: group.id })).status, 400);

  await ok(root, bot.token, "setChatStickerSet", { chat_id: group.id, sticker_set_name: "emulatoranimals" });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChat", { chat_id: group.id })).sticker_set_name,
    "EmulatorAnimals",
  );
  const unknown = await call(root, bot.token, "setChatStickerSet", {
    chat_id: group.id,
    sticker_set_name: "nope",
  });
  assert.equal(unknown.body.description, "Bad Request: sticker set not found");
  await ok(root, bot.token, "deleteChatStickerSet", { chat_id: group.id });
  assert.equal(
    (await ok<Any>(root, bot.token, "getChat", { chat_id: group.id })).sticker_set_name,
    undefined,
  );
  const small = emu.createGroup({ title: "Small", members: [alice], bots: [bot] });
  const inGroup = await call(root, bot.token, "setChatStickerSet", {
    chat_id: small.id,
    sticker_set_name: "EmulatorAnimals",
  });
  assert.equal(inGroup.status, 400);
});

Deno.test("profile photos: the bot sets and removes its own; getUserProfilePhotos pages them; unknown user", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "looks_bot" });
  const root = emu.apiRoot;
  const form = new FormData();
  form.append("photo", JSON.stringify({ type: "static", photo: "attach://pic" }));
  form.append("pic", new Blob([JPEG], { type: "image/jpeg" }), "p.jpg");
  const set = await fetch(`${root}/bot${bot.token}/setMyProfilePhoto`, { method: "POST", body: form });
  assert.equal(set.status, 200, await set.clone().text());
  await set.body?.cancel();
  const photos = await ok<Any>(root, bot.token, "getUserProfilePhotos", { user_id: bot.id });
  assert.equal(photos.total_count, 1);
  assert.equal(photos.photos[0].length, 2);
  // Client.cpp get_input_chat_photo: a file_id is refused.
  const byId = await call(root, bot.token, "setMyProfilePhoto", {
    photo: { type: "static", photo: photos.photos[0][0].file_id },
  });
  assert.equal(byId.body.description, "Bad Request: photo must be uploaded as a file");
  await ok(root, bot.token, "removeMyProfilePhoto");
  assert.equal((await ok<Any>(root, bot.token, "getUserProfilePhotos", { user_id: bot.id })).total_count, 0);
  const nobody = await call(root, bot.token, "getUserProfilePhotos", { user_id: 12345 });
  assert.equal(nobody.body.description, "Bad Request: user not found");
});
