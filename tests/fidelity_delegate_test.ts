// telepot fidelity (issue 10, points 1, 6 and 16): delegation as telepot's docs play it, over the emulator.
import assert from "node:assert/strict";
import { UPDATE_KINDS } from "../api/classification.gen.ts";
import type { InlineQuery, Message } from "../api/types.gen.ts";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import type { MessageLoopOptions } from "../bot/loop_options.ts";
import {
  createOpen,
  paveEventSpace,
  perChatId,
  perChatIdExcept,
  perChatIdIn,
  perFromIdExcept,
  perFromIdIn,
  perInlineFromIdIn,
} from "../delegate/mod.ts";
import { BadInput } from "../exception/mod.ts";
import { ChatHandler, InlineUserHandler, schedulerOf } from "../helper/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";
import { until } from "./support/until.ts";

const quick = { timeout: 1, relax: 0 };

type Patterns = ConstructorParameters<typeof DelegatorBot>[1];

async function withBot(
  patterns: Patterns,
  options: MessageLoopOptions,
  body: (ctx: { emu: BotApiEmulator; bot: DelegatorBot; username: string }) => Promise<void>,
): Promise<void> {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "fidelity_bot" });
  const bot = new DelegatorBot(handle.token, patterns, { apiRoot: emu.apiRoot });
  const loop = bot.messageLoop(undefined, { ...quick, ...options });
  try {
    // Telegram applies allowed_updates from the first getUpdates on.
    await until(() => emu.bot(handle).queue.allowedList() !== null);
    await body({ emu, bot, username: handle.username });
  } finally {
    await loop.stop();
    schedulerOf(bot).clear();
    await emu.close();
  }
}

// The docs' MessageCounter, unchanged in spirit.
class MessageCounter extends ChatHandler {
  count = 0;
  async onChatMessage(_msg: Message): Promise<void> {
    this.count += 1;
    await this.sender.sendMessage(String(this.count));
  }
}

const cases: [name: string, options: MessageLoopOptions, seeder: ReturnType<typeof perChatId>][] = [
  ["messageLoop() as the docs call it", {}, perChatId()],
  ["every update kind asked for", { allowedUpdates: UPDATE_KINDS }, perChatId()],
  ["every kind asked for and seeded", { allowedUpdates: UPDATE_KINDS }, perChatId({ flavors: "all" })],
];

for (const [name, options, seeder] of cases) {
  Deno.test(`point 1: the docs' MessageCounter counts 1, 2, 3, 4 in a group with reactions and joins (${name})`, async () => {
    using recorded = recordConsoleErrors();
    // A class per case: what a delegate has no method for is said once per class and flavor.
    class Counter extends MessageCounter {}
    await withBot(
      [paveEventSpace()(seeder, createOpen, Counter, { timeout: 10 })],
      options,
      async ({ emu, bot, username }) => {
        const alice = emu.createUser({ first_name: "Alice" });
        const bob = emu.createUser({ first_name: "Bob" });
        const group = emu.createGroup({ title: "G", members: [alice], bots: [username] });
        const replies: string[] = [];
        const next = async () => replies.push((await emu.nextBotMessage(group.id)).text!);
        const first = await alice.sendText(group.id, "one");
        await next();
        await alice.react(first, ["👍"]);
        await alice.sendText(group.id, "two");
        await next();
        await bob.join(group.id); // a new_chat_members message (counted, as in telepot) and chat_member
        await next();
        await alice.react(first, ["🔥"]);
        await alice.sendText(group.id, "three");
        await next();
        assert.deepEqual(replies, ["1", "2", "3", "4"]);
        assert.equal(bot.delegateCount, 1, "one delegate for the group all along");
        await until(() => emu.pendingUpdates(username).length === 0);
      },
    );
    // What a delegate has no method for is said once per flavor (two reactions, one report), never per
    // update. Reactions carry their chat, so the chat's live delegate hears them through its listener
    // (telepot's microphone) whenever they are asked for, seeded or not.
    const reports = recorded.calls.map((call) => call.join(" "));
    const reactions = reports.filter((r) => r.includes("No handler for message_reaction")).length;
    assert.equal(reactions, options.allowedUpdates ? 1 : 0, reports.join("\n"));
  });
}

Deno.test("point 1: perChatId seeds messages only (as telepot); flavors: 'all' seeds any payload with a chat", () => {
  const msg = { message_id: 1, date: 0, chat: { id: 5, type: "group" }, text: "x" };
  const member = { id: 7, is_bot: false, first_name: "B" };
  const joined = {
    chat: { id: 5, type: "group" },
    from: member,
    date: 0,
    old_chat_member: { status: "left", user: member },
    new_chat_member: { status: "member", user: member },
  };
  assert.equal(perChatId()(msg), 5);
  assert.equal(perChatId()({ ...msg, edit_date: 1 }), 5);
  assert.equal(perChatId()(joined), null);
  assert.equal(perChatId({ flavors: "all" })(joined), 5);
  assert.equal(perChatId({ types: ["private"] })(msg), null);
});

class Echo extends ChatHandler {
  async onChatMessage(msg: Message): Promise<void> {
    await this.sender.sendMessage(`echo ${msg.text}`);
  }
}

Deno.test("point 6: perChatIdIn / perChatIdExcept read the set at every message", async () => {
  const allowed = new Set<number>();
  const barred: number[] = [];
  await withBot(
    [
      paveEventSpace()(perChatIdIn(allowed), createOpen, Echo, { timeout: 10 }),
      paveEventSpace()(perChatIdExcept(barred, { types: ["group"] }), createOpen, Echo, { timeout: 10 }),
    ],
    {},
    async ({ emu, username }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      const group = emu.createGroup({
        title: "G",
        members: [alice],
        bots: [username],
        botStatus: "administrator",
      });
      const other = emu.createGroup({ title: "H", members: [alice], bots: [username] });
      await alice.sendText(alice.id, "before");
      await alice.sendText(group.id, "g1");
      assert.equal((await emu.nextBotMessage(group.id)).text, "echo g1");
      await until(() => emu.pendingUpdates(username).length === 0);
      allowed.add(alice.id);
      barred.push(other.id);
      await alice.sendText(alice.id, "after");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "echo after", "the private chat was added");
      await alice.sendText(other.id, "h1");
      await assert.rejects(emu.nextBotMessage(other.id, { timeout: 0.5 }), "the other group was excluded");
      // As in telepot, a live delegate's listener still hears its own chat: the seeder only starts delegates.
      barred.push(group.id);
      await alice.sendText(group.id, "g2");
      assert.equal((await emu.nextBotMessage(group.id)).text, "echo g2");
    },
  );
});

Deno.test("point 6: perFromIdIn / perFromIdExcept / perInlineFromIdIn read the set at every message", async () => {
  const users = new Set<number>();
  const blocked = new Set<number>();
  const inline = new Set<number>();
  class InlineEcho extends InlineUserHandler {
    async onInlineQuery(q: InlineQuery): Promise<void> {
      await this.bot.answerInlineQuery(q.id, []);
    }
  }
  class From extends ChatHandler {
    async onChatMessage(msg: Message): Promise<void> {
      await this.bot.sendMessage(msg.chat.id, `${this.constructor.name} ${msg.text}`);
    }
  }
  class FromIn extends From {}
  class FromExcept extends From {}
  await withBot(
    [
      paveEventSpace()(perFromIdIn(users, { flavors: ["chat"] }), createOpen, FromIn, { timeout: 10 }),
      paveEventSpace()(perFromIdExcept(blocked, { flavors: ["chat"] }), createOpen, FromExcept, {
        timeout: 10,
      }),
      paveEventSpace()(perInlineFromIdIn(inline), createOpen, InlineEcho, { timeout: 10 }),
    ],
    {},
    async ({ emu, username }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      const bob = emu.createUser({ first_name: "Bob" });
      await alice.sendText(alice.id, "a");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "FromExcept a");
      const early = await alice.inlineQuery(username, "q");
      await until(() => emu.pendingUpdates(username).length === 0);
      users.add(alice.id);
      blocked.add(bob.id);
      inline.add(alice.id);
      // Alice is in the set now: a FromIn delegate starts. Her live FromExcept delegate still hears its
      // chat through its listener, as in telepot, where the seeder only decides what starts a delegate.
      await alice.sendText(alice.id, "b");
      const texts = [(await emu.nextBotMessage(alice.id)).text, (await emu.nextBotMessage(alice.id)).text];
      assert.deepEqual(texts.sort(), ["FromExcept b", "FromIn b"]);
      // Bob was blocked after the seeder was made, before his first message: nothing starts for him.
      await bob.sendText(bob.id, "c");
      await assert.rejects(emu.nextBotMessage(bob.id, { timeout: 0.5 }), "bob is blocked");
      await assert.rejects(emu.answerOf(early, { timeout: 0.2 }), "not in the set at the time");
      const late = await alice.inlineQuery(username, "q2");
      assert.deepEqual((await emu.answerOf(late)).results, []);
    },
  );
});

Deno.test("point 6: a set-like object without has, or a one-shot iterable, is refused at once", () => {
  assert.throws(() => perChatIdIn((function*() {})() as never), BadInput);
  assert.throws(() => perFromIdExcept(42 as never), BadInput);
});

Deno.test("point 16: event names that would reach onMessage, onClose or an update's handler are refused; others route", async () => {
  const refused: string[] = [];
  class Pinger extends ChatHandler {
    async onChatMessage(msg: Message): Promise<void> {
      for (const name of ["_message", "_close", "_chat_message", "_callback_query"]) {
        try {
          this.scheduler.eventNow([name, {}]);
        } catch (error) {
          if (error instanceof BadInput) refused.push(name);
        }
      }
      this.scheduler.eventLater(0.05, ["_ping", { text: msg.text }]);
      await this.sender.sendMessage("scheduled");
    }
    async onPing(event: { _ping: { text: string } }): Promise<void> {
      await this.sender.sendMessage(`pong ${event._ping.text}`);
    }
  }
  await withBot(
    [paveEventSpace()(perChatId(), createOpen, Pinger, { timeout: 10 })],
    {},
    async ({ emu }) => {
      const alice = emu.createUser({ first_name: "Alice" });
      await alice.sendText(alice.id, "hi");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "scheduled");
      assert.equal((await emu.nextBotMessage(alice.id)).text, "pong hi");
      assert.deepEqual(refused, ["_message", "_close", "_chat_message", "_callback_query"]);
    },
  );
});

Deno.test("a DelegatorBot asks for the opt-in kinds its delegate classes have methods for: reactions, member changes", async () => {
  const seen: string[] = [];
  class Watcher extends ChatHandler {
    onChatMessage(): void {}
    onMessageReaction(): void {
      seen.push("reaction");
    }
    onChatMember(): void {
      seen.push("member");
    }
  }
  class Plain extends ChatHandler {
    onChatMessage(): void {}
  }
  await using emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "watching_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [alice], bots: [handle] });
  const start = (cls: typeof Watcher | typeof Plain) =>
    new DelegatorBot(handle.token, [
      paveEventSpace()(perChatId({ flavors: "all" }), createOpen, cls, { timeout: 10 }),
    ], { apiRoot: emu.apiRoot }).messageLoop(undefined, quick);
  const watching = start(Watcher);
  try {
    await until(() => emu.bot(handle).queue.allowedList() !== null);
    const allowed = emu.bot(handle).queue.allowedList()!;
    assert.ok(allowed.includes("message_reaction") && allowed.includes("chat_member"), String(allowed));
    assert.ok(!allowed.includes("message_reaction_count"), "no method, no opt-in");
    await alice.react(await alice.sendText(group.id, "hello"), ["👍"]);
    await emu.createUser({ first_name: "Carol" }).join(group.id);
    await until(() => seen.length === 2);
    assert.deepEqual(seen.sort(), ["member", "reaction"]);
  } finally {
    await watching.stop();
  }
  const plain = start(Plain);
  try {
    await until(() => !emu.bot(handle).queue.allowedList()!.includes("message_reaction"));
  } finally {
    await plain.stop();
  }
});
