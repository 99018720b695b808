import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import express4 from "npm:express@4.22.3";
import express from "npm:express@5.3.0";
import { Hono } from "npm:hono@4.13.19";
import type { LoopMessage } from "../bot/handler.ts";
import { Bot, nodeAdapter, webhookHandler } from "../bot/mod.ts";
import { until } from "./support/until.ts";

const SECRET = "framework_secret";

function update(id: number) {
  return {
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: 1, type: "private" }, text: `t${id}` },
  };
}

/** POSTs one update with `secret` and returns the status. */
async function deliver(url: string, id: number, secret = SECRET): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    body: JSON.stringify(update(id)),
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("webhook: Express, with and without express.json() before the route, through nodeAdapter", async () => {
  const bot = new Bot("1:express", { apiRoot: "http://127.0.0.1:9" });
  const ids: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  const hook = nodeAdapter(webhookHandler(bot, { secretToken: SECRET }));
  const app = express();
  app.post("/raw", hook);
  app.post("/parsed", express.json(), hook);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  assert.equal(await deliver(`${base}/raw`, 1), 200);
  assert.equal(await deliver(`${base}/parsed`, 2), 200);
  assert.equal(await deliver(`${base}/parsed`, 3, "wrong"), 401);
  await until(() => ids.length === 2);
  await loop.stop();
  assert.deepEqual(ids, [1, 2]);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

Deno.test("webhook: Express 4 with body parsers that did not match the update (their empty req.body), with express.json(), and with the bytes kept as req.rawBody", async () => {
  const bot = new Bot("1:express4", { apiRoot: "http://127.0.0.1:9" });
  const ids: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  const hook = nodeAdapter(webhookHandler(bot, { secretToken: SECRET }));
  const app = express4();
  // Express 4's parsers set req.body to {} on every request, also those whose body they left unread.
  app.use(express4.urlencoded({ extended: false }));
  app.use(express4.text());
  app.post("/hook", hook);
  app.post("/parsed", express4.json(), hook);
  // A middleware that keeps the bytes as req.rawBody (for a signature check) and sets no req.body.
  app.post(
    "/raw-kept",
    (req: IncomingMessage & { rawBody?: Uint8Array }, _res: unknown, next: () => void) => {
      const chunks: Uint8Array[] = [];
      req.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      req.on("end", () => {
        req.rawBody = new Uint8Array(
          chunks.flatMap((chunk) => [...chunk]),
        );
        next();
      });
    },
    hook,
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  assert.equal(await deliver(`${base}/hook`, 1), 200);
  assert.equal(await deliver(`${base}/parsed`, 2), 200);
  assert.equal(await deliver(`${base}/raw-kept`, 3), 200);
  await until(() => ids.length === 3);
  await loop.stop();
  assert.deepEqual(ids, [1, 2, 3]);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

Deno.test("webhook: Hono takes the web-standard handler as it is", async () => {
  const bot = new Bot("1:hono", { apiRoot: "http://127.0.0.1:9" });
  const ids: number[] = [];
  // The loop starts polling (nothing listens at apiRoot) and switches to the webhook once it is made.
  const loop = bot.messageLoop((msg: LoopMessage) => void ids.push(msg.message_id));
  const hook = webhookHandler(bot, { secretToken: SECRET });
  const app = new Hono();
  app.post("/hook", (c) => hook(c.req.raw));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const url = `http://127.0.0.1:${server.addr.port}/hook`;
  assert.equal(await deliver(url, 1), 200);
  assert.equal(await deliver(url, 2, "wrong"), 401);
  await until(() => ids.length === 1);
  await loop.stop();
  assert.deepEqual(ids, [1]);
  await server.shutdown();
});
