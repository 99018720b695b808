// deno-lint-ignore-file no-import-prefix -- node-telegram-bot-api is used by this test only, so its
// specifier stays here rather than in deno.json.
// Third-party clients' upload flows against the emulator, with only their API root changed: node-telegram-bot-api
// (v2, a streaming multipart encoder with attach:// hoisting) and grammY (InputFile).
import assert from "node:assert/strict";
import { Api as GrammyApi, InputFile as GrammyFile } from "npm:grammy@1.46.0";
import {
  Api,
  InputFile,
  MediaGroupBuilder,
  StaticProfilePhotoBuilder,
  StickerSetBuilder,
} from "npm:node-telegram-bot-api@2.1.0";
import { BotApiEmulator } from "../testing/mod.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const bytes = (n: number) => new Uint8Array(Array.from({ length: n }, (_, i) => (i * 7) % 256));

async function download(emu: BotApiEmulator, token: string, fileId: string): Promise<Uint8Array> {
  const r = await fetch(`${emu.apiRoot}/bot${token}/getFile?file_id=${encodeURIComponent(fileId)}`);
  const path = (await r.json()).result.file_path;
  return new Uint8Array(await (await fetch(`${emu.apiRoot}/file/bot${token}/${path}`)).arrayBuffer());
}

Deno.test("node-telegram-bot-api: photo, document with thumbnail, voice, media group, sticker set and profile photo uploads", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const handle = emu.createBot({ username: "ntba_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [handle] });
  const api: Any = new Api(handle.token, { apiRoot: emu.apiRoot, maxRetries: 0 });
  const chat_id = alice.id;

  const photo = await api.sendPhoto({
    chat_id,
    photo: new InputFile(bytes(300), { filename: "cat.jpg" }),
    caption: "cat",
  });
  assert.equal(photo.caption, "cat");
  assert.deepEqual(await download(emu, handle.token, photo.photo.at(-1).file_id), bytes(300));

  const doc = await api.sendDocument({
    chat_id,
    document: new InputFile(new Blob([bytes(1000)]), {
      filename: "report.pdf",
      contentType: "application/pdf",
    }),
    thumbnail: new InputFile(bytes(20), { filename: "thumb.jpg" }),
  });
  assert.equal(doc.document.file_name, "report.pdf");
  assert.equal(doc.document.mime_type, "application/pdf");
  assert.equal(doc.document.thumbnail.file_size, 20);

  const voice = await api.sendVoice({ chat_id, voice: new InputFile(bytes(64), { filename: "v.ogg" }) });
  assert.equal(voice.voice.mime_type, "audio/ogg");

  const album = await api.sendMediaGroup({
    chat_id,
    media: new MediaGroupBuilder()
      .photo({
        media: new InputFile(bytes(10), { filename: "a.jpg" }),
        caption: "<b>A</b>",
        parse_mode: "HTML",
      })
      .photo({ media: photo.photo.at(-1).file_id })
      .build(),
  });
  assert.equal(album.length, 2);
  assert.equal(album[0].caption, "A");
  assert.equal(album[0].media_group_id, album[1].media_group_id);

  const name = "cats_by_ntba_bot";
  assert.equal(
    await api.createNewStickerSet({
      user_id: alice.id,
      name,
      title: "Cats",
      stickers: new StickerSetBuilder()
        .add({
          sticker: new InputFile(bytes(40), { filename: "s.png" }),
          format: "static",
          emoji_list: ["🙂"],
        })
        .build(),
    }),
    true,
  );
  await api.addStickerToSet({
    user_id: alice.id,
    name,
    sticker: {
      sticker: new InputFile(bytes(41), { filename: "t.png" }),
      format: "static",
      emoji_list: ["😺"],
    },
  });
  const set = await api.getStickerSet({ name });
  assert.deepEqual(set.stickers.map((s: Any) => s.emoji), ["🙂", "😺"]);
  assert.deepEqual(await download(emu, handle.token, set.stickers[1].file_id), bytes(41));

  await api.setMyProfilePhoto({
    photo: new StaticProfilePhotoBuilder({ photo: new InputFile(bytes(50), { filename: "me.png" }) }).build(),
  });
  assert.equal((await api.getUserProfilePhotos({ user_id: handle.id })).total_count, 1);
  assert.deepEqual(emu.warnings, []);
});

Deno.test("grammY: InputFile uploads of a photo, a document with thumbnail and a media group", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const handle = emu.createBot({ username: "grammy_up_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [handle] });
  const api = new GrammyApi(handle.token, { apiRoot: emu.apiRoot });
  const photo = await api.sendPhoto(alice.id, new GrammyFile(bytes(120), "p.jpg"), { caption: "hi" });
  assert.deepEqual(await download(emu, handle.token, photo.photo.at(-1)!.file_id), bytes(120));
  const doc = await api.sendDocument(alice.id, new GrammyFile(bytes(200), "notes.txt"), {
    thumbnail: new GrammyFile(bytes(9), "t.jpg"),
  });
  assert.equal(doc.document?.file_name, "notes.txt");
  assert.equal(doc.document?.thumbnail?.file_size, 9);
  const album = await api.sendMediaGroup(alice.id, [
    { type: "photo", media: new GrammyFile(bytes(11), "a.jpg"), caption: "*one*", parse_mode: "MarkdownV2" },
    { type: "photo", media: new GrammyFile(bytes(12), "b.jpg") },
  ]);
  assert.equal(album[0].caption, "one");
  assert.deepEqual(await download(emu, handle.token, (album[1] as Any).photo.at(-1).file_id), bytes(12));
});
