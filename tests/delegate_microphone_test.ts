import assert from "node:assert/strict";
import type { Msg } from "../bot/delegator_bot.ts";
import { EVENT_PAYLOAD, Microphone } from "../bot/microphone.ts";
import { Receipt } from "../bot/receipt.ts";
import { flavorOrNull, keyedTemplate, Listener } from "../helper/mod.ts";

/** A listener on a new delegate mailbox of `mic`, counting how often its patterns are asked. */
function counted(mic: Microphone<Msg>): { listener: Listener; asked: () => number } {
  let asked = 0;
  const listener = new Listener(mic.mailbox());
  const matches = listener.matches.bind(listener);
  listener.matches = (msg: Msg) => {
    asked++;
    return matches(msg);
  };
  return { listener, asked: () => asked };
}

function send(mic: Microphone<Msg>, msg: Msg): Receipt {
  const receipt = new Receipt();
  mic.send(msg, receipt);
  receipt.release();
  return receipt;
}

Deno.test("Microphone: listeners filed by a fixed value are looked up, never asked about other messages", () => {
  const mic = new Microphone<Msg>();
  const chats = Array.from({ length: 1000 }, (_, i) => {
    const c = counted(mic);
    c.listener.capture([{ chat: { id: i } }, { text: (t: unknown) => typeof t === "string" }]);
    return c;
  });
  send(mic, { chat: { id: 7 }, text: "hi" });
  send(mic, { chat: { id: 7 } }); // filed under 7, but the second template does not match
  send(mic, { chat: { id: 5000 }, text: "nobody's" });
  assert.equal(chats[7].listener.mailbox.size, 1);
  assert.equal(chats[7].asked(), 2);
  const askedElsewhere = chats.reduce((n, c, i) => n + (i === 7 ? 0 : c.asked()), 0);
  assert.equal(askedElsewhere, 0, "no other listener was asked");
});

Deno.test("Microphone: a pattern without a fixed value is asked about every message; captures add up", () => {
  const mic = new Microphone<Msg>();
  const keyed = counted(mic);
  keyed.listener.capture([{ chat: { id: 1 } }]);
  send(mic, { chat: { id: 2 } });
  assert.equal(keyed.asked(), 0);
  keyed.listener.capture([(msg: Msg) => msg.text === "any chat"]);
  send(mic, { chat: { id: 3 }, text: "any chat" });
  send(mic, { chat: { id: 1 } });
  assert.equal(keyed.asked(), 2, "now asked about everything");
  assert.equal(keyed.listener.mailbox.size, 2);
  const later = counted(mic);
  later.listener.capture([{ chat: { id: 1 } }]);
  later.listener.capture([{ from: { id: 9 } }]);
  send(mic, { chat: { id: 1 }, from: { id: 9 } });
  assert.equal(later.listener.mailbox.size, 1, "filed under two values a message has: received once");
  send(mic, { chat: { id: 4 }, from: { id: 9 } });
  assert.equal(later.listener.mailbox.size, 2, "the second capture is filed too");
  later.listener.mailbox.close();
  send(mic, { chat: { id: 1 }, from: { id: 9 } });
  assert.equal(later.asked(), 2, "a closed mailbox is forgotten");
});

Deno.test("Microphone: events are filed by their source; tuple values by value; receipts held by hearers", async () => {
  const mic = new Microphone<Msg>();
  const own = counted(mic);
  const ownEvent = (msg: Msg) => msg[Object.keys(msg)[0]]?.source?.id?.[0] === 5;
  own.listener.capture([keyedTemplate([EVENT_PAYLOAD, "source", "id"], [5, null], ownEvent)]);
  const other = counted(mic);
  other.listener.capture([keyedTemplate([EVENT_PAYLOAD, "source", "id"], [6, null], () => true)]);
  const receipt = send(mic, { _alarm: { source: { space: 1, id: [5, null] } } });
  send(mic, { message_id: 1, chat: { id: 5 } });
  assert.equal(own.listener.mailbox.size, 1);
  assert.equal(other.asked(), 0);
  let settled = false;
  const done = receipt.settled().then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(settled, false, "held by the mailbox that heard it");
  assert.ok(own.listener.poll() !== undefined);
  own.listener.poll(); // asking for the next message: the event is handled
  await done;
});

Deno.test("Microphone: a path step may be a function (here the flavor); a throwing one finds nobody", () => {
  const mic = new Microphone<Msg>();
  const queries = counted(mic);
  const isQuery = keyedTemplate(
    [flavorOrNull],
    "callback_query",
    (msg: Msg) => flavorOrNull(msg) === "callback_query",
  );
  queries.listener.capture([isQuery, { data: "yes" }]);
  const broken = counted(mic);
  broken.listener.capture([keyedTemplate(
    [() => {
      throw new Error("cannot tell");
    }],
    1,
    () => true,
  )]);
  send(mic, { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "hi" });
  assert.equal(queries.asked(), 0, "not asked about a chat message");
  send(mic, { id: "q", from: { id: 1 }, chat_instance: "c", data: "yes", message: { message_id: 1 } });
  assert.equal(queries.asked(), 1);
  assert.equal(queries.listener.mailbox.size, 1);
  assert.equal(broken.asked(), 0);
});

Deno.test("flavorOrNull: a reaction to a message (message_id and chat, but no message) is not a chat message", () => {
  const chat = { id: 5, type: "group" };
  const reaction = {
    chat,
    message_id: 3,
    date: 1,
    old_reaction: [],
    new_reaction: [{ type: "emoji", emoji: "👍" }],
  };
  const count = { chat, message_id: 3, date: 1, reactions: [] };
  assert.equal(flavorOrNull(reaction), "message_reaction");
  assert.equal(flavorOrNull(count), "message_reaction_count");
  assert.equal(flavorOrNull({ chat, message_id: 3, date: 1, text: "hi" }), "chat");
});
