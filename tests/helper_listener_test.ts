import assert from "node:assert/strict";
import type { Msg } from "../bot/delegator_bot.ts";
import { Mailbox } from "../bot/mailbox.ts";
import { BadInput } from "../exception/bad_input.ts";
import { WaitTooLong } from "../exception/wait_too_long.ts";
import { Listener, match, matchAll } from "../helper/mod.ts";

const query = {
  id: "q",
  from: { id: 7, first_name: "A" },
  message: { chat: { id: 5, type: "private" } },
  data: "yes",
};

Deno.test("templates: functions, nested objects, Maps with RegExp keys, plain data; all must match", () => {
  assert.ok(match(query, { from: { id: 7 } }));
  assert.ok(!match(query, { from: { id: 8 } }));
  assert.ok(!match(query, { missing: 1 }));
  assert.ok(match(query, { data: (d: string) => d.startsWith("y") }));
  assert.ok(match(query, (m: typeof query) => m.id === "q"));
  assert.ok(match(query, new Map<string | RegExp, unknown>([[/^mess/, { chat: { type: "private" } }]])));
  assert.ok(!match(query, new Map([[/^zzz/, 1]])));
  assert.ok(match(query, new Map([[/^da/, (d: string) => d === "yes"]])), "a predicate under a RegExp key");
  assert.ok(!match(query, new Map([[/^da/, (d: string) => d === "no"]])));
  assert.ok(match(query, new Map<string | RegExp, unknown>([["id", "q"], [/^fr/, { id: 7 }]])));
  assert.ok(match({ tags: ["a", "b"] }, { tags: ["a", "b"] }));
  assert.ok(!match({ tags: ["a", "b"] }, { tags: ["a"] }));
  assert.ok(match({ v: null }, { v: null }));
  assert.ok(matchAll(query, [{ data: "yes" }, { from: { id: 7 } }]));
  assert.ok(!matchAll(query, [{ data: "yes" }, { from: { id: 9 } }]));
});

Deno.test("Listener.wait: skips what no pattern captures and returns the next match", async () => {
  const box = new Mailbox<Msg>();
  const listener = new Listener(box);
  listener.capture([{ chat: { id: 1 } }]);
  listener.capture([{ data: "x" }]);
  const waiting = listener.wait();
  box.put({ chat: { id: 2 }, text: "no" });
  box.put({ chat: { id: 1 }, text: "yes" });
  assert.equal((await waiting).text, "yes");
  box.put({ data: "x" });
  assert.deepEqual(await listener.wait({ timeout: 1 }), { data: "x" });
});

Deno.test("Listener.wait: rejects with WaitTooLong after its timeout; nothing captured is BadInput", async () => {
  const box = new Mailbox<Msg>();
  const listener = new Listener(box);
  assert.throws(() => listener.wait(), BadInput);
  listener.capture([{ a: 1 }]);
  // Infinity would make the timer fire at once; a negative or non-number timeout is nonsense.
  for (const timeout of [Infinity, -1, Number.NaN]) assert.throws(() => listener.wait({ timeout }), BadInput);
  const started = Date.now();
  await assert.rejects(
    listener.wait({ timeout: 0.05 }),
    (e) => e instanceof WaitTooLong && e.seconds === 0.05,
  );
  assert.ok(Date.now() - started >= 45);
  box.put({ a: 2 });
  await assert.rejects(listener.wait({ timeout: 0.05 }), WaitTooLong);
  box.put({ a: 1 });
  assert.deepEqual(
    await listener.wait({ timeout: 0.05 }),
    { a: 1 },
    "a later wait still gets later messages",
  );
});

Deno.test("Listener.wait: a throwing template rejects the wait instead of escaping", async () => {
  const box = new Mailbox<Msg>();
  const listener = new Listener(box);
  listener.capture([(msg: Msg) => msg.text.length > 0]);
  const waiting = listener.wait({ timeout: 1 });
  box.put({ n: 1 });
  await assert.rejects(waiting, TypeError);
});
