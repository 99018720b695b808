import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { constantTimeEqual } from "../bot/constant_time.ts";
import type { LoopMessage } from "../bot/handler.ts";
import {
  Bot,
  nodeAdapter,
  runLoop,
  serverlessHandler,
  serveWebhook,
  UpdateQueue,
  webhookHandler,
} from "../bot/mod.ts";
import { BadInput } from "../exception/bad_input.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

function update(id: number, text = `t${id}`, chatId = 1) {
  return { update_id: id, message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text } };
}

function post(body: BodyInit, headers: Record<string, string> = {}, method = "POST"): Request {
  return new Request("http://bot.test/hook", { method, body: method === "GET" ? undefined : body, headers });
}

const SECRET = "s3cret_Token-1";

Deno.test("webhook: refuses wrong methods, secrets, bodies and sizes with the right status", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot, { secretToken: SECRET, maxBodySize: 1000 });
  const loop = bot.messageLoop(() => {});
  const ok = { "x-telegram-bot-api-secret-token": SECRET };
  assert.equal((await handler(post("", ok, "GET"))).status, 405);
  assert.equal((await handler(post(JSON.stringify(update(1))))).status, 401);
  const wrong = { "x-telegram-bot-api-secret-token": SECRET.slice(0, -1) + "2" };
  assert.equal((await handler(post(JSON.stringify(update(1)), wrong))).status, 401);
  assert.equal((await handler(post("{oops", ok))).status, 400);
  assert.equal((await handler(post("{\"no_update_id\":1}", ok))).status, 400);
  assert.equal((await handler(post("x".repeat(1001), ok))).status, 413);
  // A streamed body without Content-Length is cut off at the limit too.
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(100));
      c.close();
    },
  });
  assert.equal((await handler(post(stream, ok))).status, 413);
  assert.equal((await handler(post(JSON.stringify(update(1)), ok))).status, 200);
  await loop.stop();
});

Deno.test("webhook: malformed options are refused with BadInput", () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const malformed = [
    { secretToken: "" },
    { maxBodySize: 0 },
    { maxBodySize: 1.5 },
    { maxhold: -1 },
    { maxhold: Infinity },
  ];
  for (const options of malformed) {
    assert.throws(() => webhookHandler(bot, options), BadInput, JSON.stringify(options));
  }
});

Deno.test("webhook: the secret check compares in constant time and exactly", () => {
  assert.equal(constantTimeEqual(SECRET, SECRET), true);
  assert.equal(constantTimeEqual("", SECRET), false);
  assert.equal(constantTimeEqual(SECRET + "x", SECRET), false);
  assert.equal(constantTimeEqual(SECRET.toUpperCase(), SECRET), false);
});

Deno.test("webhook: updates received before the loop starts are kept, then handled in order, and answered then", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot);
  let answered = 0;
  const answers = [1, 2, 3].map((id) =>
    handler(post(JSON.stringify(update(id)))).then((r) => (answered++, r))
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(answered, 0, "nothing is answered before it was handled");
  const ids: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  for (const res of await Promise.all(answers)) assert.equal(res.status, 200);
  assert.deepEqual(ids, [1, 2, 3]);
  await loop.stop();
  // Between two loops too: what arrives after a stop waits for the next loop.
  const fourth = handler(post(JSON.stringify(update(4))));
  const next = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  assert.equal((await fourth).status, 200);
  await next.stop();
  assert.deepEqual(ids, [1, 2, 3, 4]);
});

Deno.test("webhook (ordered): a gap is held up to maxhold; a smaller id arriving later is still handled, a repeat is not", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot, { ordered: true, maxhold: 0.6 });
  const ids: number[] = [];
  const errors: unknown[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), {
    onError: (e) => errors.push(e),
  });
  const start = Date.now();
  assert.equal((await handler(post(JSON.stringify(update(1))))).status, 200);
  const third = handler(post(JSON.stringify(update(3))));
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ids, [1], "3 waits for 2");
  assert.equal((await third).status, 200);
  assert.ok(Date.now() - start >= 550, "held about maxhold");
  assert.equal((await handler(post(JSON.stringify(update(2))))).status, 200);
  assert.equal((await handler(post(JSON.stringify(update(1))))).status, 200);
  await loop.stop();
  assert.deepEqual(ids, [1, 3, 2]);
  assert.deepEqual(errors, []);
});

Deno.test("webhook (default, unordered): a gap in the ids holds no chat; each chat stays in order", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot, { maxhold: 30 });
  const seen: string[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void seen.push(`${msg.chat.id}:${msg.message_id}`));
  assert.equal((await handler(post(JSON.stringify(update(1, "a", 1))))).status, 200);
  // Update 2 (chat 2) is still on its way, as when Telegram waits for chat 2's previous answer.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const third = await Promise.race([
    handler(post(JSON.stringify(update(3, "b", 1)))).then((res) => res.status),
    new Promise((resolve) => timer = setTimeout(() => resolve("held back"), 5000)),
  ]);
  clearTimeout(timer);
  assert.equal(third, 200);
  assert.equal((await handler(post(JSON.stringify(update(4, "c", 3))))).status, 200);
  assert.deepEqual(seen, ["1:1", "1:3", "3:4"], "handled without waiting for update 2");
  assert.equal((await handler(post(JSON.stringify(update(2, "d", 2))))).status, 200);
  await loop.stop();
  assert.deepEqual(seen, ["1:1", "1:3", "3:4", "2:2"]);
});

Deno.test("webhook: with the memory journal the answer waits for the handler, however slow", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot);
  let handled = 0;
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    if (msg.text === "slow") await new Promise((r) => setTimeout(r, 800));
    handled++;
  }, { stopTimeout: 3 });
  await handler(post(JSON.stringify(update(1, "fast"))));
  assert.equal(handled, 1, "a fast update is answered once handled");
  const res = await handler(post(JSON.stringify(update(2, "slow"))));
  assert.equal(res.status, 200);
  assert.equal(handled, 2, "answered only once the slow one was handled");
  await loop.stop();
});

Deno.test("webhook: end to end with the emulator's webhook delivery, secret included, each update once", async () => {
  const emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const handle = emu.createBot({ username: "hook_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const hook = webhookHandler(bot, { secretToken: SECRET });
  // The first answer is lost (a 502 from a proxy in front of the bot): Telegram, here the emulator,
  // delivers that update again, and it must still be handled once.
  let deliveries = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const res = await hook(req);
    return ++deliveries === 1 ? new Response("bad gateway", { status: 502 }) : res;
  });
  const url = `http://127.0.0.1:${server.addr.port}/hook`;
  const texts: string[] = [];
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    texts.push(msg.text);
    await bot.sendMessage(msg.chat.id, `echo ${msg.text}`);
  });
  await bot.setWebhook(url, { secret_token: SECRET });
  const users = [emu.createUser({ first_name: "A" }), emu.createUser({ first_name: "B" })];
  for (const text of ["one", "two", "three"]) for (const u of users) await u.sendText(u.id, text);
  for (const u of users) {
    for (const text of ["one", "two", "three"]) {
      assert.equal((await emu.nextBotMessage(u.id, { timeout: 5 })).text, `echo ${text}`);
    }
  }
  await until(() => emu.pendingUpdates(handle).length === 0);
  await loop.stop();
  assert.equal(texts.length, 6, "the redelivered update was not handled twice");
  assert.equal(deliveries, 7);
  await bot.deleteWebhook();
  await server.shutdown();
  await emu.close();
});

Deno.test("webhook: a webhook handler made while a loop polls does not switch it: setWebhook ends it with 409, the next loop serves the webhook", async () => {
  const emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const handle = emu.createBot({ username: "switch_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "A" });
  const texts: string[] = [];
  const options = { timeout: 1, relax: 0, backoff: { initial: 0.05, max: 0.2 } };
  const loop = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text), options);
  await alice.sendText(alice.id, "polled");
  await until(() => texts.length === 1);
  const hook = webhookHandler(bot, { secretToken: SECRET });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, hook);
  await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/`, { secret_token: SECRET });
  await assert.rejects(loop.done, /webhookHandler for the bot before starting messageLoop/);
  const served = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text), options);
  await alice.sendText(alice.id, "hooked");
  await until(() => texts.length === 2);
  await served.stop();
  assert.deepEqual(texts, ["polled", "hooked"]);
  assert.equal(emu.pendingUpdates(handle).length, 0);
  await bot.deleteWebhook();
  await server.shutdown();
  await emu.close();
});

Deno.test("webhook: the node:http adapter serves the same handler", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const ids: number[] = [];
  const server = createServer(nodeAdapter(webhookHandler(bot, { secretToken: SECRET })));
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/hook`;
  const good = await fetch(url, {
    method: "POST",
    body: JSON.stringify(update(7)),
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
  });
  assert.equal(good.status, 200);
  await good.body?.cancel();
  const bad = await fetch(url, { method: "POST", body: JSON.stringify(update(8)) });
  assert.equal(bad.status, 401);
  await bad.body?.cancel();
  const get = await fetch(url);
  assert.equal(get.status, 405);
  await get.body?.cancel();
  await until(() => ids.length === 1);
  assert.deepEqual(ids, [7]);
  await loop.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

Deno.test("webhook: the node adapter takes a body Express middleware already parsed", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = nodeAdapter(webhookHandler(bot, { secretToken: SECRET }));
  const ids: number[] = [];
  // What express.json() does before the route runs: consume the stream, leave the object on req.body.
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const parsed = req.url === "/json"
      ? JSON.parse(text)
      : req.url === "/raw"
      ? new TextEncoder().encode(text)
      : text;
    await handler(Object.assign(req, { body: parsed }), res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  for (const [path, id] of [["/json", 1], ["/raw", 2], ["/text", 3]] as const) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      body: JSON.stringify(update(id)),
      headers: { "x-telegram-bot-api-secret-token": SECRET },
    });
    assert.equal(res.status, 200, path);
    await res.body?.cancel();
  }
  await until(() => ids.length === 3);
  assert.deepEqual(ids, [1, 2, 3]);
  await loop.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** What the server answers to `head` sent raw on a new connection: its status line. */
async function statusLine(port: number, head: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    const bytes = new Uint8Array(1024);
    const n = await conn.read(bytes);
    return new TextDecoder().decode(bytes.subarray(0, n ?? 0)).split("\r\n")[0];
  } finally {
    conn.close();
  }
}

Deno.test("webhook: through nodeAdapter and serveWebhook, odd request lines are answered and the server stays up", async () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const handler = webhookHandler(bot, { secretToken: SECRET });
  const ids: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  const node = createServer(nodeAdapter(handler));
  await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
  const served = await serveWebhook(handler, { port: 0 });
  const ports = {
    nodeAdapter: (node.address() as AddressInfo).port,
    serveWebhook: Number(new URL(served.origin).port),
  };
  const body = JSON.stringify(update(1));
  for (const [name, port] of Object.entries(ports)) {
    const odd = [
      ["a Host with a space", "POST /hook HTTP/1.1\r\nHost: a b\r\nContent-Length: 0\r\n\r\n", "401"],
      [
        "an absolute target",
        "POST http://example.com/hook HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
        "401",
      ],
      ["the * target", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "405"],
      ["a method fetch forbids", "TRACE /hook HTTP/1.1\r\nHost: x\r\n\r\n", "400"],
    ];
    for (const [what, head, status] of odd) {
      assert.match(await statusLine(port, head), new RegExp(` ${status} `), `${name}, ${what}`);
    }
    const good = `POST /hook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\n`
      + `Content-Length: ${body.length}\r\n\r\n${body}`;
    assert.match(await statusLine(port, good), / 200 /, `${name} still serves`);
  }
  assert.deepEqual(ids, [1]);
  await loop.stop();
  node.closeAllConnections();
  await new Promise((r) => node.close(r));
  await served.shutdown();
});

Deno.test("webhook: an update whose chat id is neither number nor string (forged) is handled on its own; its resend is answered", async () => {
  for (const journal of [undefined, ":memory:"]) {
    const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
    const handler = webhookHandler(bot);
    const ids: number[] = [];
    const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id), { journal });
    const forged = {
      update_id: 9,
      message: { message_id: 9, date: 0, chat: { id: { toString: 1 }, type: "private" } },
    };
    const answers = await Promise.all(
      [post(JSON.stringify(update(8))), post(JSON.stringify(forged))].map(handler),
    );
    assert.deepEqual(answers.map((r) => r.status), [200, 200], `journal ${journal}`);
    const again = await Promise.all(
      [post(JSON.stringify(update(8))), post(JSON.stringify(forged))].map(handler),
    );
    assert.deepEqual(again.map((r) => r.status), [200, 200], "the resends are answered too");
    await until(() => ids.length === 2);
    assert.deepEqual(ids.sort(), [8, 9]);
    await loop.stop();
  }
});

Deno.test("webhook and serverless: an option they do not know (secret_token, spelled as setWebhook spells it) is refused, not ignored", () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const typo = { secret_token: "s3cret" } as never;
  assert.throws(
    () => webhookHandler(bot, typo),
    (e) => e instanceof BadInput && /secretToken/.test(e.message),
  );
  assert.throws(
    () => serverlessHandler(bot, () => {}, typo),
    (e) => e instanceof BadInput && /secretToken/.test(e.message),
  );
  webhookHandler(bot, { secretToken: "s3cret", ordered: true, maxhold: 1 });
  serverlessHandler(bot, () => {}, { secretToken: "s3cret", onError: () => {}, maxAttempts: 2 });
});

Deno.test("webhook and serverless: a bot that is none (undefined, a number, the options in its place) is refused with BadInput at the call", () => {
  const isBot = (e: unknown) => e instanceof BadInput && e.argument === "bot";
  for (const notABot of [undefined, null, 5, "1:hook"]) {
    assert.throws(() => webhookHandler(notABot as never), isBot, String(notABot));
    assert.throws(() => serverlessHandler(notABot as never, () => {}), isBot, String(notABot));
    assert.throws(() => runLoop(notABot as never, () => {}), isBot, String(notABot));
  }
  // Called only once requests come: an object without them would fail every update.
  for (const notABot of [{}, { secretToken: SECRET }, { handle() {} }]) {
    assert.throws(() => serverlessHandler(notABot as never, () => {}), isBot, JSON.stringify(notABot));
  }
});

Deno.test("routing tables: an entry left undefined is allowed; a loop option in the table is refused, even a function", () => {
  const bot = new Bot("1:hook", { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const loop = bot.messageLoop({ chat: () => {}, callback_query: undefined }, { source: queue });
  assert.throws(
    () => bot.messageLoop({ chat: () => {}, onError: () => {} } as never, { source: queue }),
    (e) => e instanceof BadInput && /handler\.onError/.test(e.message) && /options go second/.test(e.message),
  );
  return loop.stop();
});

Deno.test("webhook: a forged update cannot pose as the bot's own event (a _ field), nor pick Object.prototype members as handlers", async () => {
  const bot = new Bot("1:forged", { apiRoot: "http://127.0.0.1:9", logger: { debug() {}, error() {} } });
  const handle = webhookHandler(bot);
  const seen: string[] = [];
  const errors: unknown[] = [];
  const loop = bot.messageLoop({
    chat: () => void seen.push("chat"),
    _alarm: () => void seen.push("alarm"),
    null: (msg) => void seen.push(`catch-all ${JSON.stringify(msg)}`),
  }, { onError: (error) => void errors.push(error), maxAttempts: 1 });
  try {
    const forged = [
      "{\"update_id\":1,\"_alarm\":{\"_alarm\":{\"what\":\"attacker data\"}}}",
      "{\"update_id\":2,\"constructor\":{\"id\":\"c\"}}",
      "{\"update_id\":3,\"hasOwnProperty\":{\"id\":\"h\"}}",
    ];
    for (const body of forged) assert.equal((await handle(post(body))).status, 200);
    await until(() => seen.length + errors.length === 3);
    assert.deepEqual(seen, ["catch-all {\"id\":\"c\"}", "catch-all {\"id\":\"h\"}"]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /Unknown flavor/);
  } finally {
    await loop.stop();
  }
});

// Our handler answers 503 with `Retry-After: 1` when it reads too many bodies (bot/webhook.ts refused);
// telegram-bot-api WebhookActor::handle reads that header (td HttpQuery::get_retry_after) and
// on_update_error retries after that one second each time, not after its growing backoff.
Deno.test("webhook: the handler's 503 Retry-After 1 brings the emulator back after one retry unit each time", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.1 });
  const handle = emu.createBot({ username: "busy_bot" });
  const bot = new Bot(handle.token, { apiRoot: emu.apiRoot });
  const hook = webhookHandler(bot, { secretToken: SECRET, maxConcurrentBodies: 1 });
  // A body that does not end holds the handler's only reading slot.
  let release = () => {};
  const stuck = hook(
    post(
      new ReadableStream({
        start: (c) =>
          void (release = () => {
            release = () => {};
            c.close();
          }),
      }),
      { "x-telegram-bot-api-secret-token": SECRET },
    ),
  );
  const answers: { at: number; status: number; retryAfter: string | null }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const res = await hook(req);
    answers.push({ at: performance.now(), status: res.status, retryAfter: res.headers.get("retry-after") });
    return res;
  });
  const texts: string[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void texts.push(msg.text));
  try {
    await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/hook`, { secret_token: SECRET });
    const alice = emu.createUser({ first_name: "A" });
    await alice.sendText(alice.id, "busy");
    await until(() => answers.length >= 5);
    const info = await bot.getWebhookInfo();
    assert.equal(info.pending_update_count, 1);
    assert.equal(info.last_error_message, "Wrong response from the webhook: 503 Service Unavailable");
    const refusals = answers.slice(0, 5);
    assert.ok(refusals.every((a) => a.status === 503 && a.retryAfter === "1"));
    // Without the header the waits would grow (0, 2, 4, 8 units); with it each is one unit.
    for (let i = 1; i < refusals.length; i++) {
      const gap = (refusals[i].at - refusals[i - 1].at) / 1000;
      assert.ok(gap >= 0.09 && gap < 0.3, `a retry one unit after each 503: ${gap} s`);
    }
    release();
    assert.equal((await stuck).status, 400);
    await until(() => texts.length === 1);
    await until(() => emu.pendingUpdates(handle).length === 0);
    assert.deepEqual(texts, ["busy"]);
  } finally {
    release();
    await loop.stop();
    await bot.deleteWebhook();
    await server.shutdown();
  }
});
