import assert from "node:assert/strict";
import { MESSAGE_CONTENT_TYPES, UPDATE_KINDS } from "../api/classification.gen.ts";
import { TYPES } from "../api/spec.gen.ts";
import {
  contentType,
  flance,
  flavor,
  flavorOfKind,
  fleece,
  glance,
  isEvent,
  type LoopMessage,
  messageIdentifier,
  originIdentifier,
  peel,
  rememberOrigin,
} from "../bot/mod.ts";
import { isMessageKind } from "../bot/update_shapes.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { quickFlavor } from "../helper/quick_flavor.ts";
import { Message } from "../namedtuple/mod.ts";

const chat = { id: 42, type: "private" as const, first_name: "A" };
const from = { id: 7, is_bot: false, first_name: "A" };
const message = { message_id: 3, date: 1000, chat, from, text: "hi" };

Deno.test("flavor: telepot's message flavors", () => {
  assert.equal(flavor(message), "chat");
  assert.equal(flavor({ ...message, edit_date: 1001 }), "edited_chat");
  assert.equal(flavor({ id: "1", from, chat_instance: "x", data: "d" }), "callback_query");
  assert.equal(flavor({ id: "1", from, query: "q", offset: "" }), "inline_query");
  assert.equal(flavor({ result_id: "r", from, query: "q" }), "chosen_inline_result");
  assert.equal(
    flavor({ id: "1", from, invoice_payload: "p", shipping_address: {} }),
    "shipping_query",
  );
  assert.equal(
    flavor({ id: "1", from, currency: "EUR", total_amount: 5, invoice_payload: "p" }),
    "pre_checkout_query",
  );
});

Deno.test("flavor: other Update kinds by shape, the richer shape winning over Message", () => {
  const reaction = { chat, message_id: 3, date: 1, old_reaction: [], new_reaction: [] };
  assert.equal(flavor(reaction), "message_reaction");
  assert.equal(flavor({ chat, message_id: 3, date: 1, reactions: [] }), "message_reaction_count");
  assert.equal(
    flavor({ poll_id: "p", option_ids: [0], option_persistent_ids: ["a"], user: from }),
    "poll_answer",
  );
  assert.equal(flavor({ chat, from, user_chat_id: 7, date: 1 }), "chat_join_request");
  assert.equal(flavor({ chat, boost_id: "b", remove_date: 1, source: {} }), "removed_chat_boost");
  const member = { chat, from, date: 1, old_chat_member: {}, new_chat_member: {} };
  // Same shape for two kinds: a hand-made object gets the first in spec order.
  assert.equal(flavor({ ...member }), "my_chat_member");
});

Deno.test("flavor: an object that came through the loop keeps its update kind", () => {
  const member = { chat, from, date: 1, old_chat_member: {}, new_chat_member: {} };
  rememberOrigin(member, { kind: "chat_member", updateId: 9 });
  assert.equal(flavor(member), "chat_member");
  // Remembered beside the object: its keys and JSON stay as Telegram sent them.
  assert.deepEqual(Object.keys(member), ["chat", "from", "date", "old_chat_member", "new_chat_member"]);
  const post = { ...message };
  rememberOrigin(post, { kind: "edited_channel_post", updateId: 10 });
  assert.equal(flavor(post), "edited_chat");
  const business = { ...message };
  rememberOrigin(business, { kind: "business_message", updateId: 11 });
  assert.equal(flavor(business), "chat");
});

Deno.test("flavor: every Update kind maps to a flavor", () => {
  const messageKinds = ["message", "edited_message", "channel_post", "edited_business_message"];
  assert.ok(messageKinds.every(isMessageKind));
  assert.ok(!isMessageKind("callback_query") && !isMessageKind("chat_member"));
  for (const kind of UPDATE_KINDS) {
    const obj = {};
    rememberOrigin(obj, { kind, updateId: 1 });
    // Messages of every kind are chat or edited_chat, as in telepot; anything else keeps its kind.
    const expected = !isMessageKind(kind) ? kind : kind.startsWith("edited_") ? "edited_chat" : "chat";
    assert.equal(flavor(obj), expected, kind);
  }
});

Deno.test("flavor: events, and bad input", () => {
  assert.equal(flavor({ _idle: { seconds: 3 } }), "_idle");
  assert.equal(isEvent({ _idle: {} }), true);
  assert.equal(isEvent(message), false);
  assert.deepEqual(peel({ _alarm: { at: 5 } }), { at: 5 });
  assert.deepEqual(fleece({ _alarm: { at: 5 } }), ["_alarm", { at: 5 }]);
  assert.throws(() => flavor({ a: 1, b: 2 }), BadFlavor);
  assert.throws(() => flavor(null), BadFlavor);
  assert.throws(() => peel({ a: 1, b: 2 }), BadFlavor);
  assert.equal(isEvent({ a: 1, b: 2 }), false);
  assert.equal(isEvent({ _a: 1, _b: 2 }), false);
  assert.equal(isEvent(null), false);
  assert.equal(isEvent("_idle"), false);
});

Deno.test("glance: chat messages, short and long", () => {
  assert.deepEqual(glance(message), ["text", "private", 42]);
  assert.deepEqual(glance(message, "chat", true), ["text", "private", 42, 1000, 3]);
  const photo = { message_id: 4, date: 5, chat, photo: [{ file_id: "f" }], caption: "c" };
  assert.deepEqual(glance(photo as never), ["photo", "private", 42]);
  const joined = { message_id: 5, date: 5, chat, new_chat_members: [from] };
  assert.deepEqual(glance(joined as never), ["new_chat_members", "private", 42]);
});

Deno.test("glance: a message without content is a clear error", () => {
  assert.throws(() => glance({ message_id: 1, date: 1, chat } as never), (e: unknown) => {
    assert.ok(e instanceof BadFlavor);
    assert.match(e.message, /no content field/);
    return true;
  });
});

Deno.test("glance: every generated content type is recognized", () => {
  for (const type of MESSAGE_CONTENT_TYPES) {
    const m = { message_id: 1, date: 1, chat, [type]: {} };
    assert.equal(glance(m as never)[0], type);
  }
});

Deno.test("glance: queries and other kinds", () => {
  assert.deepEqual(glance({ id: "c", from, chat_instance: "i", data: "d" } as never, "callback_query"), [
    "c",
    7,
    "d",
  ]);
  const iq = { id: "q", from, query: "cats", offset: "10" };
  assert.deepEqual(glance(iq as never, "inline_query"), ["q", 7, "cats"]);
  assert.deepEqual(glance(iq as never, "inline_query", true), ["q", 7, "cats", "10"]);
  assert.deepEqual(glance({ result_id: "r", from, query: "x" } as never, "chosen_inline_result"), [
    "r",
    7,
    "x",
  ]);
  const pcq = { id: "p", from, currency: "EUR", total_amount: 500, invoice_payload: "inv" };
  assert.deepEqual(glance(pcq as never, "pre_checkout_query"), ["p", 7, "inv"]);
  assert.deepEqual(glance(pcq as never, "pre_checkout_query", true), ["p", 7, "inv", "EUR", 500]);
  const member = { chat, from, date: 9, old_chat_member: {}, new_chat_member: {} };
  assert.deepEqual(glance(member as never, "chat_member", true), ["private", 42, 7, 9]);
  assert.throws(() => glance(message, "_idle" as never), BadFlavor);
});

Deno.test("flance: flavor and headline together", () => {
  assert.deepEqual(flance(message), ["chat", ["text", "private", 42]]);
  assert.deepEqual(flance({ id: "q", from, query: "x", offset: "" }, true), ["inline_query", [
    "q",
    7,
    "x",
    "",
  ]]);
});

Deno.test("messageIdentifier and originIdentifier", () => {
  assert.deepEqual(messageIdentifier(message), [42, 3]);
  assert.deepEqual(messageIdentifier({ result_id: "r", from, query: "", inline_message_id: "im" }), ["im"]);
  assert.throws(() => messageIdentifier({ result_id: "r" }), BadInput);
  assert.deepEqual(originIdentifier({ id: "c", message }), [42, 3]);
  assert.deepEqual(originIdentifier({ id: "c", inline_message_id: "im" }), ["im"]);
  assert.throws(() => originIdentifier({ id: "c" }), BadInput);
});

Deno.test("glance: handlers' loosely typed messages get the flavor's typed tuple", () => {
  const msg: LoopMessage = { ...message };
  const short: [string, string, number] = glance(msg);
  const long: [string, string, number, number, number] = glance(msg, "chat", true);
  const query: [string, number, string | undefined] = glance(
    { id: "c", from, chat_instance: "i", data: "d" } as LoopMessage,
    "callback_query",
  );
  assert.deepEqual([short, long, query], [["text", "private", 42], ["text", "private", 42, 1000, 3], [
    "c",
    7,
    "d",
  ]]);
});

/** A payload of Bot API type `name` with every field the spec marks required, filled with plausible values. */
function sample(name: string, depth = 0): unknown {
  const scalars: Record<string, unknown> = {
    Integer: 1,
    String: "s",
    Boolean: true,
    Float: 1.5,
    "True": true,
  };
  if (name in scalars) return scalars[name];
  if (name.startsWith("Array of ")) return [sample(name.slice("Array of ".length), depth + 1)];
  const type = TYPES[name];
  assert.ok(type, `type ${name} in the spec`);
  if (type.subtypes.length > 0) return sample(type.subtypes[0], depth);
  const obj: Record<string, unknown> = {};
  for (const field of type.fields) {
    if (field.required && depth < 6) obj[field.name] = field.const ?? sample(field.types[0], depth + 1);
  }
  return obj;
}

function payloadOf(kind: string): Record<string, unknown> {
  const field = TYPES["Update"].fields.find((f) => f.name === kind)!;
  const payload = sample(field.types[0]) as Record<string, unknown>;
  // A message is read by its content (the spec marks no content field as required); an edit has a date.
  if (!isMessageKind(kind)) return payload;
  return kind.startsWith("edited_") ? { ...payload, text: "hi", edit_date: 2 } : { ...payload, text: "hi" };
}

Deno.test("flavor: a payload of every Update kind, built from the spec, gets its flavor by shape alone", () => {
  for (const kind of UPDATE_KINDS) {
    // Two kinds share ChatMemberUpdated: without the loop's memory, the first in spec order wins.
    const expected = kind === "chat_member" ? "my_chat_member" : flavorOfKind(kind);
    assert.equal(flavor(payloadOf(kind)), expected, kind);
  }
});

Deno.test("glance: every Update kind's flavor has a headline", () => {
  for (const kind of UPDATE_KINDS) {
    const f = flavorOfKind(kind);
    const short = glance(payloadOf(kind), f);
    const long = glance(payloadOf(kind), f, true);
    assert.ok(Array.isArray(short) && short.length >= 2, `${kind}: ${JSON.stringify(short)}`);
    assert.ok(long.length >= short.length, kind);
    assert.deepEqual(flance(payloadOf(kind))[0], kind === "chat_member" ? "my_chat_member" : f);
  }
});

Deno.test("glance: every flavor beyond telepot's has a typed tuple as well", () => {
  const boost: [string, number, string] = glance(payloadOf("chat_boost"), "chat_boost");
  const removed: [string, number, string] = glance(payloadOf("removed_chat_boost"), "removed_chat_boost");
  const connection: [string, number, boolean] = glance(
    payloadOf("business_connection"),
    "business_connection",
  );
  const deleted: [string, number, number[]] = glance(
    payloadOf("deleted_business_messages"),
    "deleted_business_messages",
  );
  const paid: [number, string] = glance(payloadOf("purchased_paid_media"), "purchased_paid_media");
  const managed: [number, number] = glance(payloadOf("managed_bot"), "managed_bot");
  const poll: [string, string, number, boolean] = glance(payloadOf("poll"), "poll", true);
  const answerPayload: Record<string, unknown> = { ...payloadOf("poll_answer"), user: from };
  const answer: [string, number, number[]] = glance(answerPayload, "poll_answer");
  const reaction: [string, number, number, number] = glance(
    payloadOf("message_reaction"),
    "message_reaction",
    true,
  );
  assert.deepEqual(
    [boost, removed, connection, deleted, paid, managed, poll, answer, reaction],
    [
      ["s", 1, "s"],
      ["s", 1, "s"],
      ["s", 1, true],
      ["s", 1, [1]],
      [1, "s"],
      [1, 1],
      ["s", "s", 1, true],
      ["s", 7, [1]],
      ["s", 1, 1, 1],
    ],
  );
});

Deno.test("a namedtuple Message, every unset field null, has the flavor of the dictionary it was made of", () => {
  const sent = {
    message_id: 7,
    date: 1700000000,
    chat: { id: 5, type: "private" as const },
    from: { id: 5, is_bot: false, first_name: "Nick" },
    text: "hi",
  };
  const tuple = Message(sent);
  assert.equal(tuple.edit_date, null);
  assert.equal(flavor(tuple), "chat");
  assert.equal(quickFlavor(tuple), "chat");
  assert.deepEqual(flance(tuple), ["chat", ["text", "private", 5]]);
  assert.equal(flavor(Message({ ...sent, edit_date: 1700000100 })), "edited_chat");
  // Hand-made, without every field a Message requires: telepot's own rules, null still being unset.
  assert.equal(flavor({ message_id: 1, edit_date: null }), "chat");
  assert.equal(flavor({ message_id: 1, edit_date: 5 }), "edited_chat");
});

Deno.test("glance, contentType, messageIdentifier, originIdentifier: null or a payload lacking a field is a typed error, not a TypeError", () => {
  const none = (value: unknown) => value as never;
  for (const msg of [null, undefined, 5]) {
    assert.throws(() => glance(none(msg)), BadFlavor);
    assert.throws(() => glance(none(msg), "callback_query"), BadFlavor);
    assert.throws(() => contentType(none(msg)), BadFlavor);
    assert.throws(() => messageIdentifier(none(msg)), BadInput);
    assert.throws(() => originIdentifier(none(msg)), BadInput);
  }
  assert.throws(() => glance({ id: "c", chat_instance: "i" } as never, "callback_query"), (e: unknown) => {
    assert.ok(e instanceof BadFlavor);
    assert.match(e.message, /Not a callback_query payload/);
    return true;
  });
  assert.throws(() => glance({} as never, "my_chat_member"), BadFlavor);
});
