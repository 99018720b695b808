/**
 * How the web UI's chat opening scales with the chat's length: the time from pressing a chat to its newest
 * message being shown, for 2,000 messages against 250 in the same run, in Chromium (/usr/bin/chromium).
 * Rendering that grows linearly gives a ratio near 8 (less, as fixed costs weigh on the short chat); one
 * that lays the list out again per message grows quadratically and gives far more.
 *
 * Each size is opened ROUNDS times in a fresh page, the sizes alternating, and the median is kept.
 *
 * Run: `deno run -A bench/web_ui_open.ts`
 */
// deno-lint-ignore no-import-prefix -- the browser driver serves the web UI's test and bench only
import { chromium } from "npm:playwright-core@1.65.2";
import { BotApiEmulator, WebUi } from "../testing/mod.ts";
import { median } from "./median.ts";

const SIZES = [250, 2_000] as const;
const ROUNDS = 5;
/** Linear is 8; a margin above it for noise, well below what per-message relayout gives. */
const TARGET = 12;

await using emu = await BotApiEmulator.start();
const alice = emu.createUser({ first_name: "Alice" });
const bots = new Map<number, { username: string; last: number }>();
for (const size of SIZES) {
  const bot = emu.createBot({ username: `open_${size}_bot` });
  await alice.sendText(alice.id, "hi", { to: bot });
  let last = 0;
  for (let i = 0; i < size; i++) {
    const answer = await (await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: alice.id, text: `message ${i} of ${size}` }),
    })).json();
    last = answer.result.message_id;
  }
  bots.set(size, { username: `open_${size}_bot`, last });
}
await using ui = await WebUi.start(emu);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
try {
  const times = new Map<number, number[]>(SIZES.map((size) => [size, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of round % 2 === 0 ? SIZES : [...SIZES].reverse()) {
      const { username, last } = bots.get(size)!;
      const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
      await page.goto(`${ui.url}?user=${alice.id}`);
      await page.locator("body[data-ready=true]").waitFor();
      const started = performance.now();
      await page.getByRole("navigation", { name: "Chats" }).getByRole("button", { name: username }).click({
        timeout: 120_000,
      });
      await page.locator(`#messages li[data-id="${last}"]`).waitFor({ timeout: 120_000 });
      times.get(size)!.push(performance.now() - started);
      await page.close();
    }
  }
  const [small, large] = SIZES.map((size) => median(times.get(size)!));
  const ratio = large / small;
  console.log(`open a chat of ${SIZES[0]} messages: ${small.toFixed(0)} ms (median of ${ROUNDS})`);
  console.log(`open a chat of ${SIZES[1]} messages: ${large.toFixed(0)} ms`);
  console.log(
    `ratio ${ratio.toFixed(1)}× for ${SIZES[1] / SIZES[0]}× the messages (target ≤ ${TARGET}×): ${
      ratio <= TARGET ? "met" : "MISSED"
    }`,
  );
} finally {
  await browser.close();
}
