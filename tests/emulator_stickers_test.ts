import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const WEBP = new Uint8Array([82, 73, 70, 70, 1, 2, 3, 4]);

async function upload(apiRoot: string, token: string, userId: number): Promise<string> {
  const form = new FormData();
  form.append("user_id", String(userId));
  form.append("sticker_format", "static");
  form.append("sticker", new Blob([WEBP], { type: "image/webp" }), "s.webp");
  const r = await fetch(`${apiRoot}/bot${token}/uploadStickerFile`, { method: "POST", body: form });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.result.file_id;
}

Deno.test("sticker sets: create, add, reorder, emoji list, keywords, replace, delete, title, thumbnail", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "Sticky_Bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const root = emu.apiRoot;
  const files = [await upload(root, bot.token, alice.id), await upload(root, bot.token, alice.id)];
  const name = "cats_by_sticky_bot";
  await ok(root, bot.token, "createNewStickerSet", {
    user_id: alice.id,
    name,
    title: "Cats",
    stickers: files.map((sticker, i) => ({ sticker, format: "static", emoji_list: [i === 0 ? "🐱" : "😺"] })),
  });
  let set = await ok<Any>(root, bot.token, "getStickerSet", { name: "CATS_by_sticky_bot" });
  assert.equal(set.name, name);
  assert.equal(set.sticker_type, "regular");
  assert.deepEqual(set.stickers.map((s: Any) => s.emoji), ["🐱", "😺"]);
  assert.ok(
    set.stickers.every((s: Any) => s.set_name === name && s.type === "regular" && s.is_video === false),
  );

  await ok(root, bot.token, "addStickerToSet", {
    user_id: alice.id,
    name,
    sticker: { sticker: await upload(root, bot.token, alice.id), format: "static", emoji_list: ["🐈"] },
  });
  set = await ok<Any>(root, bot.token, "getStickerSet", { name });
  const third = set.stickers[2].file_id;
  await ok(root, bot.token, "setStickerPositionInSet", { sticker: third, position: 0 });
  await ok(root, bot.token, "setStickerEmojiList", { sticker: third, emoji_list: ["🐾", "🐈"] });
  await ok(root, bot.token, "setStickerKeywords", { sticker: third, keywords: ["paw"] });
  set = await ok<Any>(root, bot.token, "getStickerSet", { name });
  assert.deepEqual(set.stickers.map((s: Any) => s.emoji), ["🐾", "🐱", "😺"]);

  const fresh = await upload(root, bot.token, alice.id);
  await ok(root, bot.token, "replaceStickerInSet", {
    user_id: alice.id,
    name,
    old_sticker: set.stickers[1].file_id,
    sticker: { sticker: fresh, format: "static", emoji_list: ["🦁"] },
  });
  await ok(root, bot.token, "deleteStickerFromSet", { sticker: set.stickers[2].file_id });
  await ok(root, bot.token, "setStickerSetTitle", { name, title: "Big cats" });
  await ok(root, bot.token, "setStickerSetThumbnail", {
    name,
    user_id: alice.id,
    thumbnail: fresh,
    format: "static",
  });
  set = await ok<Any>(root, bot.token, "getStickerSet", { name });
  assert.equal(set.title, "Big cats");
  assert.deepEqual(set.stickers.map((s: Any) => s.emoji), ["🐾", "🦁"]);
  assert.equal(set.stickers[1].file_id, fresh);
  assert.equal(set.thumbnail.file_id, fresh);
  // An emoji list or mask position on a sticker of a regular set: masks only.
  const mask = await call(root, bot.token, "setStickerMaskPosition", {
    sticker: fresh,
    mask_position: { point: "eyes", x_shift: 0, y_shift: 0, scale: 1 },
  });
  assert.equal(mask.body.description, "Bad Request: STICKER_MASK_COORDS_NOT_SUPPORTED");

  await ok(root, bot.token, "deleteStickerSet", { name });
  const gone = await call(root, bot.token, "getStickerSet", { name });
  assert.equal(gone.status, 400);
  assert.equal(gone.body.description, "Bad Request: STICKERSET_INVALID");
});

Deno.test("sticker set preconditions: the name suffix, a taken name, someone else's set, an unknown user", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "sticky_bot" });
  const other = emu.createBot({ username: "other_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const root = emu.apiRoot;
  const sticker = await upload(root, bot.token, alice.id);
  const input = [{ sticker, format: "static", emoji_list: ["🙂"] }];
  // Client.cpp fail_query_with_error: PACK_SHORT_NAME_INVALID / PACK_SHORT_NAME_OCCUPIED in words.
  const badName = await call(root, bot.token, "createNewStickerSet", {
    user_id: alice.id,
    name: "cats",
    title: "Cats",
    stickers: input,
  });
  assert.equal(badName.body.description, "Bad Request: invalid sticker set name is specified");
  await ok(root, bot.token, "createNewStickerSet", {
    user_id: alice.id,
    name: "a_by_sticky_bot",
    title: "A",
    stickers: input,
  });
  const taken = await call(root, bot.token, "createNewStickerSet", {
    user_id: alice.id,
    name: "A_by_sticky_bot",
    title: "A",
    stickers: input,
  });
  assert.equal(taken.body.description, "Bad Request: sticker set name is already occupied");
  const foreign = await call(root, other.token, "setStickerSetTitle", {
    name: "a_by_sticky_bot",
    title: "Mine",
  });
  assert.equal(foreign.body.description, "Bad Request: STICKERSET_INVALID");
  const nobody = await call(root, bot.token, "createNewStickerSet", {
    user_id: 42,
    name: "b_by_sticky_bot",
    title: "B",
    stickers: input,
  });
  assert.equal(nobody.body.description, "Bad Request: user not found");
  const badEmoji = await call(root, bot.token, "addStickerToSet", {
    user_id: alice.id,
    name: "a_by_sticky_bot",
    sticker: { sticker, format: "static", emoji_list: [] },
  });
  assert.equal(badEmoji.body.description, "Bad Request: invalid sticker emojis");
});

Deno.test("built-in sets: getStickerSet of a public name, custom emoji stickers, forum topic icons", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "sticky_bot" });
  const root = emu.apiRoot;
  // Client.h GREAT_MINDS_SET_NAME: the server knows this set by name.
  const minds = await ok<Any>(root, bot.token, "getStickerSet", { name: "TelegramGreatMinds" });
  assert.equal(minds.sticker_type, "regular");
  assert.ok(minds.stickers.length > 0);
  const animals = await ok<Any>(root, bot.token, "getStickerSet", { name: "EmulatorAnimals" });
  const chat = emu.createUser({ first_name: "Alice" });
  const sent = await ok<Any>(root, bot.token, "sendSticker", {
    chat_id: chat.id,
    sticker: animals.stickers[0].file_id,
  });
  assert.equal(sent.sticker.file_id, animals.stickers[0].file_id);
  const icons = await ok<Any>(root, bot.token, "getForumTopicIconStickers");
  assert.ok(
    icons.length > 0
      && icons.every((s: Any) => s.type === "custom_emoji" && typeof s.custom_emoji_id === "string"),
  );
  const found = await ok<Any>(root, bot.token, "getCustomEmojiStickers", {
    custom_emoji_ids: [icons[0].custom_emoji_id, "123"],
  });
  assert.deepEqual(found.map((s: Any) => s.custom_emoji_id), [icons[0].custom_emoji_id]);
  const frozen = await call(root, bot.token, "deleteStickerSet", { name: "EmulatorAnimals" });
  assert.equal(frozen.body.description, "Bad Request: STICKERSET_INVALID");
});
