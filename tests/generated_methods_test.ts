import assert from "node:assert/strict";
import { EDITOR_METHODS } from "../api/classification.gen.ts";
import { ApiMethods } from "../api/methods.gen.ts";
import { METHODS, type ParamSpec } from "../api/spec.gen.ts";
import { BadInput } from "../exception/bad_input.ts";

/** Records what each generated wrapper turns its arguments into. */
class Recorder extends ApiMethods {
  calls: { method: string; params?: Record<string, unknown> }[] = [];
  call<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    this.calls.push({ method, params });
    return Promise.resolve(undefined as T);
  }
}

const IDENTIFIER = new Set(["chat_id", "message_id", "inline_message_id"]);

function sample(p: ParamSpec): unknown {
  const type = p.types[0];
  if (type.startsWith("Array of")) return [];
  if (type === "Integer") return 7;
  if (type === "Float") return 1.5;
  if (type === "Boolean" || type === "True") return true;
  if (type === "String" || type === "InputFile") return `value-of-${p.name}`;
  return { sample: p.name };
}

Deno.test("every method of the table is a wrapper on ApiMethods with its required parameters positional", async () => {
  const bot = new Recorder();
  const editors = new Set<string>(EDITOR_METHODS);
  for (const spec of Object.values(METHODS)) {
    const wrapper = (bot as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[spec.name];
    assert.equal(typeof wrapper, "function", `${spec.name} is missing`);
    const identifierTaken = editors.has(spec.name);
    const positional: unknown[] = [];
    const expected: Record<string, unknown> = { extra_option: 1 };
    let identifierPlaced = false;
    for (const p of spec.params) {
      if (identifierTaken && IDENTIFIER.has(p.name)) {
        if (!identifierPlaced) {
          identifierPlaced = true;
          positional.push([-100, 55]);
          expected.chat_id = -100;
          expected.message_id = 55;
        }
        continue;
      }
      if (!p.required) continue;
      const value = sample(p);
      positional.push(value);
      expected[p.name] = value;
    }
    const hasOptions = spec.params.some((p) => !p.required && !(identifierTaken && IDENTIFIER.has(p.name)));
    assert.equal(wrapper.length, positional.length + (hasOptions ? 1 : 0), `${spec.name} arity`);
    if (!hasOptions) delete expected.extra_option;
    await wrapper.call(bot, ...positional, ...(hasOptions ? [{ extra_option: 1 }] : []));
    const last = bot.calls.at(-1)!;
    assert.equal(last.method, spec.name);
    assert.deepEqual(last.params ?? {}, expected, spec.name);
  }
  assert.equal(bot.calls.length, 180);
});

Deno.test("Bot (and the aio Bot) carries every method of the table", async () => {
  const { Bot } = await import("../mod.ts");
  const aio = await import("../aio.ts");
  for (const name of Object.keys(METHODS)) {
    assert.equal(typeof (Bot.prototype as unknown as Record<string, unknown>)[name], "function", name);
    assert.equal(typeof (aio.Bot.prototype as unknown as Record<string, unknown>)[name], "function", name);
  }
});

Deno.test("a message identifier may be [chatId, messageId], [inlineMessageId] or a bare string", async () => {
  const bot = new Recorder();
  // In Bot API 10.1 editMessageText's text is optional (rich_message is the alternative).
  await bot.editMessageText([12, 34], { text: "a" });
  await bot.editMessageText(["inline-1"], { text: "b" });
  await bot.editMessageText("inline-2", { text: "c", parse_mode: "HTML" });
  await bot.setGameScore(5, 100, [12, 34], { force: true });
  assert.deepEqual(bot.calls.map((c) => c.params), [
    { text: "a", chat_id: 12, message_id: 34 },
    { text: "b", inline_message_id: "inline-1" },
    { text: "c", parse_mode: "HTML", inline_message_id: "inline-2" },
    { force: true, user_id: 5, score: 100, chat_id: 12, message_id: 34 },
  ]);
  assert.throws(() => bot.editMessageText([1, 2, 3] as never), BadInput);
});

Deno.test("positional arguments win over a same-named key in the options object", async () => {
  const bot = new Recorder();
  await bot.sendMessage(1, "right", { text: "wrong" } as never);
  assert.deepEqual(bot.calls[0].params, { text: "right", chat_id: 1 });
});
