// File identifiers are per bot, as in Telegram: each bot is shown its own file_id for a file and cannot use
// another bot's; file_unique_id is one for every bot.
import assert from "node:assert/strict";
import { BotApiEmulator, FileStore } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const PHOTO = new Uint8Array([255, 216, 255, 224, 1, 2, 3]);

async function twoBotsInAGroup() {
  const emu = await BotApiEmulator.start({ strict: true });
  const first = emu.createBot({ username: "first_bot" });
  const second = emu.createBot({ username: "second_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [first, second] });
  const group = emu.createGroup({ title: "G", members: [alice], bots: [first, second] });
  return { emu, first, second, alice, group };
}

async function download(emu: BotApiEmulator, token: string, path: string): Promise<Response> {
  return await fetch(`${emu.apiRoot}/file/bot${token}/${path}`);
}

Deno.test("each bot receives its own file_id for a file, the same every time; file_unique_id is shared", async () => {
  const { emu, first, second, alice, group } = await twoBotsInAGroup();
  await using _ = emu;
  await alice.sendPhoto(group.id, PHOTO, { caption: "look" });
  const firstUpdate = (await ok<Any[]>(emu.apiRoot, first.token, "getUpdates"))[0];
  const secondUpdate = (await ok<Any[]>(emu.apiRoot, second.token, "getUpdates"))[0];
  const mine = firstUpdate.message.photo[0];
  const theirs = secondUpdate.message.photo[0];
  assert.notEqual(mine.file_id, theirs.file_id, "two bots, two file_ids");
  assert.equal(mine.file_unique_id, theirs.file_unique_id, "one file_unique_id");

  const again = (await ok<Any[]>(emu.apiRoot, first.token, "getUpdates"))[0];
  assert.equal(again.message.photo[0].file_id, mine.file_id, "the same update read again");
  const resent = await ok<Any>(emu.apiRoot, first.token, "sendPhoto", {
    chat_id: group.id,
    photo: mine.file_id,
  });
  assert.equal(resent.photo[0].file_id, mine.file_id, "a bot's own send shows its own id");
  assert.equal(resent.photo[0].file_unique_id, mine.file_unique_id);

  for (const [bot, id] of [[first, mine.file_id], [second, theirs.file_id]] as const) {
    const file = await ok<Any>(emu.apiRoot, bot.token, "getFile", { file_id: id });
    assert.equal(file.file_id, id, "getFile answers with the asking bot's id");
    assert.equal(file.file_unique_id, mine.file_unique_id);
    const body = await download(emu, bot.token, file.file_path);
    assert.deepEqual(new Uint8Array(await body.arrayBuffer()), PHOTO);
  }
});

Deno.test("a bot cannot use another bot's file_id, nor a file_unique_id, to send or get a file", async () => {
  const { emu, first, second, alice, group } = await twoBotsInAGroup();
  await using _ = emu;
  await alice.sendPhoto(group.id, PHOTO);
  const theirs = (await ok<Any[]>(emu.apiRoot, second.token, "getUpdates"))[0].message.photo[0];
  const root = emu.apiRoot;
  const before = emu.transcript(group).length;
  // MEDIA_EMPTY, which td words so (MessagesManager), for a send with an id the server refuses.
  const wrongFile = "Bad Request: wrong file identifier/HTTP URL specified";
  const refusals: [string, Record<string, unknown>][] = [
    ["sendPhoto", { chat_id: group.id, photo: theirs.file_id }],
    ["sendDocument", { chat_id: group.id, document: theirs.file_id }],
    ["sendPhoto", { chat_id: group.id, photo: theirs.file_unique_id }],
    ["sendMediaGroup", {
      chat_id: group.id,
      media: [{ type: "photo", media: "https://e.test/a.jpg" }, { type: "photo", media: theirs.file_id }],
    }],
    ["sendPaidMedia", {
      chat_id: group.id,
      star_count: 1,
      media: [{ type: "photo", media: theirs.file_id }],
    }],
  ];
  for (const [method, params] of refusals) {
    const answer = await call(root, first.token, method, params);
    assert.equal(answer.status, 400, method);
    assert.equal(answer.body.description, wrongFile, method);
  }
  assert.equal(emu.transcript(group).length, before, "nothing was sent");

  const mine = (await ok<Any[]>(root, first.token, "getUpdates"))[0].message.photo[0];
  const sent = await ok<Any>(root, first.token, "sendPhoto", { chat_id: group.id, photo: mine.file_id });
  const edit = await call(root, first.token, "editMessageMedia", {
    chat_id: group.id,
    message_id: sent.message_id,
    media: { type: "photo", media: theirs.file_id },
  });
  assert.equal(edit.body.description, wrongFile, "InputMedia of an edit");

  // Client.cpp: getFile of an id td cannot read is "invalid file_id"; another bot's id reads, but its
  // download fails.
  const foreign = await call(root, first.token, "getFile", { file_id: theirs.file_id });
  assert.equal(foreign.status, 400);
  assert.equal(foreign.body.description, "Bad Request: wrong file_id or the file is temporarily unavailable");
  const unique = await call(root, first.token, "getFile", { file_id: theirs.file_unique_id });
  assert.equal(unique.body.description, "Bad Request: invalid file_id");
});

Deno.test("a file_path from getFile downloads only with the token of the bot that asked for it", async () => {
  const { emu, first, second, alice, group } = await twoBotsInAGroup();
  await using _ = emu;
  await alice.sendDocument(group.id, new TextEncoder().encode("secret"), "notes.txt");
  const mine = (await ok<Any[]>(emu.apiRoot, first.token, "getUpdates"))[0].message.document;
  const { file_path } = await ok<Any>(emu.apiRoot, first.token, "getFile", { file_id: mine.file_id });
  assert.equal(await (await download(emu, first.token, file_path)).text(), "secret");

  const other = await download(emu, second.token, file_path);
  assert.equal(other.status, 404, "the path is under the first bot's token");
  assert.deepEqual(await other.json(), { ok: false, error_code: 404, description: "Not Found" });

  const theirs = (await ok<Any[]>(emu.apiRoot, second.token, "getUpdates"))[0].message.document;
  const own = await ok<Any>(emu.apiRoot, second.token, "getFile", { file_id: theirs.file_id });
  assert.equal(await (await download(emu, second.token, own.file_path)).text(), "secret");
});

Deno.test("sticker sets, chat photos and profile photos show each bot its own ids", async () => {
  const { emu, first, second, alice, group } = await twoBotsInAGroup();
  await using _ = emu;
  const root = emu.apiRoot;
  const form = new FormData();
  form.append("user_id", String(alice.id));
  form.append("sticker_format", "static");
  form.append("sticker", new Blob([new Uint8Array([82, 73, 70, 70])], { type: "image/webp" }), "s.webp");
  const uploaded =
    await (await fetch(`${root}/bot${first.token}/uploadStickerFile`, { method: "POST", body: form }))
      .json();
  // Client.cpp answers uploadStickerFile with a File without its path.
  assert.equal(uploaded.result.file_path, undefined);
  const name = "pack_by_first_bot";
  await ok(root, first.token, "createNewStickerSet", {
    user_id: alice.id,
    name,
    title: "Pack",
    stickers: [{ sticker: uploaded.result.file_id, format: "static", emoji_list: ["🙂"] }],
  });
  const borrowed = await call(root, second.token, "createNewStickerSet", {
    user_id: alice.id,
    name: "pack_by_second_bot",
    title: "Pack",
    stickers: [{ sticker: uploaded.result.file_id, format: "static", emoji_list: ["🙂"] }],
  });
  assert.equal(borrowed.body.description, "Bad Request: wrong file identifier/HTTP URL specified");
  const mySet = await ok<Any>(root, first.token, "getStickerSet", { name });
  const theirSet = await ok<Any>(root, second.token, "getStickerSet", { name });
  assert.equal(mySet.stickers[0].file_id, uploaded.result.file_id);
  assert.notEqual(theirSet.stickers[0].file_id, mySet.stickers[0].file_id);
  assert.equal(theirSet.stickers[0].file_unique_id, mySet.stickers[0].file_unique_id);
  const sticker = await ok<Any>(root, second.token, "sendSticker", {
    chat_id: group.id,
    sticker: theirSet.stickers[0].file_id,
  });
  assert.equal(sticker.sticker.file_id, theirSet.stickers[0].file_id);
  // The owner's sticker methods take its own id only: the second bot's id names no sticker it can use.
  const moved = await call(root, first.token, "setStickerPositionInSet", {
    sticker: theirSet.stickers[0].file_id,
    position: 0,
  });
  assert.equal(moved.body.description, "Bad Request: STICKER_ID_INVALID");
  await ok(root, first.token, "setStickerPositionInSet", { sticker: mySet.stickers[0].file_id, position: 0 });

  const photo = new FormData();
  photo.append("chat_id", String(group.id));
  photo.append("photo", new Blob([PHOTO], { type: "image/jpeg" }), "p.jpg");
  const set = await fetch(`${root}/bot${first.token}/setChatPhoto`, { method: "POST", body: photo });
  assert.equal(set.status, 200);
  await set.body?.cancel();
  const mine = (await ok<Any>(root, first.token, "getChat", { chat_id: group.id })).photo;
  const theirs = (await ok<Any>(root, second.token, "getChat", { chat_id: group.id })).photo;
  assert.notEqual(mine.big_file_id, theirs.big_file_id);
  assert.notEqual(mine.small_file_id, theirs.small_file_id);
  assert.equal(mine.big_file_unique_id, theirs.big_file_unique_id);
  await ok(root, second.token, "getFile", { file_id: theirs.big_file_id });

  const profile = new FormData();
  profile.append("photo", JSON.stringify({ type: "static", photo: "attach://me" }));
  profile.append("me", new Blob([PHOTO], { type: "image/jpeg" }), "me.jpg");
  const made = await fetch(`${root}/bot${first.token}/setMyProfilePhoto`, { method: "POST", body: profile });
  assert.equal(made.status, 200, await made.text());
  const own = await ok<Any>(root, first.token, "getUserProfilePhotos", { user_id: first.id });
  const seen = await ok<Any>(root, second.token, "getUserProfilePhotos", { user_id: first.id });
  assert.notEqual(own.photos[0][0].file_id, seen.photos[0][0].file_id);
  assert.equal(own.photos[0][0].file_unique_id, seen.photos[0][0].file_unique_id);
});

Deno.test("tests read files by any id: the world's ids work for every bot; views name the bot whose ids they show", async () => {
  const { emu, first, second, alice, group } = await twoBotsInAGroup();
  await using _ = emu;
  const sent = await alice.sendPhoto(group.id, PHOTO);
  const world = sent.photo![0].file_id;
  const [update] = await ok<Any[]>(emu.apiRoot, first.token, "getUpdates");
  const mine = update.message.photo[0].file_id;
  const theirs = (await ok<Any[]>(emu.apiRoot, second.token, "getUpdates"))[0].message.photo[0].file_id;
  const stored = emu.world.files.get(world);
  assert.ok(stored !== undefined);
  assert.equal(emu.world.files.get(mine), stored, "the first bot's id finds the file");
  assert.equal(emu.world.files.get(theirs), stored, "so does the second's");

  assert.equal(
    emu.transcript(group).at(-1)!.photo![0].file_id,
    world,
    "a group without a bot: the world's ids",
  );
  assert.deepEqual(emu.transcript(group, { bot: first }).at(-1), update.message, "as the first bot got it");
  assert.equal(emu.message(group, sent.message_id, { bot: second })!.photo![0].file_id, theirs);
  assert.equal((emu.pendingUpdates(first)[0] as Any).message.photo[0].file_id, mine);

  for (const bot of [first, second]) {
    const file = await ok<Any>(emu.apiRoot, bot.token, "getFile", { file_id: world });
    assert.notEqual(file.file_id, world, "the answer shows the bot's own id");
    assert.equal(file.file_id, bot === first ? mine : theirs);
  }

  const reply = await ok<Any>(emu.apiRoot, first.token, "sendPhoto", { chat_id: alice.id, photo: world });
  assert.deepEqual(emu.transcript(alice.id, { bot: first }).at(-1), reply);
  assert.deepEqual(emu.transcript(alice.id).at(-1), reply, "a private chat shows its own bot's ids");
  assert.deepEqual(await emu.nextBotMessage(alice.id), reply);
});

Deno.test("FileStore.showTo gives a bot its own id for a world id and leaves another bot's id alone", () => {
  const files = new FileStore();
  const file = files.add(new Uint8Array([1]), "documents", "a.txt");
  const first = files.idFor(file, 1);
  assert.equal(
    files.showTo(1, JSON.stringify({ document: { file_id: file.file_id } })),
    `{"document":{"file_id":"${first}"}}`,
  );
  const echoed = JSON.stringify({ small_file_id: first, text: `"file_id":"${file.file_id}"` });
  const second = files.idFor(file, 2);
  assert.equal(
    files.showTo(2, echoed),
    JSON.stringify({ small_file_id: first, text: `"file_id":"${file.file_id}"` }),
    "another bot's id and text that only looks like a key stay as they are",
  );
  assert.equal(files.showTo(2, `{"big_file_id":"${file.file_id}"}`), `{"big_file_id":"${second}"}`);
  assert.equal(files.usableBy(first, 2), undefined);
  assert.equal(files.usableBy(second, 2), file);
  assert.equal(files.usableBy(file.file_id, 2), file);
  assert.equal(files.get(first), file);
});

Deno.test("a message read back with a bot's file ids is still of its chat: a scripted user acting on it acts there", async () => {
  await using emu = await BotApiEmulator.start();
  const one = emu.createBot({ username: "one_bot" });
  const two = emu.createBot({ username: "two_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [one, two] });
  const photo = await alice.sendPhoto(alice.id, PHOTO, { to: one });
  // Her last private message is to two_bot: a look-up by chat id alone would pick that chat.
  await alice.sendText(alice.id, "hello two", { to: two });
  const seen = emu.message(alice.id, photo.message_id, { bot: one })!;
  assert.notEqual(seen.photo!.at(-1)!.file_id, photo.photo!.at(-1)!.file_id, "a copy with one_bot's ids");
  await alice.react(seen, ["👍"]);
  assert.equal(emu.reactions(alice.id, photo.message_id, { bot: one }).size, 1);
  assert.equal(emu.reactions(alice.id, photo.message_id, { bot: two }).size, 0);
});
