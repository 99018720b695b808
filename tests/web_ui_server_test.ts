// The web UI's server without a browser: where it listens, what it refuses, its live stream, its files, its
// views of the world, and `deno task emulator --ui`.
import assert from "node:assert/strict";
import { EXAMPLES } from "../examples/_catalog.ts";
import { serveLive } from "../examples/_live.ts";
import { BotApiEmulator, WebUi } from "../testing/mod.ts";
import { uploadKind } from "../testing/ui/actions.ts";
import { chatsOf, messageView } from "../testing/ui/view.ts";
import { until } from "./support/until.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

Deno.test("WebUi listens on 127.0.0.1 by default and refuses a foreign Host or Origin", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const url = new URL(ui.url);
  assert.equal(url.hostname, "127.0.0.1");

  const page = await fetch(ui.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /aria-label="Message"/);
  assert.match(
    page.headers.get("content-security-policy") ?? "",
    /default-src 'self'/,
    "no script from elsewhere",
  );

  // A page on another site may post to loopback through the browser; the Origin header gives it away.
  const chats = await (await fetch(`${ui.url}api/chats?user=${alice.id}`)).json();
  const forged = await post(`${ui.url}api/send`, { user: alice.id, chat: chats[0].key, text: "pwned" }, {
    origin: "http://evil.example",
  });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal(emu.transcript(alice.id).length, 0, "nothing was sent");

  // DNS rebinding: a foreign name that resolves to 127.0.0.1 arrives with its own Host header.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(url.port) });
  await conn.write(
    new TextEncoder().encode("GET /api/world HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
  );
  const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  assert.match(reply, /^HTTP\/1\.1 403/);

  const same = await post(`${ui.url}api/send`, { user: alice.id, chat: chats[0].key, text: "hi" }, {
    origin: url.origin,
  });
  assert.equal(same.status, 200, await same.text());
  assert.equal(emu.transcript(alice.id)[0].text, "hi");
});

/** The status line of a raw request to `port` on loopback with the given Host (and Origin) header. */
async function statusFor(port: number, method: string, host: string, origin?: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const headers = `Host: ${host}\r\n${origin === undefined ? "" : `Origin: ${origin}\r\n`}`;
  const body = method === "POST" ? "{}" : "";
  await conn.write(
    new TextEncoder().encode(
      `${method} /api/world HTTP/1.1\r\n${headers}Content-Type: application/json\r\n`
        + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ),
  );
  const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  return reply.slice(0, reply.indexOf("\r\n"));
}

Deno.test("WebUi on all interfaces still refuses a foreign Host (DNS rebinding): IP addresses and known names only", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "echo_bot" });
  await using ui = await WebUi.start(emu, { hostname: "0.0.0.0", allowedHosts: ["UI.Example.lan"] });
  const port = Number(new URL(ui.url).port);
  const machine = Deno.hostname();
  for (const host of ["127.0.0.1", "192.0.2.7", "[::1]", "localhost", machine, "ui.example.lan"]) {
    assert.match(await statusFor(port, "GET", `${host}:${port}`), /^HTTP\/1\.1 200/, host);
  }
  for (
    const host of [
      "evil.example",
      `evil.example:${port}`,
      `${machine}.evil.example:${port}`,
      "1.2.3.4.evil:80",
    ]
  ) {
    assert.match(await statusFor(port, "GET", host), /^HTTP\/1\.1 403/, host);
  }
  const rebound = await statusFor(port, "POST", `evil.example:${port}`, `http://evil.example:${port}`);
  assert.match(
    rebound,
    /^HTTP\/1\.1 403/,
    "a rebinding page's own Origin matches its Host, but the Host is refused",
  );

  // Bound to loopback, an allowed name is accepted beside the usual ones.
  await using named = await WebUi.start(emu, { allowedHosts: ["ui.example.lan"] });
  const namedPort = Number(new URL(named.url).port);
  assert.match(await statusFor(namedPort, "GET", `ui.example.lan:${namedPort}`), /^HTTP\/1\.1 200/);
  assert.match(await statusFor(namedPort, "GET", `192.0.2.7:${namedPort}`), /^HTTP\/1\.1 403/);
});

Deno.test("WebUi answers bad requests with 400 and a reason, never a 500", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const notJson = await fetch(`${ui.url}api/send`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{nope",
  });
  assert.equal(notJson.status, 400);
  assert.match((await notJson.json()).error, /JSON/);
  const unknownChat = await post(`${ui.url}api/send`, { user: alice.id, chat: "-999", text: "x" });
  assert.equal(unknownChat.status, 400);
  assert.match((await unknownChat.json()).error, /unknown chat/);
  const empty = await post(`${ui.url}api/send`, {
    user: alice.id,
    chat: `${alice.id}:${emu.bot("echo_bot").user.id}`,
    text: "",
  });
  assert.equal(empty.status, 400);
  assert.match((await empty.json()).error, /empty/);
  const formPost = await fetch(`${ui.url}api/send`, { method: "POST", body: "user=1" });
  assert.equal(formPost.status, 415, "only JSON bodies, which a foreign page cannot send without asking");
  await formPost.body?.cancel();

  const badEscape = await fetch(`${ui.url}files/%E0%A4%A`);
  assert.equal(badEscape.status, 400);
  assert.match((await badEscape.json()).error, /percent-encoding/);
  for (const bots of ["x", {}, 7]) {
    const chat = await post(`${ui.url}api/chats`, { user: alice.id, title: "G", type: "group", bots });
    assert.equal(chat.status, 400, JSON.stringify(bots));
    assert.match((await chat.json()).error, /bots must be a list/);
  }
  assert.equal(emu.world.chats.size, 0, "no chat was created");
  for (const init of [{ body: "x" }, { headers: { "content-type": "application/json" }, body: "{}" }]) {
    const upload = await fetch(`${ui.url}api/upload`, { method: "POST", ...init });
    assert.equal(upload.status, 400, JSON.stringify(init));
    assert.match((await upload.json()).error, /multipart\/form-data/);
  }
});

Deno.test("WebUi streams world changes over Server-Sent Events: messages, edits, deletions, actions", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const response = await fetch(`${ui.url}events`);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<Any> => {
    for (;;) {
      const data = /^data: (.*)\n\n/m.exec(buffer);
      if (data !== null) {
        buffer = buffer.slice(data.index + data[0].length);
        return JSON.parse(data[1]);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event in 20 s; the stream had: ${buffer}`)), 20_000);
      });
      const { value, done } = await Promise.race([reader.read(), late]).finally(() => clearTimeout(timer));
      if (done) throw new Error("the stream ended");
      buffer += value;
    }
  };
  const call = async (method: string, params: Record<string, unknown>) => {
    const answer = await (await post(`${emu.apiRoot}/bot${bot.token}/${method}`, params)).json();
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.result;
  };

  await alice.sendText(alice.id, "hello");
  const sent = await next();
  assert.deepEqual([sent.kind, sent.chat, sent.message.text], ["message", `${alice.id}:${bot.id}`, "hello"]);
  await call("sendChatAction", { chat_id: alice.id, action: "typing" });
  assert.deepEqual(await next(), {
    kind: "action",
    chat: `${alice.id}:${bot.id}`,
    who: "echo_bot",
    action: "typing",
  });
  await call("sendMessage", {
    chat_id: alice.id,
    text: "Pick",
    reply_markup: { keyboard: [[{ text: "A" }, { text: "B" }]] },
  });
  const keyboard = await next();
  assert.deepEqual([keyboard.kind, keyboard.markup.keyboard], ["keyboard", [[{ text: "A" }, { text: "B" }]]]);
  const reply = await next();
  assert.equal(reply.message.text, "Pick");
  await call("editMessageText", {
    chat_id: alice.id,
    message_id: reply.message.id,
    text: "*Picked*",
    parse_mode: "Markdown",
  });
  const edit = await next();
  assert.deepEqual([edit.kind, edit.message.text, edit.message.edited], ["edit", "Picked", true]);
  assert.deepEqual(edit.message.entities, [{ type: "bold", offset: 0, length: 6 }]);
  await call("deleteMessage", { chat_id: alice.id, message_id: reply.message.id });
  assert.deepEqual(await next(), { kind: "delete", chat: `${alice.id}:${bot.id}`, id: reply.message.id });
  const chat = await (await fetch(`${ui.url}api/chat?key=${alice.id}:${bot.id}`)).json();
  assert.deepEqual(chat.messages.map((m: Any) => m.text), ["hello"], "the deleted message is gone");
  assert.deepEqual(
    chat.keyboard.keyboard,
    [[{ text: "A" }, { text: "B" }]],
    "the reply keyboard stays until removed",
  );
  await call("sendMessage", { chat_id: alice.id, text: "Done", reply_markup: { remove_keyboard: true } });
  assert.deepEqual(await next(), { kind: "keyboard", chat: `${alice.id}:${bot.id}`, markup: null });
  const after = await (await fetch(`${ui.url}api/chat?key=${alice.id}:${bot.id}`)).json();
  assert.equal(after.keyboard, null);
  await reader.cancel();
});

Deno.test("WebUi cuts an event stream that is not read once its backlog grows, instead of holding every event", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const port = Number(new URL(ui.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
  );
  const reader = conn.readable.pipeThrough(new TextDecoderStream()).getReader();
  let received = "";
  while (!received.includes("retry: 1000")) received += (await reader.read()).value ?? "";

  // From here the client reads nothing while 64 MiB of events pass, far more than the sockets buffer.
  const chat = emu.chat(alice.id);
  const text = "x".repeat(64 * 1024);
  for (let i = 1; i <= 1024; i++) {
    const message = { message_id: i, date: 0, chat: chat.chat, from: alice.user, text };
    emu.world.changed({ kind: "edit", chat, message: message as Any });
    // Between events the server may write to the socket, as it would between a bot's calls.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  emu.world.changed({ kind: "delete", chat, messageId: 424242 });

  let ended = false;
  while (!ended && !received.includes("424242")) {
    const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
    ended = chunk.done === true;
    // Only the tail matters: the marker, if it came, is in the last chunks.
    received = received.slice(-1000) + (chunk.value ?? "");
  }
  if (!ended) await reader.cancel();
  assert.ok(!received.includes("424242"), "no event after the backlog was cut");
  assert.ok(ended, "the server ended the stream");

  // The page's own stream still works: a new connection gets the next event.
  const fresh = await fetch(`${ui.url}events`);
  const events = fresh.body!.pipeThrough(new TextDecoderStream()).getReader();
  emu.world.changed({ kind: "delete", chat, messageId: 7 });
  let again = "";
  while (!again.includes("\"id\":7")) again += (await events.read()).value ?? "";
  await events.cancel();
});

Deno.test("WebUi serves the world's files with their bytes, and never as an active page", async () => {
  await using emu = await BotApiEmulator.start();
  emu.createBot({ username: "echo_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const sent = await alice.sendDocument(
    alice.id,
    new TextEncoder().encode("<script>x</script>"),
    "page.html",
    {
      mime_type: "text/html",
    },
  );
  const view = messageView(emu.chat(alice.id), sent as Any);
  assert.equal(view.media?.kind, "document");
  const file = await fetch(new URL(view.media!.url, ui.url));
  assert.equal(await file.text(), "<script>x</script>");
  assert.equal(file.headers.get("content-security-policy"), "sandbox");
  assert.equal(file.headers.get("x-content-type-options"), "nosniff");
  const missing = await fetch(`${ui.url}files/nope`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("web UI views: a user's chats, service lines, buttons and upload kinds", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "echo_bot" });
  emu.createBot({ username: "other_bot" });
  const alice = emu.createUser({ first_name: "Alice", last_name: "Liddell" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "Friends", members: [alice], bots: [bot] });
  emu.createGroup({ title: "Elsewhere", members: [bob] });
  const chats = chatsOf(emu.world, alice.user);
  assert.deepEqual(chats.map((c) => [c.title, c.type]), [
    ["echo_bot", "private"],
    ["other_bot", "private"],
    ["Friends", "group"],
  ]);
  const added = await alice.addMember(group.id, bob);
  const service = messageView(emu.chat(group.id), added as Any);
  assert.deepEqual([service.note, service.service], ["Alice Liddell added Bob", true]);

  const keyboard = await (await post(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
    chat_id: group.id,
    text: "go",
    reply_markup: {
      inline_keyboard: [
        [{ text: "Press", callback_data: "p" }, { text: "Site", url: "https://example.org" }],
        [{
          text: "Ask",
          switch_inline_query_current_chat: "cats",
        }],
      ],
    },
  })).json();
  const view = messageView(emu.chat(group.id), keyboard.result);
  assert.deepEqual(view.keyboard, [[{ text: "Press", action: "callback" }, {
    text: "Site",
    action: "url",
    value: "https://example.org",
  }], [{ text: "Ask", action: "switch", value: "cats" }]]);

  assert.deepEqual(
    ["image/png", "image/gif", "audio/ogg", "audio/mpeg", "video/mp4", "application/pdf", ""].map(uploadKind),
    ["photo", "animation", "voice", "audio", "video", "document", "document"],
  );
});

Deno.test("WebUi creates a channel with its bot; the creator's post reaches the bot as a channel_post", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "news_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const created = await post(`${ui.url}api/chats`, {
    user: alice.id,
    title: "News",
    type: "channel",
    bots: [bot.id],
  });
  const { key } = await created.json();
  const sent = await post(`${ui.url}api/send`, { user: alice.id, chat: key, text: "Issue 1 is out" });
  assert.equal(sent.status, 200, await sent.text());
  const [update] = emu.pendingUpdates(bot) as Any[];
  assert.equal(update.channel_post.text, "Issue 1 is out");
  assert.equal(update.channel_post.chat.title, "News");
  const chat = await (await fetch(`${ui.url}api/chat?key=${key}`)).json();
  assert.equal(chat.chat.type, "channel");
  assert.equal(chat.messages[0].from, null, "a channel post is signed by the channel, not the user");
});

Deno.test("WebUi votes in a bot's poll and pays a bot's invoice as the user", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await using ui = await WebUi.start(emu);
  const call = async (method: string, params: Record<string, unknown>) => {
    const answer = await (await post(`${emu.apiRoot}/bot${bot.token}/${method}`, params)).json();
    assert.equal(answer.ok, true, JSON.stringify(answer));
    return answer.result;
  };
  const key = `${alice.id}:${bot.id}`;
  const poll = await call("sendPoll", {
    chat_id: alice.id,
    question: "Tea?",
    options: [{ text: "Yes" }, { text: "No" }],
  });
  const voted = await post(`${ui.url}api/vote`, {
    user: alice.id,
    chat: key,
    message: poll.message_id,
    option: 1,
  });
  assert.equal(voted.status, 200, await voted.text());
  const [pollUpdate] = await call("getUpdates", {});
  assert.deepEqual(pollUpdate.poll.options.map((o: Any) => o.voter_count), [0, 1]);
  const view = (await (await fetch(`${ui.url}api/chat?key=${key}`)).json()).messages[0];
  assert.deepEqual(view.poll, [{ text: "Yes", votes: 0 }, { text: "No", votes: 1 }]);

  const invoice = await call("sendInvoice", {
    chat_id: alice.id,
    title: "Tea",
    description: "A cup",
    payload: "tea-1",
    currency: "EUR",
    prices: [{ label: "Tea", amount: 250 }],
  });
  const paying = post(`${ui.url}api/pay`, { user: alice.id, chat: key, message: invoice.message_id });
  let checkout: Any;
  for (let offset = pollUpdate.update_id + 1, polls = 0; checkout === undefined; polls++) {
    assert.ok(polls < 5, "the bot got no pre_checkout_query");
    const updates = await call("getUpdates", { offset, timeout: 10 });
    for (const update of updates) checkout ??= update.pre_checkout_query;
    offset = updates.at(-1)?.update_id + 1 || offset;
  }
  assert.equal(checkout.total_amount, 250);
  await call("answerPreCheckoutQuery", { pre_checkout_query_id: checkout.id, ok: true });
  const outcome = await (await paying).json();
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const paid = (await (await fetch(`${ui.url}api/chat?key=${key}`)).json()).messages.at(-1);
  assert.equal(paid.note, "✅ paid 2.50 EUR");
});

Deno.test("deno task emulator --ui prints the page's address on loopback, serves it, stops on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../testing/cli.ts", import.meta.url).pathname, "--ui", "--bot", "ui_bot"],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("Ctrl-C")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`output ended early:\n${text}`);
    text += value;
  }
  const url = /^web UI\s+(\S+)/m.exec(text)?.[1];
  assert.ok(url !== undefined, text);
  assert.equal(new URL(url).hostname, "127.0.0.1");
  const world = await (await fetch(`${url}api/world`)).json();
  assert.deepEqual(world.users.map((u: Any) => u.name), ["Alice", "Bob"]);
  assert.deepEqual(world.bots.map((b: Any) => b.username), ["ui_bot"]);
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  while (!(await reader.read()).done) { /* drain */ }
});

Deno.test("WebUi.close ends a press still waiting for a silent bot's answer instead of waiting it out", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "mute_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const ui = await WebUi.start(emu);
  const sent = await (await post(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
    chat_id: alice.id,
    text: "Press",
    reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
  })).json();
  const press = post(`${ui.url}api/press`, {
    user: alice.id,
    chat: `${alice.id}:${bot.id}`,
    message: sent.result.message_id,
    row: 0,
    column: 0,
  });
  await until(() => emu.pendingUpdates(bot).length === 1);
  const [update] = emu.pendingUpdates(bot) as Any[];
  const closing = ui.close();
  // Answered only after the close began: a page that still waited would pass this answer on.
  const late = await post(`${emu.apiRoot}/bot${bot.token}/answerCallbackQuery`, {
    callback_query_id: update.callback_query.id,
    text: "late",
  });
  assert.equal((await late.json()).ok, true);
  await closing;
  assert.deepEqual(await (await press).json(), { answer: null }, "the press ended when the page closed");
});

Deno.test("every example starts behind the web UI (deno task example <name> --ui) and stops cleanly", async () => {
  for (const [name, load] of Object.entries(EXAMPLES)) {
    const { example } = await load();
    const running = await serveLive(name, example);
    try {
      const world = await (await fetch(`${running.url}api/world`)).json();
      assert.deepEqual(world.bots.map((b: Any) => b.username), [`${name}_bot`], name);
      assert.ok(world.users.some((u: Any) => u.name === "Alice"), name);
    } finally {
      await running.stop();
    }
  }
});

Deno.test("WebUi answers HEAD as GET without a body (the page, its scripts, the live stream)", async () => {
  await using emu = await BotApiEmulator.start();
  await using ui = await WebUi.start(emu);
  for (
    const [path, type] of [["", /^text\/html/], ["app.js", /javascript/], ["events", /^text\/event-stream/]]
  ) {
    const head = await fetch(`${ui.url}${path}`, { method: "HEAD" });
    assert.equal(head.status, 200, `HEAD /${path}`);
    assert.match(head.headers.get("content-type") ?? "", type as RegExp);
    assert.equal(await head.text(), "");
  }
  const missing = await fetch(`${ui.url}nowhere`, { method: "HEAD" });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});
