// The throttle's test scenario, shared with bench/throttle_pace.ts: a client counting the 429s on the wire,
// messages sent interleaved across chats, the least time the limits allow for them, and each chat's
// transcript checked for order.
import assert from "node:assert/strict";
import { Api } from "../../api/mod.ts";
import type { BotApiEmulator, BotRef, FloodLimits } from "../../testing/mod.ts";

/** A client whose every 429 on the wire is counted (the real fetch does the work; this only looks). */
export function countingApi(token: string, apiRoot: string): { api: Api; http429: () => number } {
  let http429 = 0;
  const api = new Api(token, {
    apiRoot,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) http429++;
      return response;
    },
  });
  return { api, http429: () => http429 };
}

/**
 * The least time any sender needs under token-bucket limits (a burst of a limit's size, then its rate):
 * the longest of the overall, per-chat and per-group bounds.
 */
export function allowedSeconds(
  limits: FloodLimits,
  perChat: Map<number, number>,
  groups: Set<number>,
): number {
  const bound = (count: number, burst: number, rate: number) => Math.max(0, (count - burst) / rate);
  const total = [...perChat.values()].reduce((a, b) => a + b, 0);
  let seconds = bound(total, limits.perSecond!, limits.perSecond!);
  for (const [chat, count] of perChat) {
    seconds = Math.max(seconds, bound(count, limits.perChatPerSecond!, limits.perChatPerSecond!));
    if (groups.has(chat)) {
      seconds = Math.max(seconds, bound(count, limits.perGroupPerMinute!, limits.perGroupPerMinute! / 60));
    }
  }
  return seconds;
}

/** Sends `perChat` messages (texts 0, 1, 2, … per chat) interleaved across chats; resolves when all are sent. */
export async function sendAll(api: Api, perChat: Map<number, number>): Promise<number> {
  const started = performance.now();
  const calls: Promise<unknown>[] = [];
  const most = Math.max(...perChat.values());
  for (let seq = 0; seq < most; seq++) {
    for (const [chat, count] of perChat) if (seq < count) calls.push(api.sendMessage(chat, `${seq}`));
  }
  await Promise.all(calls);
  return (performance.now() - started) / 1000;
}

export function assertInOrder(emu: BotApiEmulator, perChat: Map<number, number>): void {
  for (const [chat, count] of perChat) {
    const texts = emu.transcript(chat).map((m) => m.text);
    assert.deepEqual(texts, Array.from({ length: count }, (_, i) => `${i}`), `chat ${chat} in order`);
  }
}

/**
 * 1,000 messages over 100 private chats and 2 supergroups with `bot` in them: 30 into each group, 940
 * spread over the private chats (9 or 10 each).
 */
export function spreadScenario(
  emu: BotApiEmulator,
  bot: BotRef,
): { perChat: Map<number, number>; groups: Set<number> } {
  const users = Array.from({ length: 100 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  const groups = [0, 1].map((i) =>
    emu.createGroup({ title: `G${i}`, type: "supergroup", members: [users[i]], bots: [bot] }).id
  );
  const perChat = new Map<number, number>();
  for (const group of groups) perChat.set(group, 30);
  users.forEach((user, i) => perChat.set(user.id, i < 40 ? 10 : 9));
  return { perChat, groups: new Set(groups) };
}
