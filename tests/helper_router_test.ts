import assert from "node:assert/strict";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { DefaultRouterMixin, flavorRouter, ListenerContext, Router } from "../helper/mod.ts";
import { byCommand, NO_MATCH } from "../routing/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";

Deno.test("Router.route: key, [key], [key, args], [key, args, options]; catch-all under null", () => {
  const calls: unknown[][] = [];
  const table = {
    a: (...args: unknown[]) => calls.push(["a", ...args]),
    null: (...args: unknown[]) => calls.push(["default", ...args]),
  };
  const key = (m: { k: unknown }) => m.k;
  const router = new Router(key, table);
  router.route({ k: "a" });
  router.route({ k: ["a"] });
  router.route({ k: ["a", [1, 2]] });
  router.route({ k: ["a", [1], { opt: true }] });
  router.route({ k: "zzz" });
  router.route({ k: [null] });
  assert.deepEqual(calls.map((c) => c.slice(0, 1).concat(c.slice(2))), [
    ["a"],
    ["a"],
    ["a", 1, 2],
    ["a", 1, { opt: true }],
    ["default"],
    ["default"],
  ]);
  assert.equal(router.map({ k: "a" }), table.a);
  assert.throws(() => router.map({ k: "zzz" }), BadInput);
  assert.throws(() => new Router(key, {}).route({ k: "a" }), BadInput);
});

Deno.test("Router: nested routers via route, and a table extended at run time", () => {
  const seen: string[] = [];
  type Both = { top: string; sub?: string };
  const sub = new Router((m: Both) => m.sub, { x: () => seen.push("sub x") });
  const top = new Router((m: Both) => m.top, { s: sub.route });
  top.route({ top: "s", sub: "x" });
  top.routingTable.t = () => seen.push("t");
  top.route({ top: "t" });
  assert.deepEqual(seen, ["sub x", "t"]);
});

Deno.test("DefaultRouterMixin: flavors go to onChatMessage, onEditedChatMessage, onCallbackQuery, on<Event>", () => {
  const bot = new DelegatorBot("1:T", []);
  class Handler extends DefaultRouterMixin(ListenerContext) {
    seen: string[] = [];
    onChatMessage() {
      this.seen.push("chat");
    }
    onEditedChatMessage() {
      this.seen.push("edited");
    }
    onCallbackQuery() {
      this.seen.push("callback");
    }
    onAlarm() {
      this.seen.push("alarm");
    }
    onInlineQuery() {
      this.seen.push("inline");
    }
    onChosenInlineResult() {
      this.seen.push("chosen");
    }
    onShippingQuery() {
      this.seen.push("shipping");
    }
    onPreCheckoutQuery() {
      this.seen.push("pre-checkout");
    }
    onIdle() {
      this.seen.push("idle");
    }
  }
  const h = new Handler(bot, 1);
  const chat = { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "x" };
  h.onMessage(chat);
  h.onMessage({ ...chat, edit_date: 1 });
  h.onMessage({ id: "1", from: { id: 1 }, chat_instance: "c", data: "d" });
  h.onMessage({ _alarm: { source: {} } });
  const from = { id: 1, is_bot: false, first_name: "U" };
  h.onMessage({ id: "q", from, query: "a", offset: "" });
  h.onMessage({ result_id: "r", from, query: "a" });
  h.onMessage({ id: "s", from, invoice_payload: "p", shipping_address: {} });
  h.onMessage({ id: "p", from, currency: "EUR", total_amount: 1, invoice_payload: "p" });
  h.onMessage({ _idle: { seconds: 1 } });
  {
    using recorded = recordConsoleErrors();
    assert.equal(h.onMessage({ _unknown: {} }), undefined, "no method: ignored");
    h.onMessage({ _unknown: {} });
    assert.equal(recorded.calls.length, 1, "and reported once");
    assert.match(recorded.calls[0].join(" "), /onUnknown/);
  }
  h.router.routingTable["_ring"] = () => h.seen.push("ring");
  h.onMessage({ _ring: {} });
  h.onMessage(chat);
  assert.deepEqual(h.seen, [
    "chat",
    "edited",
    "callback",
    "alarm",
    "inline",
    "chosen",
    "shipping",
    "pre-checkout",
    "idle",
    "ring",
    "chat",
  ]);
});

Deno.test("Router.map: no match is telepot's None key: its entry, else the catch-all's", () => {
  const command = byCommand((msg: { text?: string }) => msg.text ?? "");
  const fallback = () => "fallback";
  assert.equal(
    new Router(command, { start: () => "start", null: fallback }).map({ text: "hello" }),
    fallback,
  );
  const own = () => "no match";
  assert.equal(new Router(command, { [NO_MATCH]: own, null: fallback }).map({ text: "hello" }), own);
  assert.throws(() => new Router(command, { start: () => "start" }).map({ text: "hello" }), BadInput);
});

Deno.test("Router refuses a key function or table it could not route with, when made; a wrong entry added later when routed", () => {
  const badInput = (argument: string) => (e: unknown) => e instanceof BadInput && e.argument === argument;
  const wrong = (value: unknown) => value as never;
  const key = (m: { k: string }) => m.k;
  assert.throws(() => new Router(wrong(5), {}), badInput("keyFunction"));
  assert.throws(() => new Router(key, wrong(null)), badInput("routingTable"));
  assert.throws(() => new Router(key, wrong([() => 1])), badInput("routingTable"));
  assert.throws(() => new Router(key, wrong({ start: "not a function" })), badInput("routingTable[start]"));
  assert.throws(() => new Router(key, wrong({ [NO_MATCH]: 5 })), badInput("routingTable[Symbol(NO_MATCH)]"));
  assert.throws(() => flavorRouter(wrong(5)), badInput("routingTable"));
  const router = new Router(key, { a: wrong(undefined), null: () => "catch-all" });
  assert.equal(router.route({ k: "a" }), "catch-all", "an entry left out is no entry");
  router.routingTable.b = wrong("not a function");
  assert.throws(() => router.route({ k: "b" }), badInput("routing table entry"));
});

Deno.test("Router: a key function's args that are not an array, or options not an object, is a BadInput", () => {
  const router = new Router((m: { k: unknown }) => m.k, { a: () => "a" });
  assert.throws(() => router.route({ k: ["a", 5] }), BadInput);
  assert.throws(() => router.route({ k: ["a", [], 5] }), BadInput);
  assert.throws(() => router.route({ k: ["a", [], {}, 4] }), BadInput);
  assert.equal(router.route({ k: ["a", [], {}] }), "a");
});
