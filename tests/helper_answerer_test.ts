import assert from "node:assert/strict";
import type { InlineQuery, InlineQueryResult } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { Answerer } from "../helper/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";

const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

function setup() {
  const sent: unknown[][] = [];
  const bot = {
    answerInlineQuery: (...args: unknown[]) => {
      sent.push(args);
      return Promise.resolve(true as const);
    },
  };
  return { sent, answerer: new Answerer(bot) };
}

const query = (id: string, user: number, text: string) =>
  ({ id, from: { id: user, is_bot: false, first_name: "U" }, query: text, offset: "" }) as InlineQuery;

const article = (title: string) =>
  ({
    type: "article",
    id: title,
    title,
    input_message_content: { message_text: title },
  }) as InlineQueryResult;

Deno.test("Answerer: a newer query from the same user aborts the older computation; other users run alongside", async () => {
  const { sent, answerer } = setup();
  const signals: AbortSignal[] = [];
  const compute = async (text: string, signal: AbortSignal) => {
    signals.push(signal);
    await sleep(0.03);
    return [article(text)];
  };
  const first = answerer.answer(query("1", 7, "h"), compute, "h");
  const other = answerer.answer(query("2", 8, "x"), compute, "x");
  const second = answerer.answer(query("3", 7, "he"), compute, "he");
  assert.equal(answerer.pending, 2);
  assert.deepEqual(await Promise.all([first, other, second]), [false, true, true]);
  assert.ok(signals[0].aborted && !signals[1].aborted && !signals[2].aborted);
  assert.deepEqual(sent.map((s) => s[0]).sort(), ["2", "3"], "the stale result was never sent");
  assert.equal(answerer.pending, 0);
});

Deno.test("Answerer: a computation that ignores its signal still never sends a stale result", async () => {
  const { sent, answerer } = setup();
  const slow = answerer.answer(query("1", 7, "a"), async () => {
    await sleep(0.03);
    return [article("old")];
  });
  const fast = answerer.answer(query("2", 7, "ab"), () => [article("new")]);
  assert.deepEqual(await Promise.all([slow, fast]), [false, true]);
  assert.deepEqual(sent, [["2", [article("new")], undefined]]);
});

Deno.test("Answerer: { results, ...options } passes the options; a bad result or failure is reported, not thrown", async () => {
  const { sent, answerer } = setup();
  assert.equal(
    await answerer.answer(query("1", 7, "a"), () => ({ results: [article("r")], cache_time: 0 })),
    true,
  );
  assert.deepEqual(sent[0], ["1", [article("r")], { cache_time: 0 }]);
  using recorded = recordConsoleErrors();
  const errors = recorded.calls;
  assert.equal(await answerer.answer(query("2", 7, "a"), () => 42 as never), false);
  assert.equal(
    await answerer.answer(query("3", 7, "a"), () => {
      throw new Error("compute failed");
    }),
    false,
  );
  assert.equal(errors.length, 2);
  assert.equal(sent.length, 1);
});

Deno.test("Answerer refuses a bot without answerInlineQuery when made, and answer() a query without a sender or a compute function that is none, at the call", () => {
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const none = (value: unknown) => value as never;
  assert.throws(() => new Answerer(none(null)), badInput("bot"));
  assert.throws(() => new Answerer(none({})), badInput("bot"));
  const { sent, answerer } = setup();
  assert.throws(() => answerer.answer(none(null), () => []), badInput("inlineQuery"));
  assert.throws(() => answerer.answer(none({ id: "q", query: "" }), () => []), badInput("inlineQuery"));
  assert.throws(() => answerer.answer(query("1", 7, "x"), none(5)), badInput("computeFn"));
  assert.equal(answerer.pending, 0, "nothing was started");
  assert.deepEqual(sent, []);
});
