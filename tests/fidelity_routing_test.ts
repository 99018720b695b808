// telepot fidelity (issue 10, point 12): command and regex keys, played over the emulator.
import assert from "node:assert/strict";
import type { Message } from "../api/types.gen.ts";
import { Bot } from "../bot/bot.ts";
import { Router } from "../helper/mod.ts";
import { byChatCommand, byRegex, NO_MATCH } from "../routing/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const quick = { timeout: 1, relax: 0 };

Deno.test("point 12: 'not a command' routes apart from 'unknown command'; /start@my_bot is start, /start@other_bot is not", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "my_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const group = emu.createGroup({ title: "G", members: [alice], bots: [handle] });
  const me = await bot.getMe();
  const routed: string[] = [];
  const commands = new Router(byChatCommand({ username: me.username, passArgs: true }), {
    start: (msg: Message, args: string[]) => routed.push(`start ${args.join(",")} ${msg.text}`),
    [NO_MATCH]: (msg: Message) => routed.push(`text ${msg.text}`),
    null: (msg: Message) => routed.push(`unknown ${msg.text}`),
  });
  const loop = bot.messageLoop({ chat: (msg) => commands.route(msg) }, quick);
  try {
    for (
      const text of ["hello", "/start@my_bot now", "/start@MY_BOT", "/start@other_bot", "/help", "/start"]
    ) {
      await alice.sendText(group.id, text);
    }
    await until(() => routed.length === 6);
    assert.deepEqual(routed, [
      "text hello",
      "start now /start@my_bot now",
      "start  /start@MY_BOT",
      "unknown /start@other_bot",
      "unknown /help",
      "start  /start",
    ]);
  } finally {
    await loop.stop();
    await emu.close();
  }
});

Deno.test("point 12: byRegex's no-match key is NO_MATCH; a table without it falls back to null, as in telepot", async () => {
  const emu = await BotApiEmulator.start();
  const handle = emu.createBot({ username: "regex_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const routed: string[] = [];
  const key = byRegex((msg: Message) => msg.text ?? "", /(\d+) (apples|pears)/, { key: 2 });
  const withNoMatch = new Router(key, {
    apples: (_msg: Message, match: RegExpExecArray) => routed.push(`apples ${match[1]}`),
    [NO_MATCH]: (msg: Message) => routed.push(`no match ${msg.text}`),
    null: (msg: Message) => routed.push(`other ${msg.text}`),
  });
  const fallback = new Router(key, { null: (msg: Message) => routed.push(`fallback ${msg.text}`) });
  const loop = bot.messageLoop({
    chat: (msg) => {
      withNoMatch.route(msg);
      fallback.route(msg);
    },
  }, quick);
  try {
    for (const text of ["3 apples", "2 pears", "nothing"]) await alice.sendText(alice.id, text);
    await until(() => routed.length === 6);
    assert.deepEqual(routed, [
      "apples 3",
      "fallback 3 apples",
      "other 2 pears",
      "fallback 2 pears",
      "no match nothing",
      "fallback nothing",
    ]);
  } finally {
    await loop.stop();
    await emu.close();
  }
});
