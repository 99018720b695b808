import assert from "node:assert/strict";
import { Api, type ApiCall, defaults, isCallTo, retryTransformer, throttle } from "../api/mod.ts";
import { BadInput, TooManyRequestsError } from "../exception/mod.ts";
import { BotApiEmulator, tooManyRequests } from "../testing/mod.ts";

Deno.test("a transformer rewrites a parameter: the emulator receives the rewritten text", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "shout_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  const seen: string[] = [];
  api.transformers.use(async (call, next) => {
    seen.push(call.method);
    if (isCallTo(call, "sendMessage") && typeof call.params.text === "string") {
      return await next({ ...call, params: { ...call.params, text: call.params.text.toUpperCase() } });
    }
    return await next(call);
  });
  const sent = await api.sendMessage(alice.id, "quiet please");
  assert.equal(sent.text, "QUIET PLEASE");
  assert.equal((await emu.nextBotMessage(alice.id)).text, "QUIET PLEASE");
  await api.getMe();
  assert.deepEqual(seen, ["sendMessage", "getMe"]);
});

Deno.test("a transformer retries: a flood-controlled call is repeated after retry_after", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "retry_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const plain = new Api(token, { apiRoot: emu.apiRoot });
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(1) });
  await assert.rejects(plain.sendMessage(alice.id, "once"), TooManyRequestsError);

  const api = new Api(token, { apiRoot: emu.apiRoot });
  const attempts: string[] = [];
  api.transformers.use(retryTransformer({ maxAttempts: 3 }), (call, next) => {
    attempts.push(call.method);
    return next(call);
  });
  const fault = emu.injectFault({ method: "sendMessage", error: tooManyRequests(1) });
  const sent = await api.sendMessage(alice.id, "twice");
  assert.equal(sent.text, "twice");
  assert.equal(fault.hits, 1);
  assert.deepEqual(attempts, ["sendMessage", "sendMessage"]);

  // The client's own retry option is the same transformer, installed first.
  const built = new Api(token, { apiRoot: emu.apiRoot, retry: true });
  assert.equal(built.transformers.list.length, 1);
  emu.injectFault({ method: "sendMessage", error: tooManyRequests(1) });
  assert.equal((await built.sendMessage(alice.id, "again")).text, "again");
});

Deno.test("a transformer answers by itself: nothing reaches the server", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "dry_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  const cached = { id: 1, is_bot: true, first_name: "Cached", username: "cached_bot" };
  api.transformers.use((call, next) => call.method === "getMe" ? Promise.resolve(cached) : next(call));
  assert.deepEqual(await api.getMe(), cached);
  api.transformers.use((call) => Promise.resolve({ message_id: -1, dry: call.params.text }));
  assert.deepEqual(await api.call("sendMessage", { chat_id: alice.id, text: "not sent" }), {
    message_id: -1,
    dry: "not sent",
  });
  assert.deepEqual(emu.transcript(alice.id), []);
});

Deno.test("a transformer that passes on something other than a call is a BadInput", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "bad_bot" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  api.transformers.use((_call, next) => next({ method: "getMe" } as unknown as ApiCall));
  await assert.rejects(api.getMe(), BadInput);
  assert.throws(() => api.transformers.use("no" as never), BadInput);
});

Deno.test("defaults fill in parse_mode, link previews and protect_content where a method takes them", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "fmt_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  const sent: ApiCall[] = [];
  api.transformers.use(
    defaults({
      parse_mode: "HTML",
      question_parse_mode: "HTML",
      protect_content: true,
      link_preview_options: { is_disabled: true },
    }),
    (call, next) => {
      sent.push(call);
      return next(call);
    },
  );
  const bold = await api.sendMessage(alice.id, "<b>hi</b> https://example.com");
  assert.equal(bold.text, "hi https://example.com");
  assert.equal(bold.entities?.[0].type, "bold");
  assert.equal(bold.has_protected_content, true);
  assert.deepEqual(sent[0].params.link_preview_options, { is_disabled: true });

  // The call's own value wins, and null means "none, whatever the default".
  const plain = await api.sendMessage(alice.id, "<b>raw</b>", { parse_mode: null, protect_content: false });
  assert.equal(plain.text, "<b>raw</b>");
  assert.equal(plain.has_protected_content, undefined);

  // A call's own entities: the server would drop them for any parse mode, so none is added.
  const own = [{ type: "italic" as const, offset: 0, length: 4 }];
  await api.sendMessage(alice.id, "<i>a", { entities: own });
  assert.equal(sent.at(-1)?.params.parse_mode, undefined);
  await api.sendPhoto(alice.id, "https://example.com/a.jpg", { caption: "soft", caption_entities: own });
  assert.equal(sent.at(-1)?.params.parse_mode, undefined);
  await api.sendPoll(alice.id, "Tea?", [{ text: "yes" }, { text: "no" }], { question_entities: own });
  assert.equal(sent.at(-1)?.params.question_parse_mode, undefined);

  // A method that takes none of them is left alone.
  await api.getMe();
  assert.deepEqual(sent.at(-1)?.params, {});

  assert.throws(() => defaults({ no_such_parameter: 1 } as never), BadInput);
});

Deno.test("a generated method's CallOptions: its signal aborts a slow call, its timeout cuts one short", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "slow_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  emu.injectFault({ method: "sendMessage", latency: 30 });
  const controller = new AbortController();
  const reason = new Error("user gave up");
  const pending = api.sendMessage(alice.id, "slow", {}, { signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);

  emu.injectFault({ method: "getMe", latency: 30 });
  await assert.rejects(api.getMe({ timeout: 0.2 }), (error: Error) => error.name === "RequestTimeout");
});

Deno.test("beforeSend is awaited after every transformer, before the request; if it throws, nothing is sent", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  const order: string[] = [];
  api.transformers.use(async (call, next) => {
    order.push("transformer");
    return await next(call);
  });
  await api.sendMessage(alice.id, "one", {}, {
    beforeSend: async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push(`hook, ${emu.transcript(alice.id).length} sent`);
    },
  });
  assert.deepEqual(order, ["transformer", "hook, 0 sent"]);
  const refused = new Error("not now");
  await assert.rejects(
    api.sendMessage(alice.id, "two", {}, { beforeSend: () => Promise.reject(refused) }),
    refused,
  );
  assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["one"]);
  await assert.rejects(api.sendMessage(alice.id, "x", {}, { beforeSend: 1 as never }), BadInput);
});

Deno.test("a transformer passing a call on without options or as no ApiCall: options taken as none; BadInput", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "bare_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const api = new Api(token, { apiRoot: emu.apiRoot });
  api.transformers.use(
    (call, next) => next({ method: call.method, params: call.params } as ApiCall),
    throttle(),
  );
  assert.equal((await api.sendMessage(alice.id, "hi")).text, "hi");
  const broken = new Api(token, { apiRoot: emu.apiRoot });
  broken.transformers.use((call, next) => next({ ...call, params: null } as never));
  await assert.rejects(
    broken.sendMessage(alice.id, "x"),
    (e) => e instanceof BadInput && /transformer #1/.test(e.message),
  );
});
