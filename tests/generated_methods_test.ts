import assert from "node:assert/strict";
import { EDITOR_METHODS, RENAMED_WRAPPERS } from "../api/classification.gen.ts";
import { ApiMethods } from "../api/methods.gen.ts";
import { METHODS, type MethodSpec, type ParamSpec } from "../api/spec.gen.ts";
import {
  EPHEMERAL_IDENTIFIER_PARAMS,
  MESSAGE_IDENTIFIER_PARAMS,
  positionalOptionals,
  targetsEphemeral,
} from "../codegen/classify.ts";
import { BadInput } from "../exception/bad_input.ts";

/** Records what each generated wrapper turns its arguments into. */
class Recorder extends ApiMethods {
  calls: { method: string; params?: Record<string, unknown> }[] = [];
  call<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    this.calls.push({ method, params });
    return Promise.resolve(undefined as T);
  }
}

function sample(p: ParamSpec): unknown {
  const type = p.types[0];
  if (type.startsWith("Array of")) return [];
  if (type === "Integer") return 7;
  if (type === "Float") return 1.5;
  if (type === "Boolean" || type === "True") return true;
  if (type === "String" || type === "InputFile") return `value-of-${p.name}`;
  return { sample: p.name };
}

/** What a wrapper's positional message identifier stands for, as the test passes it. */
function sampleIdentifier(ephemeral: boolean): { identifier: unknown; params: Record<string, unknown> } {
  return ephemeral
    ? { identifier: [-100, 9, 55], params: { chat_id: -100, receiver_user_id: 9, ephemeral_message_id: 55 } }
    : { identifier: [-100, 55], params: { chat_id: -100, message_id: 55 } };
}

/** The arguments a wrapper takes for sample values, and the parameters they must become. */
function layout(
  spec: MethodSpec,
): { positional: unknown[]; expected: Record<string, unknown>; hasOptions: boolean } {
  const ephemeral = targetsEphemeral(spec);
  const identifier = new Set(
    EDITOR_METHODS.includes(spec.name as never)
      ? (ephemeral ? EPHEMERAL_IDENTIFIER_PARAMS : MESSAGE_IDENTIFIER_PARAMS)
      : [],
  );
  const alsoPositional = new Set(positionalOptionals(spec));
  const positional: unknown[] = [];
  const expected: Record<string, unknown> = {};
  let identifierPlaced = false;
  for (const p of spec.params) {
    if (identifier.has(p.name)) {
      if (!identifierPlaced) {
        identifierPlaced = true;
        const sample = sampleIdentifier(ephemeral);
        positional.push(sample.identifier);
        Object.assign(expected, sample.params);
      }
      continue;
    }
    if (!p.required && !alsoPositional.has(p.name)) continue;
    const value = sample(p);
    positional.push(value);
    expected[p.name] = value;
  }
  const hasOptions = spec.params.some((p) =>
    !p.required && !identifier.has(p.name) && !alsoPositional.has(p.name)
  );
  return { positional, expected, hasOptions };
}

const wrapperOf = (bot: Recorder, name: string) =>
  (bot as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
    RENAMED_WRAPPERS[name] ?? name
  ];

Deno.test("every method of the table is a wrapper on ApiMethods with its required parameters positional", async () => {
  const bot = new Recorder();
  for (const spec of Object.values(METHODS)) {
    const wrapper = wrapperOf(bot, spec.name);
    assert.equal(typeof wrapper, "function", `${spec.name} is missing`);
    const { positional, expected, hasOptions } = layout(spec);
    // The last argument of every wrapper is its CallOptions.
    assert.equal(wrapper.length, positional.length + (hasOptions ? 1 : 0) + 1, `${spec.name} arity`);
    await wrapper.call(bot, ...positional, ...(hasOptions ? [{ extra_option: 1 }] : []));
    const last = bot.calls.at(-1)!;
    assert.equal(last.method, spec.name);
    assert.deepEqual(last.params ?? {}, hasOptions ? { extra_option: 1, ...expected } : expected, spec.name);
  }
  assert.equal(bot.calls.length, Object.keys(METHODS).length);
});

Deno.test("every method with options refuses a non-object options argument before calling", () => {
  const bot = new Recorder();
  let checked = 0;
  for (const spec of Object.values(METHODS)) {
    const { positional, hasOptions } = layout(spec);
    if (!hasOptions) continue;
    for (const bad of ["Markdown", 42, true, ["x"]]) {
      assert.throws(
        () => wrapperOf(bot, spec.name).call(bot, ...positional, bad),
        BadInput,
        `${spec.name} accepted ${String(bad)}`,
      );
    }
    checked++;
  }
  assert.equal(bot.calls.length, 0, "nothing was sent");
  assert.ok(checked >= 100, `only ${checked} methods checked`);
});

Deno.test("Bot (and the aio Bot) carries every method of the table", async () => {
  const { Bot } = await import("../mod.ts");
  const aio = await import("../aio.ts");
  for (const method of Object.keys(METHODS)) {
    const name = RENAMED_WRAPPERS[method] ?? method;
    assert.equal(typeof (Bot.prototype as unknown as Record<string, unknown>)[name], "function", name);
    assert.equal(typeof (aio.Bot.prototype as unknown as Record<string, unknown>)[name], "function", name);
  }
});

Deno.test("Telegram's close is closeBotInstance: bot.close is not a method a bot has", async () => {
  const { Bot } = await import("../mod.ts");
  assert.equal(RENAMED_WRAPPERS.close, "closeBotInstance");
  assert.equal("close" in Bot.prototype, false);
  const bot = new Recorder();
  await bot.closeBotInstance();
  assert.deepEqual(bot.calls.at(-1), { method: "close", params: {} });
});

Deno.test("a message identifier may be [chatId, messageId], [inlineMessageId] or a bare string", async () => {
  const bot = new Recorder();
  // editMessageText's text is positional, as in telepot (the Bot API marks it optional for rich_message).
  await bot.editMessageText([12, 34], "a");
  await bot.editMessageText(["inline-1"], "b");
  await bot.editMessageText("inline-2", "c", { parse_mode: "HTML" });
  await bot.setGameScore(5, 100, [12, 34], { force: true });
  assert.deepEqual(bot.calls.map((c) => c.params), [
    { chat_id: 12, message_id: 34, text: "a" },
    { inline_message_id: "inline-1", text: "b" },
    { parse_mode: "HTML", inline_message_id: "inline-2", text: "c" },
    { force: true, user_id: 5, score: 100, chat_id: 12, message_id: 34 },
  ]);
  assert.throws(() => bot.editMessageText([1, 2, 3] as never, "x"), BadInput);
  // null stands for an absent text, when rich_message replaces it (the client drops nulls).
  await bot.editMessageText([12, 34], null, { rich_message: { blocks: [] } as never });
  assert.deepEqual(bot.calls.at(-1)!.params, {
    rich_message: { blocks: [] },
    chat_id: 12,
    message_id: 34,
    text: null,
  });
  // The ephemeral form fits only the …Ephemeral… methods, and the other forms only the others.
  await bot.editEphemeralMessageText([-100, 9, 55], "d");
  assert.deepEqual(bot.calls.at(-1)!.params, {
    chat_id: -100,
    receiver_user_id: 9,
    ephemeral_message_id: 55,
    text: "d",
  });
  // The types refuse these too; the run-time check is for an untyped caller.
  // @ts-expect-error a chat message's identifier on an ephemeral method
  assert.throws(() => bot.editEphemeralMessageText([12, 34], "x"), BadInput);
  // @ts-expect-error an inline message's identifier on an ephemeral method
  assert.throws(() => bot.deleteEphemeralMessage("inline-3"), BadInput);
});

Deno.test("a positional string given an object is a BadInput: the options object came one place early", () => {
  const bot = new Recorder();
  assert.throws(() => bot.editMessageText([12, 34], { text: "x" } as never), /editMessageText text/);
  assert.throws(() => bot.sendMessage(1, { text: "x" } as never), BadInput);
  assert.throws(() => bot.sendMessage(1, "x", "Markdown" as never), /sendMessage options/);
  assert.equal(bot.calls.length, 0);
});

Deno.test("a number where a positional string goes is sent as its text, as telepot's sendMessage(self._count)", async () => {
  const bot = new Recorder();
  await bot.sendMessage(1, 7 as never);
  await bot.editMessageText([12, 34], 2.5 as never);
  assert.deepEqual(bot.calls.map((c) => c.params?.text), ["7", "2.5"]);
  assert.throws(() => bot.sendMessage(1, NaN as never), /sendMessage text/);
  assert.throws(() => bot.sendMessage(1, true as never), /sendMessage text/);
});

Deno.test("positional arguments win over a same-named key in the options object", async () => {
  const bot = new Recorder();
  await bot.sendMessage(1, "right", { text: "wrong" } as never);
  assert.deepEqual(bot.calls[0].params, { text: "right", chat_id: 1 });
});
