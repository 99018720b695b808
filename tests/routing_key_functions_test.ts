import assert from "node:assert/strict";
import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import type { Message } from "../api/types.gen.ts";
import { Bot } from "../bot/bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { Router } from "../helper/router.ts";
import {
  byChatCommand,
  byCommand,
  byContentType,
  byData,
  byRegex,
  byText,
  lowerKey,
  makeContentTypeRoutingTable,
  makeRoutingTable,
  NO_MATCH,
  pascalCase,
  processKey,
  upperKey,
} from "../routing/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const msg = (fields: Record<string, unknown>) =>
  ({ message_id: 1, date: 0, chat: { id: 1, type: "private" }, ...fields }) as unknown as Message;

Deno.test("byContentType: the content type as key and its content as the handler's argument", () => {
  const key = byContentType();
  assert.deepEqual(key(msg({ text: "hi" })), ["text", ["hi"]]);
  const members = [{ id: 2, is_bot: false, first_name: "B" }];
  assert.deepEqual(key(msg({ new_chat_members: members })), ["new_chat_members", [members]]);
});

Deno.test("byCommand: command key, optional arguments, custom prefixes and separator; no command gives [NO_MATCH]", () => {
  const text = (m: { text: string }) => m.text;
  assert.deepEqual(byCommand(text)({ text: "/start now please" }), ["start"]);
  assert.deepEqual(byCommand(text, { passArgs: true })({ text: "/start now please" }), ["start", [[
    "now",
    "please",
  ]]]);
  assert.deepEqual(
    byCommand(text, { prefix: ["!", "#"], separator: ",", passArgs: true })({ text: "#go,a,b" }),
    [
      "go",
      [["a", "b"]],
    ],
  );
  assert.deepEqual(byCommand(text)({ text: "hello" }), [NO_MATCH]);
  assert.deepEqual(byCommand(text, { prefix: "!" })({ text: "!go" }), ["go"]);
  assert.deepEqual(byChatCommand()(msg({ text: "/help" })), ["help"]);
  assert.deepEqual(byChatCommand()(msg({ photo: [] })), [NO_MATCH]);
});

Deno.test("byText, byData, byRegex (group number or name; no match gives [NO_MATCH])", () => {
  assert.equal(byText()({ text: "abc" }), "abc");
  assert.equal(byData()({ data: "press" }), "press");
  const m = byRegex((x: { text: string }) => x.text, /(\w+)-(?<n>\d+)/)({ text: "order-42" }) as [
    string,
    [RegExpExecArray],
  ];
  assert.equal(m[0], "order");
  assert.equal(m[1][0][2], "42");
  const named = byRegex((x: { text: string }) => x.text, "(\\w+)-(?<n>\\d+)", { key: "n" })({
    text: "order-42",
  });
  assert.equal((named as unknown[])[0], "42");
  assert.deepEqual(byRegex((x: { text: string }) => x.text, /zzz/)({ text: "order" }), [NO_MATCH]);
  const noText = byRegex((x: { text?: string }) => x.text as string, /(undefined)/);
  assert.deepEqual(noText({}), [NO_MATCH], "a message without text matches nothing, not \"undefined\"");
});

Deno.test("processKey, lowerKey, upperKey transform the key only", () => {
  const base = (x: { k: string }) => [x.k, ["arg"]];
  assert.deepEqual(lowerKey(base)({ k: "HeLLo" }), ["hello", ["arg"]]);
  assert.deepEqual(upperKey((x: { k: string }) => x.k)({ k: "a" }), "A");
  assert.deepEqual(processKey((k) => `${k}!`, base)({ k: "x" }), ["x!", ["arg"]]);
});

Deno.test("makeRoutingTable: prefix + PascalCase key, called on the object, a missing method's messages to the catch-all", () => {
  class Handler {
    calls: string[] = [];
    onText(m: Message) {
      this.calls.push(`text ${m.text}`);
    }
    onNewChatMembers() {
      this.calls.push("members");
    }
    handleDice() {
      this.calls.push("dice");
    }
  }
  const h = new Handler();
  const table = makeContentTypeRoutingTable(h);
  assert.deepEqual(Object.keys(table), [...MESSAGE_CONTENT_TYPES]);
  const router = new Router(byContentType(), table);
  router.route(msg({ text: "x" }));
  router.route(msg({ new_chat_members: [] }));
  assert.deepEqual(h.calls, ["text x", "members"]);
  assert.throws(() => router.route(msg({ dice: { value: 1 } })), BadInput, "no onDice and no catch-all");
  table.null = () => h.calls.push("catch-all");
  router.route(msg({ dice: { value: 1 } }));
  assert.equal(h.calls.at(-1), "catch-all");
  makeRoutingTable(h, ["dice", "text"], { prefix: "handle" }).dice(msg({ dice: { value: 1 } }));
  assert.equal(h.calls.at(-1), "dice");
  const own = () => "own";
  assert.equal(makeRoutingTable(h, [["text", own]]).text, own);
  assert.equal(pascalCase("_idle"), "Idle");
  assert.equal(pascalCase("new_chat_members"), "NewChatMembers");
});

Deno.test("makeRoutingTable: a prefix not ending in a letter or digit is put before the key as it is, as telepot does", () => {
  const calls: string[] = [];
  const commands = {
    cmd_start: () => calls.push("cmd_start"),
    help: () => calls.push("help"),
    on_text: () => calls.push("on_text"),
    on_new_chat_members: () => calls.push("on_new_chat_members"),
  };
  makeRoutingTable(commands, ["start"], { prefix: "cmd_" }).start(msg({ text: "/start" }));
  makeRoutingTable(commands, ["help"], { prefix: "" }).help(msg({ text: "/help" }));
  const router = new Router(byContentType(), makeContentTypeRoutingTable(commands, { prefix: "on_" }));
  router.route(msg({ text: "x" }));
  router.route(msg({ new_chat_members: [] }));
  assert.deepEqual(calls, ["cmd_start", "help", "on_text", "on_new_chat_members"]);
  assert.throws(() => makeRoutingTable(commands, ["start"], { prefix: 5 as unknown as string }), BadInput);
});

Deno.test("makeRoutingTable looks methods up when routing: a table built in a base constructor finds a subclass's fields", () => {
  class Base {
    readonly router = new Router(byContentType(), makeContentTypeRoutingTable(this));
  }
  class Greeter extends Base {
    readonly seen: string[] = [];
    onText = (m: Message) => void this.seen.push(`text ${m.text}`);
  }
  const greeter = new Greeter();
  greeter.router.route(msg({ text: "hi" }));
  assert.deepEqual(greeter.seen, ["text hi"]);
});

Deno.test("makeRoutingTable spread into a Router's table: a missing method's messages go to that table's catch-all", () => {
  class TextOnly {
    onText(m: Message) {
      return `text ${m.text}`;
    }
  }
  const router = new Router(byContentType(), {
    ...makeContentTypeRoutingTable(new TextOnly()),
    null: () => "catch-all",
  });
  assert.equal(router.route(msg({ text: "hi" })), "text hi");
  assert.equal(router.route(msg({ location: { latitude: 1, longitude: 2 } })), "catch-all");
});

Deno.test("byContentType knows every content type of the Bot API Message", () => {
  const key = byContentType();
  for (const type of MESSAGE_CONTENT_TYPES) {
    assert.equal((key(msg({ [type]: { any: 1 } })) as unknown[])[0], type);
  }
  assert.ok(MESSAGE_CONTENT_TYPES.includes("new_chat_members" as never));
});

Deno.test("a makeRoutingTable table given to messageLoop: a missing method falls through to the flavor's entry and null, and asks for no opt-in kind", async () => {
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "table_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  class Handlers {
    readonly seen: string[] = [];
    onChat(msg: Message) {
      this.seen.push(`chat ${msg.text}`);
    }
  }
  const handlers = new Handlers();
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop({
    ...makeRoutingTable(handlers, ["message", "chat", "callback_query", "message_reaction"]),
    null: () => void handlers.seen.push("catch-all"),
  }, { timeout: 1, relax: 0 });
  try {
    // "message" (the Update kind) has no onMessage: its entry falls through to "chat".
    const sent = await bot.sendMessage(alice.id, "Tea?", {
      reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] },
    });
    await alice.sendText(alice.id, "hi");
    await alice.pressButton(sent, "Yes");
    await until(() => handlers.seen.length === 2, 20, "both routed");
    assert.deepEqual(handlers.seen, ["chat hi", "catch-all"]);
    assert.ok(!emu.bot(handle).queue.allowedList()!.includes("message_reaction"), "no onMessageReaction");
  } finally {
    await loop.stop();
  }
});

Deno.test("a key function given a message it cannot read gives [NO_MATCH]: byCommand on a photo, as byRegex", () => {
  const photo = msg({ photo: [] });
  assert.deepEqual(byCommand((m: { text: string }) => m.text)(photo as never), [NO_MATCH]);
  assert.deepEqual(byRegex((m: { text: string }) => m.text, /(.*)/)(photo as never), [NO_MATCH]);
  assert.deepEqual(byChatCommand()(null as never), [NO_MATCH]);
  assert.deepEqual(byText()(photo), [NO_MATCH]);
  assert.deepEqual(byText()(null as never), [NO_MATCH]);
  assert.deepEqual(byData()({ game_short_name: "g" } as never), [NO_MATCH]);
  assert.deepEqual(byContentType()(msg({ newer_content: {} })), [NO_MATCH]);
  assert.deepEqual(byContentType()(null as never), [NO_MATCH]);
  const router = new Router(byCommand((m: { text: string }) => m.text), {
    start: () => "start",
    [NO_MATCH]: () => "no command",
  });
  assert.equal(router.route(photo as never), "no command");
  const trimmed = processKey((k) => (k as string).trim(), byText());
  assert.deepEqual(trimmed(photo), [NO_MATCH], "NO_MATCH is not given to a processor of text keys");
  assert.deepEqual(lowerKey(byChatCommand())(photo), [NO_MATCH]);
});

const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;

Deno.test("key function factories refuse a wrong argument when called, naming it, instead of failing at every message", () => {
  const text = (m: { text: string }) => m.text;
  const wrong = (value: unknown) => value as never;
  assert.throws(() => byCommand(wrong(5)), badInput("extractor"));
  assert.throws(() => byRegex(wrong("text"), /x/), badInput("extractor"));
  assert.throws(() => byRegex(text, wrong(5)), badInput("regex"));
  assert.throws(() => byRegex(text, "("), badInput("regex"));
  assert.throws(() => byRegex(text, /x/, { key: -1 }), badInput("options.key"));
  assert.throws(() => byRegex(text, /x/, wrong(5)), badInput("options"));
  assert.throws(() => byChatCommand(wrong(5)), badInput("options"));
  assert.throws(() => byChatCommand({ prefix: wrong(5) }), badInput("options.prefix"));
  assert.throws(() => byChatCommand({ prefix: wrong(["/", 5]) }), badInput("options.prefix"));
  assert.throws(() => byChatCommand({ separator: "" }), badInput("options.separator"));
  assert.throws(() => byChatCommand({ separator: wrong(5) }), badInput("options.separator"));
  assert.throws(() => byChatCommand({ username: wrong(42) }), badInput("options.username"));
  assert.throws(() => byChatCommand({ username: "@" }), badInput("options.username"));
  assert.throws(() => processKey(wrong(5), byChatCommand()), badInput("processor"));
  assert.throws(() => processKey((k) => k, wrong(5)), badInput("fn"));
  assert.throws(() => lowerKey(wrong("text")), badInput("fn"));
  assert.throws(() => upperKey(wrong(null)), badInput("fn"));
  assert.deepEqual(byChatCommand({ prefix: ["!", "/"], username: "@My_Bot" })(msg({ text: "!a@my_bot" })), [
    "a",
  ]);
});

Deno.test("makeRoutingTable refuses an object, keys or options it could not use, when called", () => {
  const wrong = (value: unknown) => value as never;
  assert.throws(() => makeRoutingTable(wrong(null), ["text"]), badInput("obj"));
  assert.throws(() => makeRoutingTable(wrong(5), ["text"]), badInput("obj"));
  assert.throws(() => makeContentTypeRoutingTable(wrong("handlers")), badInput("obj"));
  assert.throws(
    () => makeRoutingTable({}, wrong("text")),
    badInput("keys"),
    "a string is not its characters",
  );
  assert.throws(() => makeRoutingTable({}, wrong([5])), badInput("keys[0]"));
  assert.throws(() => makeRoutingTable({}, wrong([["text", "onText"]])), badInput("keys[0]"));
  assert.throws(() => makeRoutingTable({}, ["text"], wrong(5)), badInput("options"));
  assert.deepEqual(Object.keys(makeRoutingTable(class {}, ["text"])), ["text"], "a class's static methods");
});
