import assert from "node:assert/strict";
import { BodyGate, bodyLimits, BodyRefused, DEFAULT_BODY_LIMITS, readBody } from "../bot/read_body.ts";
import { BadInput } from "../exception/bad_input.ts";

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
  const body = await readBody(dribbled(5000), null, { maxBodySize: 1 << 20, bodyTimeout: 30 });
  assert.equal(body.byteLength, 5000);
  assert.ok(body.buffer.byteLength <= 2 * 5000 + 64 * 1024, `one buffer of ${body.buffer.byteLength} bytes`);
  assert.equal(new TextDecoder().decode(body.subarray(0, 12)), "012345678901");
});

Deno.test("readBody: a chunked body past maxBodySize is 413 as soon as it passes, a declared one before reading", async () => {
  assert.equal(await refusal(readBody(dribbled(2000), null, { maxBodySize: 1000, bodyTimeout: 30 })), 413);
  assert.equal(await refusal(readBody(stalled(), "1001", { maxBodySize: 1000, bodyTimeout: 30 })), 413);
  const exact = await readBody(dribbled(1000), "1000", { maxBodySize: 1000, bodyTimeout: 30 });
  assert.equal(exact.byteLength, 1000);
});

Deno.test("readBody: a body still arriving at bodyTimeout is 408", async () => {
  assert.equal(await refusal(readBody(stalled(), null, { maxBodySize: 1000, bodyTimeout: 0.2 })), 408);
});

Deno.test("BodyGate: beyond maxConcurrentBodies bodies being read, the next is 503 at once; room frees when one ends", async () => {
  const gate = new BodyGate(2);
  const limits = { ...DEFAULT_BODY_LIMITS, bodyTimeout: 0.5 };
  const first = gate.read(stalled(), null, limits);
  const second = gate.read(stalled(), null, limits);
  assert.equal(await refusal(gate.read(dribbled(1), null, limits)), 503);
  assert.equal(await refusal(first), 408);
  assert.equal(await refusal(second), 408);
  assert.equal((await gate.read(dribbled(3), null, limits)).byteLength, 3);
});

Deno.test("bodyLimits fills the documented defaults and refuses malformed limits", () => {
  assert.deepEqual(bodyLimits({}), { maxBodySize: 1 << 20, bodyTimeout: 10, maxConcurrentBodies: 100 });
  assert.throws(() => bodyLimits({ maxBodySize: 0 }), BadInput);
  assert.throws(() => bodyLimits({ maxConcurrentBodies: 1.5 }), BadInput);
  assert.throws(() => bodyLimits({ bodyTimeout: -1 }), BadInput);
});
