import assert from "node:assert/strict";
import { type CappedRead, readCapped } from "../bot/capped_read.ts";

/** A stream of the given chunks, each a view onto its own 64 KiB buffer (as network reads are). */
function chunked(...texts: string[]): ReadableStream<Uint8Array> {
  const views = texts.map((text) => {
    const backing = new Uint8Array(65536);
    const bytes = new TextEncoder().encode(text);
    backing.set(bytes);
    return backing.subarray(0, bytes.byteLength);
  });
  return new ReadableStream({
    pull(controller) {
      const next = views.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

const READ: CappedRead = {
  maxBytes: 1 << 20,
  timeout: 30,
  declared: 1024,
  tooLarge: () => new Error("too large"),
  timedOut: () => new Error("timed out"),
  unreadable: () => new Error("unreadable"),
};

Deno.test("readCapped: a body in one chunk is copied to its own size, not kept as a view onto the network buffer", async () => {
  const allocated: number[] = [];
  const released: number[] = [];
  const bytes = await readCapped(chunked("{\"a\":1}"), {
    ...READ,
    allocate: (n) => allocated.push(n),
    release: (n) => released.push(n),
  });
  assert.equal(new TextDecoder().decode(bytes), "{\"a\":1}");
  assert.equal(bytes.buffer.byteLength, 7);
  // The network buffer under the first chunk counts while the chunk waits, and is given back once copied.
  assert.deepEqual(allocated, [65536, 7]);
  assert.deepEqual(released, [65536]);
});

Deno.test("readCapped (transient): a body in one chunk is that chunk, with no buffer made", async () => {
  const allocated: number[] = [];
  const bytes = await readCapped(chunked("{\"a\":1}"), {
    ...READ,
    transient: true,
    allocate: (n) => allocated.push(n),
  });
  assert.equal(new TextDecoder().decode(bytes), "{\"a\":1}");
  assert.equal(bytes.buffer.byteLength, 65536, "the chunk itself");
  assert.deepEqual(allocated, [65536], "no buffer made; the network buffer held is counted");
});

Deno.test("readCapped (transient): a body in several chunks is copied into one buffer all the same", async () => {
  const bytes = await readCapped(chunked("{\"a\":", "1,\"b\":", "2}"), { ...READ, transient: true });
  assert.equal(new TextDecoder().decode(bytes), "{\"a\":1,\"b\":2}");
  assert.equal(bytes.buffer.byteLength, 1024, "the first buffer, not a network one");
});

Deno.test("readCapped: an empty stream is an empty body", async () => {
  assert.equal((await readCapped(chunked(), READ)).byteLength, 0);
  assert.equal((await readCapped(chunked(), { ...READ, transient: true })).byteLength, 0);
});
