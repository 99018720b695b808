/**
 * How close `throttle()` comes to the least time the flood limits allow, against the emulator with the
 * same limits, as a ratio (target ≤ 1.15×: the throttle neither dawdles nor, with 0 429s, runs over):
 *
 * 1. 1,000 messages to 100 private chats and 2 supergroups, Telegram's limits scaled up 4× (120/s
 *    overall, 4/s a chat, 80/min a group): the groups' per-minute limit and the overall rate bind.
 * 2. 66 messages to one group limited to 60 a minute: a burst of the limit, then its rate.
 *
 * Run: `deno run -A bench/throttle_pace.ts`
 */
import { throttle } from "../api/mod.ts";
import { BotApiEmulator, type BotRef, type FloodLimits } from "../testing/mod.ts";
import { allowedSeconds, countingApi, sendAll, spreadScenario } from "../tests/support/throttle_scenario.ts";

const TARGET = 1.15;

async function pace(
  name: string,
  limits: FloodLimits,
  chats: (emu: BotApiEmulator, bot: BotRef) => { perChat: Map<number, number>; groups: Set<number> },
): Promise<boolean> {
  await using emu = await BotApiEmulator.start({ flood: limits });
  const bot = emu.createBot({ username: "pace_bot" });
  const { perChat, groups } = chats(emu, bot);
  const { api, http429 } = countingApi(bot.token, emu.apiRoot);
  api.transformers.use(throttle({ ...limits, burstAtStart: true }));
  const seconds = await sendAll(api, perChat);
  const allowed = allowedSeconds(limits, perChat, groups);
  const ratio = seconds / allowed;
  const met = ratio <= TARGET && http429() === 0;
  console.log(
    `${name}: ${seconds.toFixed(2)} s where the limits allow ${allowed.toFixed(2)} s: ${ratio.toFixed(3)}× `
      + `(target ≤ ${TARGET}×), ${http429()} 429s: ${met ? "met" : "missed"}`,
  );
  return met;
}

const scaled = { perSecond: 120, perChatPerSecond: 4, perGroupPerMinute: 80 };
const spread = await pace("1,000 messages, 100 chats and 2 groups", scaled, spreadScenario);
const group = await pace(
  "66 messages, one group at 60 a minute",
  { perSecond: 1000, perChatPerSecond: 100, perGroupPerMinute: 60 },
  (emu, bot) => {
    const alice = emu.createUser({ first_name: "Alice" });
    const id = emu.createGroup({ title: "G", members: [alice], bots: [bot] }).id;
    return { perChat: new Map([[id, 66]]), groups: new Set([id]) };
  },
);
if (!spread || !group) Deno.exitCode = 1;
