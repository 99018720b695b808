import assert from "node:assert/strict";
import { Bot } from "../bot/bot.ts";
import { EventScheduler } from "../bot/scheduler.ts";
import { BadInput } from "../exception/bad_input.ts";
import { EventNotFound } from "../exception/event_not_found.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";
import { runAlone } from "./support/run_alone.ts";
import { until } from "./support/until.ts";

const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

Deno.test("EventScheduler: events come out in due order (ties in scheduling order), each once", async () => {
  const seen: number[] = [];
  const s = new EventScheduler<number>((n) => seen.push(n));
  const now = Date.now() / 1000;
  const order = Array.from({ length: 200 }, (_, i) => i).sort(() => Math.random() - 0.5);
  // Due well after the two eventNow calls below, even if scheduling 200 events stalls on a loaded machine.
  for (const i of order) s.eventAt(now + 0.3 + (i % 20) * 0.002, i);
  s.eventNow(-1);
  s.eventNow(-2);
  assert.equal(s.size, 202);
  await until(() => seen.length >= 202);
  assert.equal(seen.length, 202);
  assert.deepEqual(seen.slice(0, 2), [-1, -2]);
  const rest = seen.slice(2);
  for (let k = 1; k < rest.length; k++) {
    assert.ok(rest[k - 1] % 20 <= rest[k] % 20, "due order");
  }
  assert.equal(s.size, 0);
});

Deno.test("EventScheduler: a cancelled event never fires; cancelling twice throws EventNotFound", async () => {
  const seen: string[] = [];
  const s = new EventScheduler<string>((x) => seen.push(x));
  const a = s.eventLater(0.02, "a");
  s.eventLater(0.03, "b");
  s.cancel(a);
  assert.throws(() => s.cancel(a), EventNotFound);
  await until(() => seen.length >= 1);
  await sleep(0.05);
  assert.deepEqual(seen, ["b"]);
  assert.throws(() => s.cancel({ when: 0, data: "b" }), EventNotFound);
});

Deno.test("EventScheduler: cancelling the last waiting events leaves no timer keeping the process alive", async () => {
  const scheduler = new URL("../bot/scheduler.ts", import.meta.url).href;
  const program = `
    import { EventScheduler } from ${JSON.stringify(scheduler)};
    const s = new EventScheduler(() => {});
    const first = s.eventLater(3600, "idle");
    const second = s.eventLater(7200, "later");
    s.cancel(first);
    s.cancel(second);
  `;
  const { code, stderr } = await runAlone(program);
  assert.equal(code, 0, `the process ended by itself: ${stderr}`);
});

Deno.test("EventScheduler: rescheduling later and earlier moves the event; a fired one cannot be moved", async () => {
  const seen: string[] = [];
  const s = new EventScheduler<string>((x) => seen.push(x));
  const now = Date.now() / 1000;
  const late = s.eventAt(now + 0.02, "postponed");
  const early = s.eventAt(now + 5, "brought forward");
  s.reschedule(late, now + 1);
  s.reschedule(early, now + 0.04);
  assert.equal(late.when, now + 1);
  // Checked as soon as the first one fires, not after a fixed sleep a loaded machine could overrun.
  await until(() => seen.length >= 1);
  assert.deepEqual(seen, ["brought forward"]);
  await until(() => seen.length >= 2);
  assert.deepEqual(seen, ["brought forward", "postponed"]);
  assert.ok(Date.now() / 1000 >= now + 1);
  assert.throws(() => s.reschedule(late, now + 1), EventNotFound);
});

Deno.test("EventScheduler: a throwing emitter is reported and the others still fire; clear drops everything", async () => {
  const seen: number[] = [];
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  const s = new EventScheduler<number>((n) => {
    if (n === 1) throw new Error("bad");
    seen.push(n);
  });
  s.eventNow(1);
  s.eventNow(2);
  await until(() => seen.length >= 1);
  assert.deepEqual(seen, [2]);
  assert.equal(errors.length, 1);
  s.eventLater(0.01, 3);
  s.clear();
  await sleep(0.03);
  assert.deepEqual(seen, [2]);
  assert.equal(s.size, 0);
});

Deno.test("EventScheduler.isPending: true while waiting, false once emitted or cancelled", async () => {
  const s = new EventScheduler<number>(() => {});
  const a = s.eventNow(1);
  const b = s.eventLater(10, 2);
  assert.ok(s.isPending(a) && s.isPending(b));
  s.cancel(b);
  assert.ok(!s.isPending(b));
  await until(() => !s.isPending(a));
  assert.ok(!s.isPending(a));
});

Deno.test("EventScheduler: a time that is no finite number (NaN, Infinity, a string) is refused with BadInput; the others still fire", async () => {
  const seen: string[] = [];
  const s = new EventScheduler<string>((x) => seen.push(x));
  const refused = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  for (const bad of [NaN, Infinity, -Infinity, "5", "tomorrow", undefined, null]) {
    assert.throws(() => s.eventLater(bad as number, "bad"), refused("delay"), String(bad));
    assert.throws(() => s.eventAt(bad as number, "bad"), refused("when"), String(bad));
  }
  const valid = s.eventLater(0.02, "valid");
  assert.throws(() => s.reschedule(valid, NaN), refused("when"));
  s.eventNow("now");
  assert.equal(s.size, 2);
  await until(() => seen.length === 2, 5, "the valid events");
  assert.deepEqual(seen, ["now", "valid"]);

  const bot = new Bot("1:x", { apiRoot: "http://127.0.0.1:9" });
  assert.throws(() => bot.scheduler.eventLater(NaN, { _alarm: {} }), refused("delay"));
  assert.throws(
    () => bot.scheduler.eventAt("tomorrow" as unknown as number, { _alarm: {} }),
    refused("when"),
  );
  assert.equal(bot.scheduler.size, 0);
});
