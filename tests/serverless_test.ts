// Serverless webhooks (issue 13): each update handled inside its own request, with no loop ever started.
import assert from "node:assert/strict";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, serverlessHandler, UpdateQueue } from "../bot/mod.ts";
import { DeadLetterError } from "../exception/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const SECRET = "s3cret-serverless";

function post(update: unknown, secret = SECRET): Request {
  return new Request("http://127.0.0.1/hook", {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify(update),
  });
}

Deno.test("serverless: the answer comes once the handler has finished; a poison update is dead-lettered within its request", async () => {
  const emu = await BotApiEmulator.start();
  const account = emu.createBot({ username: "lambda_bot" });
  const bot = new Bot(account.token, { apiRoot: emu.apiRoot });
  const alice = emu.createUser({ first_name: "Alice" });
  const failures: unknown[] = [];
  let tries = 0;
  const handle = serverlessHandler(bot, {
    chat: async (msg) => {
      if (msg.text === "boom") {
        tries++;
        throw new Error("handler failed");
      }
      await bot.sendMessage(msg.chat.id, `You said: ${msg.text}`);
    },
  }, { secretToken: SECRET, onError: (error) => void failures.push(error) });
  const message = (id: number, text: string) => ({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: alice.id, type: "private", first_name: "Alice" },
      from: { id: alice.id, is_bot: false, first_name: "Alice" },
      text,
    },
  });
  try {
    assert.equal((await handle(post(message(1, "hi"), "wrong"))).status, 401);
    const answer = await handle(post(message(2, "hi")));
    assert.equal(answer.status, 200);
    // Nothing runs after the answer on a serverless host: the reply must already be sent.
    assert.deepEqual(emu.transcript(alice.id).map((m) => m.text), ["You said: hi"]);

    const poisoned = await handle(post(message(3, "boom")));
    assert.equal(
      poisoned.status,
      200,
      "given up on within the request, so Telegram does not resend it for hours",
    );
    assert.equal(tries, 3);
    const dead = failures.filter((f) => f instanceof DeadLetterError);
    assert.equal(dead.length, 1);
    assert.equal((dead[0] as DeadLetterError).updateId, 3);

    assert.equal((await handle(post(message(2, "hi")))).status, 200, "a redelivery is answered");
    assert.equal(emu.transcript(alice.id).length, 1, "and not handled twice");
  } finally {
    await emu.close();
  }
});

Deno.test("serverless: behind Deno.serve with the emulator's webhook delivery, the loop never started", async () => {
  const emu = await BotApiEmulator.start({ webhookRetryDelay: 0.05 });
  const account = emu.createBot({ username: "deploy_bot" });
  const bot = new Bot(account.token, { apiRoot: emu.apiRoot });
  const handle = serverlessHandler(
    bot,
    (msg: LoopMessage) => bot.sendMessage(msg.chat.id, `echo ${msg.text}`),
    {
      secretToken: SECRET,
    },
  );
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handle);
  try {
    await bot.setWebhook(`http://127.0.0.1:${server.addr.port}/hook`, { secret_token: SECRET });
    const users = [emu.createUser({ first_name: "A" }), emu.createUser({ first_name: "B" })];
    for (const text of ["one", "two"]) for (const user of users) await user.sendText(user.id, text);
    for (const user of users) {
      for (const text of ["one", "two"]) {
        assert.equal((await emu.nextBotMessage(user.id, { timeout: 5 })).text, `echo ${text}`);
      }
    }
    // The last answers (200) reach the emulator just after the replies they follow.
    await until(() => emu.pendingUpdates(account).length === 0);
    assert.equal(emu.bot(account).queue.allowedList(), null, "getUpdates was never called");
    await bot.deleteWebhook();
  } finally {
    await server.shutdown();
    await emu.close();
  }
});

Deno.test("serverless: a request refused while a message loop runs on the bot does not break the next ones", async () => {
  const bot = new Bot("1:lambda", { apiRoot: "http://127.0.0.1:9" });
  const handled: string[] = [];
  const handle = serverlessHandler(bot, { chat: (msg) => void handled.push(String(msg.text)) });
  const update = (id: number) =>
    new Request("http://lambda.test/", {
      method: "POST",
      body: JSON.stringify({
        update_id: id,
        message: { message_id: id, date: 0, chat: { id: 1, type: "private" }, text: `m${id}` },
      }),
    });
  const loop = bot.messageLoop(() => {}, { source: new UpdateQueue() });
  await assert.rejects(handle(update(1)), /already running/);
  await loop.stop();
  assert.equal((await handle(update(2))).status, 200);
  assert.deepEqual(handled, ["m2"]);
});
