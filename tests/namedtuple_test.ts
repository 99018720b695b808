import assert from "node:assert/strict";
import { TYPES } from "../api/spec.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import * as namedtuple from "../namedtuple/mod.ts";

Deno.test("there is a factory for every object type", () => {
  for (const name of Object.keys(TYPES)) {
    if (name === "InputFile") continue;
    assert.equal(typeof (namedtuple as Record<string, unknown>)[name], "function", name);
  }
});

Deno.test("an incoming Message has every field, null where absent, nested objects converted", () => {
  const msg = namedtuple.Message({
    message_id: 5,
    date: 1700000000,
    chat: { id: 9, type: "private", first_name: "Ann" },
    from: { id: 9, is_bot: false, first_name: "Ann" },
    text: "hi",
    photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 2 }],
  });
  assert.equal(msg.text, "hi");
  assert.equal(msg.caption, null);
  assert.equal(msg.sticker, null);
  assert.equal(msg.chat.title, null);
  assert.equal(msg.from!.last_name, null);
  assert.equal(msg.photo![0].file_size, null);
  for (const field of TYPES.Message.fields) assert.ok(field.name in msg, field.name);
});

Deno.test("an outgoing object checks required fields and names the missing one", () => {
  assert.throws(
    () => namedtuple.InlineKeyboardButton({ callback_data: "x" } as never),
    (e: unknown) => e instanceof BadInput && /InlineKeyboardButton\.text/.test(e.message),
  );
  assert.throws(
    () => namedtuple.InlineKeyboardMarkup({ inline_keyboard: [[{ callback_data: "x" } as never]] }),
    (e: unknown) => e instanceof BadInput && /inline_keyboard\[0\]\[0\]\.text/.test(e.message),
  );
  assert.throws(() => namedtuple.User("nope" as never), BadInput);
});

Deno.test("serialising drops the null fields, also nested", () => {
  const markup = namedtuple.InlineKeyboardMarkup({
    inline_keyboard: [[namedtuple.InlineKeyboardButton({ text: "Yes", callback_data: "yes" })]],
  });
  assert.equal(markup.inline_keyboard[0][0].url, null);
  assert.deepEqual(JSON.parse(JSON.stringify(markup)), {
    inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]],
  });
});

Deno.test("a union factory picks the member by its discriminator", () => {
  const media = namedtuple.InputMedia({ type: "video", media: "file-id", width: 10 } as never) as Record<
    string,
    unknown
  >;
  assert.equal(media.width, 10);
  assert.equal(media.supports_streaming, null, "InputMediaVideo's own field is present");
  const member = namedtuple.ChatMember({
    status: "kicked",
    user: { id: 1, is_bot: false, first_name: "B" },
    until_date: 0,
  });
  // Converted as ChatMemberBanned: exactly its fields, and its nested User filled in.
  assert.deepEqual(Object.keys(member).sort(), ["status", "until_date", "user"]);
  assert.equal((member as { user: { last_name: unknown } }).user.last_name, null);
});

Deno.test("namedtuple objects pass to methods as they are, and no null reaches the wire", async () => {
  const { Api } = await import("../api/mod.ts");
  const { BotApiEmulator } = await import("../testing/mod.ts");
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "namedtuple_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  const markup = namedtuple.InlineKeyboardMarkup({
    inline_keyboard: [[namedtuple.InlineKeyboardButton({ text: "Yes", callback_data: "yes" })]],
  });
  const sent = await api.sendMessage(alice.id, "Sure?", {
    reply_markup: markup,
    link_preview_options: namedtuple.LinkPreviewOptions({ is_disabled: true }),
    entities: null,
  });
  assert.deepEqual(sent.reply_markup, { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] });
  const stored = emu.transcript(alice.id).at(-1)!;
  assert.ok(!JSON.stringify(stored).includes("null"), JSON.stringify(stored));
});

Deno.test("a field that can only be True is filled in, as telepot does; a union without a discriminator takes the member its fields name", () => {
  assert.equal(namedtuple.ReplyKeyboardRemove({}).remove_keyboard, true);
  const force = namedtuple.ForceReply({ selective: true });
  assert.deepEqual([force.force_reply, force.selective], [true, true]);
  const venue = { latitude: 1, longitude: 2, title: "Cafe", address: "Main St" };
  const article = namedtuple.InlineQueryResultArticle({ id: "1", title: "t", input_message_content: venue });
  const content = article.input_message_content as unknown as Record<string, unknown>;
  assert.ok("foursquare_id" in content, "a venue's content, every field present");
  assert.ok(!("live_period" in content), "not a location's");
});

const OBJECT_FREE = new Set(["Integer", "Float", "String", "Boolean", "True", "False", "InputFile"]);

// Every field whose value may be one of several object types, read off the spec table so a field added
// by a later Bot API version is covered too.
function fieldsOfSeveralObjectTypes(): { owner: string; field: string; types: string[] }[] {
  const found = [];
  for (const type of Object.values(TYPES)) {
    for (const field of type.fields) {
      const objects = field.types.filter((t) => !OBJECT_FREE.has(t.replace(/^(Array of )+/, "")));
      if (objects.length > 1) found.push({ owner: type.name, field: field.name, types: objects });
    }
  }
  return found;
}

// The least object of a type: its fixed constants and its required fields, with placeholder values.
function least(name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of TYPES[name].fields) {
    if (field.const !== undefined) out[field.name] = field.const;
    else if (field.required) {
      const type = field.types[0];
      out[field.name] = type.startsWith("Array of ")
        ? []
        : type === "Integer" || type === "Float"
        ? 1
        : type === "Boolean" || type === "True"
        ? true
        : TYPES[type]?.fields.length
        ? least(type)
        : "x";
    }
  }
  return out;
}

Deno.test("a field of several object types converts its value as the type its discriminator names, for every such field and every kind", () => {
  const several = fieldsOfSeveralObjectTypes();
  assert.ok(
    several.some((f) => f.owner === "InputRichMessageMedia" && f.field === "media"),
    JSON.stringify(several),
  );
  for (const { owner, field, types } of several) {
    for (const kind of types) {
      const value = least(kind);
      const made = (namedtuple as unknown as Record<string, (o: unknown) => Record<string, unknown>>)[owner]({
        ...least(owner),
        [field]: value,
      });
      const converted = made[field] as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(converted).sort(),
        TYPES[kind].fields.map((f) => f.name).sort(),
        `${owner}.${field} as ${kind}`,
      );
      assert.deepEqual(JSON.parse(JSON.stringify(converted)), value, `${owner}.${field} as ${kind}`);
    }
  }
  // Nested: InputRichMessage.media is an array of InputRichMessageMedia.
  const rich = namedtuple.InputRichMessage({
    markdown: "x",
    media: [{ id: "p", media: { type: "photo", media: "x" } }, {
      id: "v",
      media: { type: "video", media: "y" },
    }],
  });
  const [photo, video] = rich.media!.map((m) => m.media as unknown as Record<string, unknown>);
  assert.equal(photo.type, "photo");
  assert.equal(photo.has_spoiler, null, "an InputMediaPhoto's own field is present");
  assert.ok(!("duration" in photo), "not an animation's");
  assert.equal(video.supports_streaming, null, "an InputMediaVideo's own field is present");
});

Deno.test("a field of several object types leaves a value none of them names as given, without throwing", () => {
  for (const media of [{ type: "sticker", media: "x" }, { media: "x" }]) {
    const made = namedtuple.InputRichMessageMedia({ id: "1", media: media as never });
    assert.deepEqual(made.media, media);
  }
  // A kind the discriminator names is that kind's, so a missing required field is reported as such.
  assert.throws(
    () => namedtuple.InputRichMessageMedia({ id: "1", media: { type: "photo" } as never }),
    (e: unknown) => e instanceof BadInput && /InputRichMessageMedia\.media\.media/.test(e.message),
  );
  // So in a union: its discriminator names the member, whose required field is then missing.
  assert.throws(
    () => namedtuple.InputMedia({ type: "photo" } as never),
    (e: unknown) => e instanceof BadInput && /InputMedia\.media: .*InputMediaPhoto/.test(e.message),
  );
});

Deno.test("a MaybeInaccessibleMessage dated 0 is an InaccessibleMessage, also as a CallbackQuery's message; any other date a Message", () => {
  const chat = { id: 1, type: "private" as const };
  const gone = namedtuple.MaybeInaccessibleMessage({ chat, message_id: 2, date: 0 });
  assert.deepEqual(Object.keys(gone).sort(), ["chat", "date", "message_id"]);
  assert.equal((gone.chat as unknown as Record<string, unknown>).title, null, "its Chat converted");
  const query = namedtuple.CallbackQuery({
    id: "1",
    from: { id: 1, is_bot: false, first_name: "a" },
    chat_instance: "c",
    message: { chat, message_id: 2, date: 0 },
  });
  assert.deepEqual(Object.keys(query.message!).sort(), ["chat", "date", "message_id"]);
  const kept = namedtuple.MaybeInaccessibleMessage({ chat, message_id: 2, date: 1700000000 });
  for (const field of TYPES.Message.fields) assert.ok(field.name in kept, field.name);
  const texted = namedtuple.MaybeInaccessibleMessage(
    { chat, message_id: 2, date: 1700000000, text: "hi" } as never,
  );
  assert.equal((texted as unknown as Record<string, unknown>).caption, null, "a Message's field is present");
});
