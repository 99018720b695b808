import assert from "node:assert/strict";
import type { DelegationPattern, Delegator, Msg, SeedTuple } from "../bot/delegator_bot.ts";
import {
  call,
  chain,
  createOpen,
  createRun,
  includeCallbackQueryChatId,
  interceptCallbackQueryOrigin,
  pair,
  paveEventSpace,
  perApplication,
  perCallbackQueryChatId,
  perCallbackQueryOrigin,
  perChatId,
  perChatIdExcept,
  perChatIdIn,
  perEventSourceId,
  perFromId,
  perFromIdExcept,
  perFromIdIn,
  perInlineFromId,
  perInlineFromIdExcept,
  perInlineFromIdIn,
  perInvoicePayload,
  perMessage,
  until,
  withOptions,
} from "../delegate/mod.ts";
import { BadInput } from "../exception/bad_input.ts";
import { ChatHandler, type ChatHandlerOptions, type OriginNotifier } from "../helper/mod.ts";

const chat = (id: number, type = "private", extra: Msg = {}) => ({
  message_id: 1,
  date: 0,
  chat: { id, type },
  from: { id: 100 + id, is_bot: false, first_name: "U" },
  text: "x",
  ...extra,
});
const inline = (from: number) => ({ id: "q", from: { id: from }, query: "a", offset: "" });
const chosen = (from: number) => ({ result_id: "r", from: { id: from }, query: "a" });
const cbChat = {
  id: "c",
  from: { id: 7 },
  chat_instance: "i",
  data: "d",
  message: { message_id: 4, chat: { id: 9, type: "group" } },
};
const cbInline = { id: "c", from: { id: 7 }, chat_instance: "i", data: "d", inline_message_id: "im" };

Deno.test("per-chat seeders: chat id filtered by chat type and by set membership", () => {
  assert.equal(perChatId()(chat(1)), 1);
  assert.equal(perChatId({ types: ["group"] })(chat(1)), null);
  assert.equal(perChatId({ types: ["group"] })(chat(2, "group")), 2);
  assert.equal(perChatId()(inline(1)), null);
  assert.equal(perChatIdIn([1, 2])(chat(2)), 2);
  assert.equal(perChatIdIn(new Set([1]))(chat(2)), null);
  assert.equal(perChatIdExcept([1])(chat(1)), null);
  assert.equal(perChatIdExcept([1], { types: ["private"] })(chat(3)), 3);
});

Deno.test("per-user seeders: from id for the chosen flavors, by set membership", () => {
  assert.equal(perFromId()(chat(1)), 101);
  assert.equal(perFromId()(inline(5)), 5);
  assert.equal(perFromId()(cbChat), null, "callback queries are not in the default flavors");
  assert.equal(perFromId({ flavors: "all" })(cbChat), 7);
  assert.equal(perFromIdIn([5])(inline(5)), 5);
  assert.equal(perFromIdIn([5])(inline(6)), null);
  assert.equal(perFromIdExcept([5])(inline(5)), null);
  assert.equal(perInlineFromId()(chat(1)), null);
  assert.equal(perInlineFromId()(chosen(4)), 4);
  assert.equal(perInlineFromIdIn([4])(chosen(4)), 4);
  assert.equal(perInlineFromIdExcept([4])(chosen(4)), null);
});

Deno.test("perApplication, perMessage, perEventSourceId, perInvoicePayload", () => {
  assert.equal(perApplication()(chat(1)), 1);
  const a = perMessage()(chat(1));
  const b = perMessage()(chat(1));
  assert.ok(typeof a === "object" && a !== null && a !== b, "a fresh non-hashable seed each time");
  assert.equal(perMessage({ flavors: ["inline_query"] })(chat(1)), null);
  assert.ok(perMessage({ flavors: ["inline_query"] })(inline(1)));
  assert.equal(perEventSourceId(3)({ _idle: { source: { space: 3, id: 42 } } }), 42);
  assert.equal(perEventSourceId(3)({ _idle: { source: { space: 4, id: 42 } } }), null);
  assert.equal(perEventSourceId(3)(chat(1)), null);
  assert.equal(
    perInvoicePayload()({ id: "s", from: { id: 1 }, invoice_payload: "p1", shipping_address: {} }),
    "p1",
  );
  assert.equal(
    perInvoicePayload()(chat(1, "private", { successful_payment: { invoice_payload: "p2" } })),
    "p2",
  );
  assert.equal(perInvoicePayload()(chat(1)), null);
});

Deno.test("callback-query seeders: originating chat id, origin identifier by origin type", () => {
  assert.equal(perCallbackQueryChatId()(cbChat), 9);
  assert.equal(perCallbackQueryChatId({ types: ["private"] })(cbChat), null);
  assert.equal(perCallbackQueryChatId()(cbInline), null);
  assert.equal(perCallbackQueryChatId()(chat(9)), null);
  assert.deepEqual(perCallbackQueryOrigin()(cbChat), [9, 4]);
  assert.deepEqual(perCallbackQueryOrigin()(cbInline), ["im"]);
  assert.equal(perCallbackQueryOrigin({ origins: ["inline"] })(cbChat), null);
  assert.equal(perCallbackQueryOrigin({ origins: ["chat"] })(cbInline), null);
  assert.equal(perCallbackQueryOrigin()(chat(1)), null);
});

Deno.test("until and chain: the first seed meeting the condition, else null", () => {
  const s = chain(() => null, () => undefined, () => 0, () => 5);
  assert.equal(s({}), 0);
  assert.equal(chain(() => null, () => 2)({}), 2);
  assert.equal(chain(() => null, () => null)({}), null);
  assert.equal(until((x) => typeof x === "number" && x > 1, [() => 1, () => 2])({}), 2);
  assert.equal(until(() => false, [() => 1])({}), null);
});

const factory = (...args: unknown[]): Delegator => {
  const d = (() => () => {}) as Delegator & { args?: unknown[] };
  d.args = args;
  return d;
};
const argsOf = (d: Delegator) => (d as Delegator & { args: unknown[] }).args;

Deno.test("pair, paveEventSpace, includeCallbackQueryChatId: seeders chained, options merged into the trailing object", () => {
  class Handler {
    constructor(_seedTuple: unknown, _options?: object) {}
  }
  const [seeder, delegator] = pair([perChatId(), perApplication()], factory, Handler, { timeout: 5 });
  assert.equal(seeder(inline(1)), 1, "chained");
  assert.deepEqual(argsOf(delegator), [Handler, { timeout: 5 }]);
  const [paved, pavedDelegator] = paveEventSpace()(perChatId(), factory, Handler, { timeout: 5 });
  const [space] = [(argsOf(pavedDelegator)[1] as { eventSpace: number }).eventSpace];
  assert.deepEqual(argsOf(pavedDelegator), [Handler, { timeout: 5, eventSpace: space }]);
  assert.equal(paved({ _idle: { source: { space, id: 77 } } }), 77);
  const [, other] = paveEventSpace()(perChatId(), factory, Handler);
  assert.notEqual(
    (argsOf(other)[1] as { eventSpace: number }).eventSpace,
    space,
    "each call paves a new space",
  );
  const [cqSeeder, cqDelegator] = includeCallbackQueryChatId(paveEventSpace())(
    perChatId(),
    factory,
    Handler,
    {
      timeout: 1,
    },
  );
  assert.equal(cqSeeder(cbChat), 9);
  assert.equal((argsOf(cqDelegator)[1] as { includeCallbackQuery: boolean }).includeCallbackQuery, true);
  assert.ok((argsOf(cqDelegator)[1] as { eventSpace?: number }).eventSpace! > 0);
  const [privateOnly] = includeCallbackQueryChatId(pair, { types: ["private"] })(
    perChatId(),
    factory,
    Handler,
  );
  assert.equal(privateOnly(cbChat), null, "a group's callback query is not seeded with types: [private]");
  assert.equal(privateOnly(chat(2)), 2);
  assert.deepEqual(withOptions([Handler], { a: 1 }), [Handler, { a: 1 }]);
});

Deno.test("interceptCallbackQueryOrigin: the notifier maps origins to delegate ids for the seeder", () => {
  class Handler {
    constructor(_seedTuple: unknown, _options?: object) {}
  }
  const [seeder, delegator] = interceptCallbackQueryOrigin()(perChatId(), factory, Handler, { timeout: 1 });
  const notify = (argsOf(delegator)[1] as { interceptCallbackQuery: OriginNotifier }).interceptCallbackQuery;
  assert.equal(seeder(cbChat), null);
  notify([9, 4], "delegate-9", true);
  assert.equal(seeder(cbChat), "delegate-9");
  assert.equal(seeder(chat(3)), 3, "chat messages still seeded by chat id");
  notify([9, 4], "delegate-9", false);
  assert.equal(seeder(cbChat), null);
  const [, chatOnly] = interceptCallbackQueryOrigin(pair, { origins: ["chat"] })(
    perChatId(),
    factory,
    Handler,
  );
  const intercept = (argsOf(chatOnly)[1] as { interceptCallbackQuery: unknown[] }).interceptCallbackQuery;
  assert.equal(typeof intercept[0], "function");
  assert.equal(intercept[1], false);
});

Deno.test("pair producers type-check the options of a delegate class; a missing required option does not compile", () => {
  class Greeter extends ChatHandler {
    constructor(seedTuple: SeedTuple, options: ChatHandlerOptions & { greeting: string }) {
      super(seedTuple, options);
    }
  }
  const patterns: DelegationPattern[] = [
    paveEventSpace()(perChatId(), createOpen, Greeter, { timeout: 1, greeting: "hi" }),
    // @ts-expect-error `greeting` is required by Greeter's options
    paveEventSpace()(perChatId(), createOpen, Greeter, { timeout: 1 }),
    // @ts-expect-error `timeout` is required by every ChatHandler
    includeCallbackQueryChatId(paveEventSpace())(perChatId(), createOpen, Greeter, { greeting: "hi" }),
    // @ts-expect-error the options have the wrong type
    pair(perChatId(), createOpen, Greeter, { timeout: "soon", greeting: "hi" }),
  ];
  assert.equal(patterns.length, 4);
  // @ts-expect-error createOpen itself checks them too
  assert.equal(typeof createOpen(Greeter, { timeout: 1 }), "function");
});

Deno.test("seeders answer null for a message that is no object, as for any message they cannot seed", () => {
  const seeders = [
    perChatId(),
    perChatIdIn([1]),
    perChatIdExcept([1]),
    perFromId(),
    perFromIdIn([1]),
    perFromIdExcept([1]),
    perInlineFromId(),
    perMessage(),
    perMessage({ flavors: ["chat"] }),
    perEventSourceId(1),
    perCallbackQueryChatId(),
    perCallbackQueryOrigin(),
    perInvoicePayload(),
    chain(perChatId(), perFromId()),
  ];
  for (const seeder of seeders) {
    for (const msg of [null, undefined, 5, "text"]) {
      assert.equal(seeder(msg as never), null, `${seeder.name}(${msg})`);
    }
  }
});

Deno.test("seeders, composers and delegators refuse a wrong argument when made, not at every message", () => {
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const none = (value: unknown) => value as never;
  assert.throws(() => perChatId(none(5)), badInput("options"));
  assert.throws(() => perChatId({ types: none(5) }), badInput("options.types"));
  assert.throws(() => perChatId({ flavors: none("chat") }), badInput("options.flavors"));
  assert.throws(() => perFromId({ flavors: none([5]) }), badInput("options.flavors"));
  assert.throws(() => perMessage({ flavors: none(7) }), badInput("options.flavors"));
  assert.throws(() => perCallbackQueryChatId({ types: none(5) }), badInput("options.types"));
  assert.throws(() => perCallbackQueryOrigin({ origins: none("chat") }), badInput("options.origins"));
  assert.throws(() => pair(none(5), none(6)), badInput("seeders"));
  assert.throws(
    () => pair([perChatId(), none(5)], createOpen, ChatHandler, { timeout: 1 }),
    badInput("seeders"),
  );
  assert.throws(() => pair(perChatId(), none(6)), badInput("delegatorFactory"));
  assert.throws(() => paveEventSpace(none(5)), badInput("fn"));
  assert.throws(() => includeCallbackQueryChatId(none("pair")), badInput("fn"));
  assert.throws(() => chain(perChatId(), none(5)), badInput("fns"));
  assert.throws(() => until(none(5), []), badInput("condition"));
  assert.throws(() => until(() => true, none(perChatId())), badInput("fns"));
  const notAClass = (value: unknown) => value as typeof ChatHandler;
  assert.throws(() => createOpen(notAClass(null), { timeout: 1 }), badInput("cls"));
  assert.throws(() => createRun(none(5) as new(seedTuple: unknown) => { run(): void }), badInput("cls"));
  assert.throws(() => call(none("task")), badInput("func"));
});
