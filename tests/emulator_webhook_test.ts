import assert from "node:assert/strict";
import { deliveryQueueOf } from "../testing/delivery_queue.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { retryAfterOf } from "../testing/webhook.ts";
import { call, ok } from "./emulator_helpers.ts";
import { until } from "./support/until.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

interface Delivery {
  /** When it arrived (performance.now(), ms). */
  at: number;
  method: string;
  secret: string | null;
  update: Any;
}

/** A webhook receiver on loopback whose answers the test scripts. */
function receiver(answer: (delivery: Delivery, n: number) => Response | Promise<Response>) {
  const deliveries: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const delivery = {
      at: performance.now(),
      method: request.method,
      secret: request.headers.get("x-telegram-bot-api-secret-token"),
      update: await request.json(),
    };
    deliveries.push(delivery);
    for (const wake of waiters.splice(0)) wake();
    return answer(delivery, deliveries.length);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    deliveries,
    async until(count: number): Promise<void> {
      while (deliveries.length < count) await new Promise<void>((r) => waiters.push(r));
    },
    close: () => server.shutdown(),
  };
}

Deno.test("setWebhook delivers updates by POST with the secret header; getWebhookInfo reports it", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver(() => new Response("ok"));
  try {
    await alice.sendText(alice.id, "queued before");
    assert.equal(
      await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url, secret_token: "s3cret_Token" }),
      true,
    );
    await alice.sendText(alice.id, "after");
    await hook.until(2);
    assert.deepEqual(hook.deliveries.map((d) => d.update.message.text), ["queued before", "after"]);
    assert.ok(hook.deliveries.every((d) => d.method === "POST" && d.secret === "s3cret_Token"));
    assert.ok(hook.deliveries[1].update.update_id === hook.deliveries[0].update.update_id + 1);
    await until(async () =>
      (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count === 0
    );
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.url, hook.url);
    assert.equal(info.last_error_message, undefined);
    const conflict = await call(emu.apiRoot, bot.token, "getUpdates");
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.description, /^Conflict: can't use getUpdates method while webhook is active/);
    await ok(emu.apiRoot, bot.token, "deleteWebhook");
    assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).url, "");
    await alice.sendText(alice.id, "polled");
    assert.equal((await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates"))[0].message.text, "polled");
  } finally {
    await hook.close();
  }
});

Deno.test("a non-2xx answer is retried, recorded in last_error_message, and the update redelivered", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver((_, n) => new Response("nope", { status: n <= 2 ? 500 : 200 }));
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "retry me");
    await hook.until(3);
    assert.deepEqual(hook.deliveries.map((d) => d.update.message.text), ["retry me", "retry me", "retry me"]);
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.last_error_message, "Wrong response from the webhook: 500 Internal Server Error");
    assert.equal(typeof info.last_error_date, "number");
  } finally {
    await hook.close();
  }
});

Deno.test("an unreachable webhook keeps updates pending; drop_pending_updates (deleteWebhook, setWebhook) discards them", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: `http://127.0.0.1:${deadPort}/hook` });
  await alice.sendText(alice.id, "one");
  await alice.sendText(alice.id, "two");
  await until(async () =>
    (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).last_error_message !== undefined
  );
  const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
  assert.equal(info.pending_update_count, 2);
  assert.equal(info.last_error_message, "Connection refused");
  await ok(emu.apiRoot, bot.token, "deleteWebhook", { drop_pending_updates: true });
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count, 0);
  await alice.sendText(alice.id, "three");
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count, 1);
  await ok(emu.apiRoot, bot.token, "setWebhook", {
    url: `http://127.0.0.1:${deadPort}/hook`,
    drop_pending_updates: true,
  });
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count, 0);
  await ok(emu.apiRoot, bot.token, "deleteWebhook");
});

Deno.test("a webhook that answers slower than the timeout gets the update again", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05, webhookTimeout: 0.2 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver(async (_, n) => {
    if (n === 1) await new Promise((r) => setTimeout(r, 500));
    return new Response("ok");
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "slow");
    await hook.until(2);
    assert.equal(hook.deliveries[1].update.update_id, hook.deliveries[0].update.update_id);
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.last_error_message, "Read timeout expired");
  } finally {
    await hook.close();
  }
});

Deno.test("a method in the webhook's JSON answer is executed (webhook reply)", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver(({ update }) =>
    Response.json({
      method: "sendMessage",
      chat_id: update.message.chat.id,
      text: `re: ${update.message.text}`,
    })
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "ping");
    assert.equal((await emu.nextBotMessage(alice.id, { timeout: 5 })).text, "re: ping");
  } finally {
    await hook.close();
  }
});

// The webhook answer is read like any request to the server (td's HttpReader::read_next: multipart,
// urlencoded or JSON by content type) and its method handed to the bot's client
// (telegram-bot-api WebhookActor::handle).
Deno.test("a webhook reply may be a urlencoded form or multipart with an upload, as well as JSON", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver(({ update }) => {
    const chat = String(update.message.chat.id);
    if (update.message.text === "form") {
      return new Response(new URLSearchParams({ method: "sendMessage", chat_id: chat, text: "by form" }), {
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      });
    }
    const form = new FormData();
    form.append("method", "sendDocument");
    form.append("chat_id", chat);
    form.append("document", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
    return new Response(form);
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "form");
    assert.equal((await emu.nextBotMessage(alice.id, { timeout: 5 })).text, "by form");
    await alice.sendText(alice.id, "multipart");
    const sent = await emu.nextBotMessage(alice.id, { timeout: 5 });
    assert.equal(sent.document?.file_name, "hello.txt");
  } finally {
    await hook.close();
  }
});

// WebhookActor::handle: deleteWebhook, setWebhook, close, logOut and get… methods in a reply are not run;
// td's HttpReader::parse_json_parameters keeps the members read before a syntax error.
Deno.test("a webhook reply: get…/deleteWebhook are not run, JSON members before an error are, other types are not read", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver(({ update }) => {
    const chat = update.message.chat.id;
    switch (update.message.text) {
      case "delete":
        return Response.json({ method: "DeleteWebhook", drop_pending_updates: true });
      case "plain":
        return new Response(JSON.stringify({ method: "sendMessage", chat_id: chat, text: "not read" }), {
          headers: { "content-type": "text/plain" },
        });
      case "unknown":
        return Response.json({ method: "sendNothing", chat_id: chat });
      default:
        return new Response(`{"method": "sendMessage", "chat_id": ${chat}, "text": "cut"} and more`, {
          headers: { "content-type": "application/json" },
        });
    }
  });
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    for (const text of ["delete", "plain", "unknown", "cut"]) await alice.sendText(alice.id, text);
    assert.equal((await emu.nextBotMessage(alice.id, { timeout: 5 })).text, "cut");
    assert.deepEqual(hook.deliveries.map((d) => d.update.message.text), [
      "delete",
      "plain",
      "unknown",
      "cut",
    ]);
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.url, hook.url, "deleteWebhook in a reply is not run");
    assert.equal(info.last_error_message, undefined, "every answer counted as delivered");
    assert.deepEqual(emu.transcript(alice.id).filter((m) => m.from?.id === bot.id).map((m) => m.text), [
      "cut",
    ]);
  } finally {
    await hook.close();
  }
});

// One reader (testing/params.ts readMultipartInput) takes multipart for calls and webhook replies: td's
// HttpReader finds `boundary` in any case, drops its quotes, and percent-decodes a part's filename.
Deno.test("a webhook reply and a direct call with the same unusual multipart are read the same", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "/start", { to: bot });
  const boundary = "=_tele pot:(x)?";
  const part = (head: string, content: string) => `--${boundary}\r\n${head}\r\n\r\n${content}\r\n`;
  const body = part("Content-Disposition: form-data; name=\"method\"", "sendDocument")
    + part("Content-Disposition: form-data; name=\"chat_id\"", String(alice.id))
    + part(
      "Content-Disposition: form-data; name=\"caption\"\r\nContent-Type: text/plain; charset=utf-8",
      "naïve ✓",
    )
    + part(
      "Content-Disposition: form-data; name=\"document\"; filename=\"notes%20v2.txt\"\r\nContent-Type: text/plain",
      "hello",
    )
    + `--${boundary}--\r\n`;
  const headers = { "content-type": `Multipart/Form-Data; charset=utf-8; BOUNDARY="${boundary}"` };
  const hook = receiver(() => new Response(body, { headers }));
  const read = (m: Any) => [m.caption, m.document?.file_name, m.document?.mime_type, m.document?.file_size];
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "reply");
    const viaHook = await emu.nextBotMessage(alice.id, { timeout: 5 });
    const direct = await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument`, {
      method: "POST",
      headers,
      body,
    });
    const answer = await direct.json();
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.deepEqual(read(viaHook), ["naïve ✓", "notes v2.txt", "text/plain", 5]);
    assert.deepEqual(read(answer.result), read(viaHook));

    const tooLong = await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${"b".repeat(71)}` },
      body: `--${"b".repeat(71)}--\r\n`,
    });
    assert.deepEqual([tooLong.status, (await tooLong.json()).description], [
      400,
      "Bad Request: boundary too big or empty",
    ]);
  } finally {
    await hook.close();
  }
});

// td's HttpReader fails the connection on a multipart answer it cannot read; WebhookActor sends the
// update again.
Deno.test("a webhook answer of unreadable multipart is a failed delivery, sent again", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver((_, n) =>
    n === 1
      ? new Response("--b\r\nContent-Disposition: form-data; name=\"method\"\r\n\r\nsendMessage", {
        headers: { "content-type": "multipart/form-data; boundary=b" },
      })
      : new Response("ok")
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "again");
    await until(() => hook.deliveries.length === 2, 10, "the delivery again");
    assert.deepEqual(hook.deliveries.map((d) => d.update.message.text), ["again", "again"]);
    assert.equal(
      typeof (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).last_error_message,
      "string",
    );
  } finally {
    await hook.close();
  }
});

Deno.test("setWebhook refuses a bad URL and a secret with unallowed characters", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  const badUrl = await call(emu.apiRoot, bot.token, "setWebhook", { url: "ftp://x" });
  assert.equal(badUrl.status, 400);
  const badSecret = await call(emu.apiRoot, bot.token, "setWebhook", {
    url: "https://x.test/",
    secret_token: "no spaces!",
  });
  assert.equal(badSecret.status, 400);
});

Deno.test("webhook delivery: chats concurrently up to max_connections, each chat in order; a failing chat holds up only itself", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const users = Array.from({ length: 6 }, (_, i) => emu.createUser({ first_name: `U${i}` }));
  let open = 0;
  let mostOpen = 0;
  let failures = 0;
  const release: (() => void)[] = [];
  const hook = receiver(async (delivery) => {
    const text = delivery.update.message.text as string;
    // The first message of U0 fails twice: its chat waits and retries, the others go on.
    if (text === "U0 1" && failures < 2) {
      failures++;
      return new Response("busy", { status: 500 });
    }
    open++;
    mostOpen = Math.max(mostOpen, open);
    await new Promise<void>((resolve) => release.push(resolve));
    open--;
    return new Response("ok");
  });
  try {
    for (let n = 1; n <= 3; n++) {
      for (const user of users) await user.sendText(user.id, `${user.user.first_name} ${n}`);
    }
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url, max_connections: 4 });
    // Four chats at once, one message each: no chat's second message before its first is answered.
    await until(() => open === 4);
    assert.equal(new Set(hook.deliveries.slice(-4).map((d) => d.update.message.chat.id)).size, 4);
    // Every message once, and U0's first twice more for its failures.
    await until(async () => {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
      return hook.deliveries.length === 18 + 2 && release.length === 0 && open === 0;
    });
    assert.equal(mostOpen, 4, "never more than max_connections at once");
    for (const user of users) {
      const texts = hook.deliveries
        .filter((d) => d.update.message.chat.id === user.id)
        .map((d) => d.update.message.text);
      const expected = [1, 2, 3].map((n) => `${user.user.first_name} ${n}`);
      assert.deepEqual(
        user === users[0] ? texts.slice(2) : texts,
        expected,
        `${user.user.first_name}: in order`,
      );
    }
    await until(async () =>
      (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count === 0
    );
  } finally {
    release.forEach((wake) => wake());
    await hook.close();
  }
});

Deno.test("webhook delivery queues: a chat's messages, a user's queries of each kind, a member's changes, a poll's answers", () => {
  const chat = { id: -5, type: "group" };
  const alice = { id: 7, is_bot: false, first_name: "Alice" };
  const bob = { id: 8, is_bot: false, first_name: "Bob" };
  const queue = (update: Record<string, unknown>) => deliveryQueueOf({ update_id: 1, ...update });
  assert.equal(queue({ message: { chat, from: alice } }), queue({ edited_message: { chat, from: bob } }));
  assert.notEqual(
    queue({ message: { chat, from: alice } }),
    queue({ message_reaction: { chat, user: alice } }),
  );
  assert.equal(
    queue({ callback_query: { id: "1", from: alice } }),
    queue({ callback_query: { id: "2", from: alice } }),
  );
  assert.notEqual(
    queue({ callback_query: { id: "1", from: alice } }),
    queue({ inline_query: { id: "3", from: alice } }),
  );
  assert.notEqual(
    queue({ callback_query: { id: "1", from: alice } }),
    queue({ callback_query: { id: "4", from: bob } }),
  );
  // An admin (Alice) changing Bob queues with Bob's join requests.
  const change = { chat, from: alice, old_chat_member: { user: bob }, new_chat_member: { user: bob } };
  assert.equal(queue({ chat_member: change }), queue({ chat_join_request: { chat, from: bob } }));
  assert.equal(queue({ poll: { id: "p" } }), queue({ poll_answer: { poll_id: "p", user: alice } }));
  assert.notEqual(
    deliveryQueueOf({ update_id: 1 }),
    deliveryQueueOf({ update_id: 2 }),
    "nothing to key on: alone",
  );
});

Deno.test("a redirect from the webhook is a failed delivery, retried, not followed", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  let followed = 0;
  const elsewhere = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    followed++;
    return new Response("ok");
  });
  const target = `http://127.0.0.1:${elsewhere.addr.port}/elsewhere`;
  const hook = receiver((_, n) =>
    n === 1 ? new Response(null, { status: 302, headers: { location: target } }) : new Response("ok")
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "moved?");
    await until(() => hook.deliveries.length === 2, 10, "the delivery again");
    assert.deepEqual(hook.deliveries.map((d) => d.update.message.text), ["moved?", "moved?"]);
    assert.equal(followed, 0, "the redirect was not followed");
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.match(info.last_error_message, /302/);
  } finally {
    await hook.close();
    await elsewhere.shutdown();
  }
});

Deno.test("setWebhook ends a waiting getUpdates with Telegram's words for it", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "hook_bot" });
  // Long enough that only setWebhook can end it, once it is waiting (not refused for the webhook).
  const waiting = call(emu.apiRoot, bot.token, "getUpdates", { timeout: 30 });
  await until(() => emu.world.bots.get(bot.id)!.queue.polling, 30, "the long poll to wait");
  await ok(emu.apiRoot, bot.token, "setWebhook", { url: "http://127.0.0.1:9/hook" });
  const ended = await waiting;
  assert.equal(ended.status, 409);
  assert.equal(ended.body.description, "Conflict: terminated by setWebhook request");
});

Deno.test("offset -1 keeps the last update still pending, not one the webhook delivered meanwhile", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const bob = emu.createUser({ first_name: "Bob" });
  // Alice's updates fail at the webhook, Bob's are delivered.
  const hook = receiver((d) =>
    new Response(null, { status: d.update.message.chat.id === alice.id ? 500 : 200 })
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    for (const [user, text] of [[alice, "a1"], [bob, "b1"], [alice, "a2"], [bob, "b2"]] as const) {
      await user.sendText(user.id, text);
    }
    await until(() => hook.deliveries.filter((d) => d.update.message.chat.id === bob.id).length === 2);
  } finally {
    await hook.close();
  }
  await ok(emu.apiRoot, bot.token, "deleteWebhook");
  const last = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset: -1 });
  assert.deepEqual(last.map((u) => u.message.text), ["a2"]);
  assert.equal((await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count, 1);
});

/** Seconds between consecutive deliveries. */
function gaps(deliveries: readonly Delivery[]): number[] {
  return deliveries.slice(1).map((d, i) => (d.at - deliveries[i].at) / 1000);
}

// telegram-bot-api WebhookActor::on_update_error: without a Retry-After the first failure is retried at
// once, then the update's delay doubles from 1 s (2, 4, 8…) up to a random 60-120 s; the emulator counts
// these in `webhookRetryDelay` units and stops the backoff at `webhookMaxRetryDelay`.
Deno.test("failed webhook deliveries back off: at once, then 2, 4, 8 units, capped by webhookMaxRetryDelay", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.1, webhookMaxRetryDelay: 0.6 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver((_, n) => new Response("down", { status: n <= 5 ? 500 : 200 }));
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "again");
    await hook.until(6);
    const [first, second, third, fourth, fifth] = gaps(hook.deliveries);
    assert.ok(first < second, `the first retry comes at once (${first} s, then ${second} s)`);
    assert.ok(second >= 0.19, `then 2 units: ${second} s`);
    assert.ok(third >= 0.39, `then 4 units: ${third} s`);
    // 8 units would be 0.8 s; the cap holds it at 0.6 s.
    assert.ok(fourth >= 0.59 && fourth < 0.78, `then the cap: ${fourth} s`);
    assert.ok(fifth >= 0.59 && fifth < 0.78, `still the cap: ${fifth} s`);
    await until(async () =>
      (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count === 0
    );
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.last_error_message, "Wrong response from the webhook: 500 Internal Server Error");
  } finally {
    await hook.close();
  }
});

// WebhookActor::handle reads Retry-After (td HttpQuery::get_retry_after) from an answer that is not
// 2xx; on_update_error then waits that long, capped at 3600 s, and leaves the backoff as it was.
Deno.test("a webhook's Retry-After sets the retry delay, in webhookRetryDelay units, without backing off", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.1 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver((_, n) =>
    n <= 3 ? new Response("busy", { status: 503, headers: { "retry-after": "3" } }) : new Response("ok")
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "later");
    await until(async () => {
      const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
      return info.last_error_message !== undefined;
    });
    const info = await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo");
    assert.equal(info.last_error_message, "Wrong response from the webhook: 503 Service Unavailable");
    assert.equal(info.pending_update_count, 1);
    await hook.until(4);
    for (const gap of gaps(hook.deliveries)) {
      assert.ok(gap >= 0.29 && gap < 0.55, `each retry after 3 units, no more: ${gap} s`);
    }
    await until(async () =>
      (await ok<Any>(emu.apiRoot, bot.token, "getWebhookInfo")).pending_update_count === 0
    );
  } finally {
    await hook.close();
  }
});

Deno.test("a webhook's Retry-After is capped at 3600 units", async () => {
  await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.0001 });
  const bot = emu.createBot({ username: "hook_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const hook = receiver((_, n) =>
    n === 1 ? new Response("busy", { status: 429, headers: { "retry-after": "86400" } }) : new Response("ok")
  );
  try {
    await ok(emu.apiRoot, bot.token, "setWebhook", { url: hook.url });
    await alice.sendText(alice.id, "capped");
    await hook.until(2);
    const [gap] = gaps(hook.deliveries);
    assert.ok(gap >= 0.35 && gap < 3, `3600 × 0.0001 s, not 8.64 s: ${gap} s`);
  } finally {
    await hook.close();
  }
});

Deno.test("Retry-After is read as td's HttpQuery::get_retry_after reads it: a whole number, else none", () => {
  assert.equal(retryAfterOf(null), 0);
  assert.equal(retryAfterOf("5"), 5);
  assert.equal(retryAfterOf("-5"), 0);
  assert.equal(retryAfterOf("1.5"), 0);
  assert.equal(retryAfterOf("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
  assert.equal(retryAfterOf("99999999999"), 0);
});

for (const drop of [false, true]) {
  Deno.test(`webhook: setWebhook to a new address (drop_pending_updates ${drop}) starts delivery afresh, without the old webhook's Retry-After wait`, async () => {
    await using emu = await BotApiEmulator.start({ webhookRetryDelay: 0.2 });
    const bot = emu.createBot({ username: "hook_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    // An hour of Retry-After: 720 s at this speed.
    const busy = receiver(() => new Response("busy", { status: 429, headers: { "retry-after": "3600" } }));
    const fine = receiver(() => new Response("ok"));
    const texts = () => fine.deliveries.map((d) => d.update.message.text);
    try {
      await ok(emu.apiRoot, bot.token, "setWebhook", { url: busy.url });
      await alice.sendText(alice.id, "one");
      await until(() => busy.deliveries.length === 1, 10, "the first delivery");
      await ok(emu.apiRoot, bot.token, "setWebhook", { url: fine.url, drop_pending_updates: drop });
      await alice.sendText(alice.id, "two");
      await until(() => texts().includes("two"), 10, "the new webhook's delivery");
      // Without dropping, the update the old webhook refused comes first, in its chat's order.
      assert.deepEqual(texts(), drop ? ["two"] : ["one", "two"]);
    } finally {
      await busy.close();
      await fine.close();
    }
  });
}
