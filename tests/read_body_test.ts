import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { nodeAdapter, serveWebhook } from "../bot/mod.ts";
import { BodyGate, bodyLimits, BodyRefused, DEFAULT_BODY_LIMITS, readBody } from "../bot/read_body.ts";
import { BadInput } from "../exception/bad_input.ts";
import { until } from "./support/until.ts";

/** A stream of `count` one-byte chunks, each a view onto its own 64 KiB buffer (as network reads are). */
function dribbled(count: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === count) return controller.close();
      const backing = new Uint8Array(65536);
      backing[0] = 0x30 + (sent++ % 10);
      controller.enqueue(backing.subarray(0, 1));
    },
  });
}

/** A stream that sends one byte and then nothing, never closing. */
function stalled(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array([1]));
    },
  });
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(() => assert.fail("read"), (e) => e);
  assert.ok(error instanceof BodyRefused, String(error));
  return error.status;
}

Deno.test("readBody copies small chunks into one buffer: 5,000 one-byte views hold 5,000 bytes, not their 64 KiB buffers", async () => {
  const body = await readBody(dribbled(5000), NaN, { maxBodySize: 1 << 20, bodyTimeout: 30 });
  assert.equal(body.byteLength, 5000);
  assert.ok(body.buffer.byteLength <= 2 * 5000 + 64 * 1024, `one buffer of ${body.buffer.byteLength} bytes`);
  assert.equal(new TextDecoder().decode(body.subarray(0, 12)), "012345678901");
});

Deno.test("readBody: a chunked body past maxBodySize is 413 as soon as it passes, a declared one before reading", async () => {
  assert.equal(await refusal(readBody(dribbled(2000), NaN, { maxBodySize: 1000, bodyTimeout: 30 })), 413);
  assert.equal(await refusal(readBody(stalled(), 1001, { maxBodySize: 1000, bodyTimeout: 30 })), 413);
  const exact = await readBody(dribbled(1000), 1000, { maxBodySize: 1000, bodyTimeout: 30 });
  assert.equal(exact.byteLength, 1000);
});

Deno.test("readBody: a body still arriving at bodyTimeout is 408", async () => {
  assert.equal(await refusal(readBody(stalled(), NaN, { maxBodySize: 1000, bodyTimeout: 0.2 })), 408);
});

/** A POST whose body is `body`, with a `content-length` header when `declared` is given. */
function post(body: ReadableStream<Uint8Array> | string, declared?: number): Request {
  const headers: Record<string, string> = declared === undefined
    ? {}
    : { "content-length": String(declared) };
  return new Request(
    "http://localhost/hook",
    { method: "POST", body, headers, duplex: "half" } as RequestInit,
  );
}

/** A stream that sends one byte and then waits: `cancelled` tells whether a reader cancelled it. */
function held(): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean; end: () => void } {
  let cancelled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(new Uint8Array([0x7b]));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled, end: () => controller.error(new Error("sender gone")) };
}

Deno.test("BodyGate: beyond maxConcurrentBodies bodies being read, the next is 503 at once; room frees when one ends", async () => {
  const gate = new BodyGate(2);
  const limits = { ...DEFAULT_BODY_LIMITS, bodyTimeout: 0.5 };
  const first = gate.read(post(stalled()), limits);
  const second = gate.read(post(stalled()), limits);
  assert.equal(await refusal(gate.read(post(dribbled(1)), limits)), 503);
  assert.equal(await refusal(first), 408);
  assert.equal(await refusal(second), 408);
  assert.equal((await gate.read(post(dribbled(3)), limits)).byteLength, 3);
});

Deno.test("BodyGate reads a body of a small declared length, and refuses one over maxBodySize before reading", async () => {
  const gate = new BodyGate(4);
  const text = JSON.stringify({ update_id: 1, message: { text: "é".repeat(100) } });
  const bytes = new TextEncoder().encode(text);
  const body = await gate.read(post(text, bytes.byteLength), DEFAULT_BODY_LIMITS);
  assert.equal(new TextDecoder().decode(body), text);
  const large = held();
  assert.equal(
    await refusal(gate.read(post(large.stream, 1001), { ...DEFAULT_BODY_LIMITS, maxBodySize: 1000 })),
    413,
  );
  assert.ok(large.cancelled(), "the refused body is not read");
  // A declared length HTTP framing did not enforce (a Request made by hand) is no way past the limit.
  const longer = post(dribbled(2000), 10);
  assert.equal(await refusal(gate.read(longer, { ...DEFAULT_BODY_LIMITS, maxBodySize: 1000 })), 413);
});

Deno.test("BodyGate: whole reads count until they end, refused at bodyTimeout or not; while capacity of them have not, bodies are read as cancellable streams", async () => {
  const gate = new BodyGate(2);
  const limits = { ...DEFAULT_BODY_LIMITS, bodyTimeout: 0.2 };
  const [a, b, c, d] = [held(), held(), held(), held()];
  assert.equal(await refusal(gate.read(post(a.stream, 100), limits)), 408);
  assert.equal(await refusal(gate.read(post(b.stream, 100), limits)), 408);
  assert.equal(gate.abandoned, 2);
  assert.ok(!a.cancelled() && !b.cancelled(), "a whole read cannot be cancelled");
  // The budget of abandoned reads is spent: this one is read as a stream, which the refusal cancels.
  assert.equal(await refusal(gate.read(post(c.stream, 100), limits)), 408);
  assert.ok(c.cancelled(), "read as a stream and cancelled");
  a.end();
  await until(() => gate.abandoned === 1, 5);
  assert.equal(await refusal(gate.read(post(d.stream, 100), limits)), 408);
  assert.ok(!d.cancelled(), "read whole again once an abandoned read ended");
  b.end();
  d.end();
  await until(() => gate.abandoned === 0, 5);
  // Whole reads still in progress count as well: one abandoned and one reading fill a gate of two.
  const [e, f, g] = [held(), held(), held()];
  assert.equal(await refusal(gate.read(post(e.stream, 100), limits)), 408);
  const reading = gate.read(post(f.stream, 100), { ...limits, bodyTimeout: 30 });
  assert.equal(await refusal(gate.read(post(g.stream, 100), limits)), 408);
  assert.ok(g.cancelled(), "read as a stream");
  e.end();
  f.end();
  assert.equal(await refusal(reading), 400);
});

Deno.test("BodyGate: bodies that come through node:http (serveWebhook, nodeAdapter) are read as streams, which a 408 ends once their senders leave", async () => {
  const limits = bodyLimits({ bodyTimeout: 0.5, maxConcurrentBodies: 3 });
  const servers: [
    string,
    (handler: (req: Request) => Promise<Response>) => Promise<[number, () => Promise<void>]>,
  ][] = [
    ["serveWebhook", async (handler) => {
      const server = await serveWebhook(handler, { port: 0, requestTimeout: 30 });
      return [Number(new URL(server.origin).port), () => server.shutdown()];
    }],
    ["nodeAdapter", async (handler) => {
      const server = createServer(nodeAdapter(handler));
      await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
      return [(server.address() as AddressInfo).port, async () => {
        server.closeAllConnections();
        await new Promise((closed) => server.close(closed));
      }];
    }],
  ];
  for (const [name, start] of servers) {
    const gate = new BodyGate(3);
    const [port, stop] = await start(async (req) => {
      const status = await gate.read(req, limits).then(
        () => 200,
        (e) => e instanceof BodyRefused ? e.status : 500,
      );
      return new Response(null, { status, headers: { connection: "close" } });
    });
    const senders = await Promise.all([0, 1, 2].map(async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(
        new TextEncoder().encode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"),
      );
      return conn;
    }));
    const answers = await Promise.all(senders.map(async (conn) => {
      const bytes = new Uint8Array(512);
      const n = await conn.read(bytes);
      return new TextDecoder().decode(bytes.subarray(0, n ?? 0)).split("\r\n")[0];
    }));
    assert.deepEqual(answers, Array(3).fill("HTTP/1.1 408 Request Timeout"), name);
    for (const conn of senders) conn.close();
    await until(() => gate.abandoned === 0, 5, `${name}: the abandoned reads to end`);
    await stop();
  }
});

Deno.test("bodyLimits fills the documented defaults and refuses malformed limits", () => {
  assert.deepEqual(bodyLimits({}), { maxBodySize: 1 << 20, bodyTimeout: 10, maxConcurrentBodies: 100 });
  assert.throws(() => bodyLimits({ maxBodySize: 0 }), BadInput);
  assert.throws(() => bodyLimits({ maxConcurrentBodies: 1.5 }), BadInput);
  assert.throws(() => bodyLimits({ bodyTimeout: -1 }), BadInput);
});
