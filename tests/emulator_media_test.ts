// Media as Telegram files them: voice notes are audio/ogg, uploaded thumbnails appear as `thumbnail`, and a
// video note whose frame is not square arrives as a video.
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** A minimal MP4 track header (`tkhd`, version 0) of a video track with the given frame size. */
function mp4(width: number, height: number): Uint8Array<ArrayBuffer> {
  const box = new Uint8Array(92);
  const view = new DataView(box.buffer);
  view.setUint32(0, 92);
  box.set([0x74, 0x6b, 0x68, 0x64], 4);
  view.setUint32(84, width << 16);
  view.setUint32(88, height << 16);
  return box;
}

async function upload(
  root: string,
  token: string,
  method: string,
  fields: Record<string, string | [Blob, string]>,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") form.append(k, v);
    else form.append(k, v[0], v[1]);
  }
  const r = await fetch(`${root}/bot${token}/${method}`, { method: "POST", body: form });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.result as Any;
}

Deno.test("a voice note's mime_type is audio/ogg whatever the upload declared", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "media_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const sent = await upload(emu.apiRoot, bot.token, "sendVoice", {
    chat_id: String(alice.id),
    voice: [new Blob([new Uint8Array([1, 2, 3])], { type: "application/octet-stream" }), "v.bin"],
  });
  assert.equal(sent.voice.mime_type, "audio/ogg");
  const again = await ok<Any>(emu.apiRoot, bot.token, "sendVoice", {
    chat_id: alice.id,
    voice: sent.voice.file_id,
  });
  assert.equal(again.voice.mime_type, "audio/ogg");
});

Deno.test("uploaded thumbnails appear as `thumbnail` (sendDocument, sendVideo, sendMediaGroup); a file_id thumbnail is ignored", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "media_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const jpeg = new Blob([new Uint8Array([255, 216, 255, 1])], { type: "image/jpeg" });
  const doc = await upload(emu.apiRoot, bot.token, "sendDocument", {
    chat_id: String(alice.id),
    document: [new Blob(["report"]), "report.txt"],
    thumbnail: [jpeg, "t.jpg"],
  });
  assert.equal(doc.document.thumbnail.file_size, 4);
  assert.equal(typeof doc.document.thumbnail.width, "number");
  const video = await upload(emu.apiRoot, bot.token, "sendVideo", {
    chat_id: String(alice.id),
    video: [new Blob([mp4(640, 360)]), "v.mp4"],
    thumbnail: "attach://thumb",
    thumb: [jpeg, "t.jpg"],
  });
  assert.equal(video.video.thumbnail.file_size, 4, "attach://thumb names the part called thumb");
  const group = await upload(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: String(alice.id),
    media: JSON.stringify([
      { type: "document", media: "attach://a", thumbnail: "attach://ta" },
      { type: "document", media: "attach://b" },
    ]),
    a: [new Blob(["a"]), "a.txt"],
    b: [new Blob(["b"]), "b.txt"],
    ta: [jpeg, "ta.jpg"],
  });
  assert.equal(group[0].document.thumbnail.file_size, 4);
  assert.equal(group[1].document.thumbnail, undefined);
  const byId = await ok<Any>(emu.apiRoot, bot.token, "sendDocument", {
    chat_id: alice.id,
    document: doc.document.file_id,
    thumbnail: doc.document.thumbnail.file_id,
  });
  assert.equal(byId.document.thumbnail, undefined);
});

Deno.test("a square video note stays a video note; a non-square one comes back as a video", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "media_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const round = await upload(emu.apiRoot, bot.token, "sendVideoNote", {
    chat_id: String(alice.id),
    video_note: [new Blob([mp4(240, 240)]), "round.mp4"],
  });
  assert.equal(typeof round.video_note.file_id, "string");
  assert.equal(round.video, undefined);
  const wide = await upload(emu.apiRoot, bot.token, "sendVideoNote", {
    chat_id: String(alice.id),
    video_note: [new Blob([mp4(640, 360)], { type: "video/mp4" }), "wide.mp4"],
  });
  assert.equal(wide.video_note, undefined);
  assert.deepEqual([wide.video.width, wide.video.height], [640, 360]);
  assert.equal(wide.video.mime_type, "video/mp4");
});

// Matches TDLib's MessageContent.cpp check_message_group_message_contents (audio and documents form
// albums only of their own type), with the first letter lowercased by telegram-bot-api's Client.cpp
// fail_query_with_error.
Deno.test("sendMediaGroup refuses an album mixing audio or documents with other types; nothing is sent", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "album_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const url = "https://example.test/file.bin";
  const album = (...types: string[]) =>
    call(emu.apiRoot, bot.token, "sendMediaGroup", {
      chat_id: alice.id,
      media: types.map((type) => ({ type, media: url })),
    });
  for (
    const [types, kind] of [
      [["audio", "photo"], "audio"],
      [["photo", "document"], "document"],
      [["video", "photo", "audio"], "audio"],
    ] as const
  ) {
    const refused = await album(...types);
    assert.equal(refused.status, 400, types.join("+"));
    assert.equal(refused.body.description, `Bad Request: ${kind} can't be mixed with other media types`);
  }
  assert.equal(emu.transcript(alice.id).length, 0, "a refused album sends nothing");
  for (const types of [["audio", "audio"], ["document", "document"], ["photo", "video"]]) {
    const sent = await album(...types);
    assert.equal(sent.status, 200, `${types.join("+")}: ${JSON.stringify(sent.body)}`);
  }
  assert.equal(emu.transcript(alice.id).length, 6);
});

// The album's items are read by telegram-bot-api Client.cpp get_input_message_contents and get_input_media
// (for an album: `animation` refused by name, other unknown types as unsupported, a missing file as not
// found); the count and caption placement are TDLib's MessagesManager::send_message_group and
// MessageContent.cpp check_message_group_message_contents. Each text has its first letter lowercased by
// Client.cpp fail_query_with_error.
Deno.test("sendMediaGroup refuses a bad album in the server's and TDLib's words; nothing is sent", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "album_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const url = "https://example.test/file.jpg";
  const photo = { type: "photo", media: url };
  const refusals: [unknown, string][] = [
    ["{not json", "can't parse media JSON object"],
    [JSON.stringify({ type: "photo" }), "expected an Array of InputMedia"],
    [[], "there are no messages to send"],
    [[photo, "photo"], "can't parse InputMedia: expected an Object"],
    [[{ media: url }, photo], `can't parse InputMedia: Can't find field "type"`],
    [
      [{ type: "animation", media: url }, photo],
      `can't parse InputMedia: type "animation" can't be used in sendMediaGroup`,
    ],
    [[photo, { type: "sticker", media: url }], `can't parse InputMedia: type "sticker" is unsupported`],
    [[photo, { type: "photo" }], "can't parse InputMedia: media not found"],
    [[photo, { type: "photo", media: "attach://nothing" }], "can't parse InputMedia: media not found"],
    [Array(11).fill(photo), "too many messages to send as an album"],
    [
      [{ ...photo, caption: "above", show_caption_above_media: true }, { type: "video", media: url }],
      "parameter show_caption_above_media must be the same for all messages",
    ],
  ];
  for (const [media, text] of refusals) {
    const refused = await call(emu.apiRoot, bot.token, "sendMediaGroup", { chat_id: alice.id, media });
    assert.equal(refused.status, 400, JSON.stringify(media));
    assert.equal(refused.body.description, `Bad Request: ${text}`);
  }
  assert.equal(emu.transcript(alice.id).length, 0, "a refused album sends nothing");
  // The same placement throughout is fine, and shown beside a caption (Client.cpp add_caption).
  const above = await ok<Any[]>(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [
      { ...photo, caption: "over", show_caption_above_media: true },
      { type: "video", media: url, show_caption_above_media: true },
    ],
  });
  assert.equal(above[0].show_caption_above_media, true);
  assert.equal(above[1].show_caption_above_media, undefined);
  assert.equal(above[0].media_group_id, above[1].media_group_id);
  // Audio and documents have no such flag: theirs is false, like a photo's without it.
  const mixedFlags = await call(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [photo, { type: "video", media: url, show_caption_above_media: false }],
  });
  assert.equal(mixedFlags.status, 200, JSON.stringify(mixedFlags.body));
});

Deno.test("sendMediaGroup takes live photos, which TDLib groups as photos", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "album_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const live = {
    type: "live_photo",
    media: "https://example.test/live.mp4",
    photo: "https://example.test/still.jpg",
  };
  const album = await ok<Any[]>(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [live, { type: "photo", media: "https://example.test/other.jpg" }],
  });
  assert.equal(album.length, 2);
  assert.equal(typeof album[0].live_photo.photo[0].file_id, "string");
  assert.equal(album[0].media_group_id, album[1].media_group_id);
  const noStill = await call(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [{ ...live, photo: undefined }, live],
  });
  assert.equal(noStill.body.description, "Bad Request: can't parse InputMedia: photo not found");
  const withAudio = await call(emu.apiRoot, bot.token, "sendMediaGroup", {
    chat_id: alice.id,
    media: [live, { type: "audio", media: "https://example.test/a.mp3" }],
  });
  assert.equal(withAudio.body.description, "Bad Request: audio can't be mixed with other media types");
});

Deno.test("a refused sendMediaGroup stores none of its uploads", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "album_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  // Files are numbered as they are stored (the built-in sticker sets' first).
  const stored = async () => {
    const sent = await ok<Any>(emu.apiRoot, bot.token, "sendPhoto", {
      chat_id: alice.id,
      photo: "https://e.test/x.jpg",
    });
    const file = await ok<Any>(emu.apiRoot, bot.token, "getFile", { file_id: sent.photo.at(-1).file_id });
    return Number(/file_(\d+)/.exec(file.file_path)![1]);
  };
  const before = await stored();
  const albums: [string, { type: string; caption?: string; show_caption_above_media?: boolean }[]][] = [
    ["too many messages to send as an album", Array.from({ length: 11 }, () => ({ type: "photo" }))],
    ["document can't be mixed with other media types", [{ type: "photo" }, { type: "document" }]],
    ["parameter show_caption_above_media must be the same for all messages", [
      { type: "photo", caption: "a", show_caption_above_media: true },
      { type: "photo" },
    ]],
  ];
  for (const [refusal, items] of albums) {
    const form = new FormData();
    form.append("chat_id", String(alice.id));
    form.append("media", JSON.stringify(items.map((item, i) => ({ ...item, media: `attach://f${i}` }))));
    items.forEach((item, i) =>
      form.append(`f${i}`, new Blob([`bytes ${i}`]), item.type === "photo" ? "p.jpg" : "d.txt")
    );
    const answer =
      await (await fetch(`${emu.apiRoot}/bot${bot.token}/sendMediaGroup`, { method: "POST", body: form }))
        .json();
    assert.equal(answer.description, `Bad Request: ${refusal}`);
  }
  assert.equal(await stored(), before + 1, "nothing stored in between");
});
