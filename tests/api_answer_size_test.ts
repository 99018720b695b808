// The cap on the size of an answer the client reads (ApiOptions.maxAnswerSize), against real servers on
// loopback that answer too much: a declared length over the cap, an endless chunked body, a small
// gzip body that inflates past it. Both transports: fetch (an `options.fetch` given) and the pooled
// connections (`keepConnections()`).
import assert from "node:assert/strict";
import { Api } from "../api/client.ts";
import { AnswerTooLarge } from "../exception/answer_too_large.ts";
import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { BadInput } from "../exception/bad_input.ts";

const TOKEN = "123456:SECRET-token_value";

interface Served {
  readonly apiRoot: string;
  /** Bytes the endless bodies produced, and whether each was cancelled. */
  readonly endless: { produced: number; cancelled: boolean }[];
  close(): Promise<void>;
}

function envelope(result: unknown): string {
  return JSON.stringify({ ok: true, result });
}

function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).bytes();
}

// The method name says what to answer: `exact_<n>` an envelope of n bytes, `endless` a chunked body
// that never ends, `gzip_<n>` a gzip body that inflates to an envelope of n bytes.
function serve(): Served {
  const endless: { produced: number; cancelled: boolean }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const method = new URL(request.url).pathname.split("/").pop()!;
    await request.body?.cancel();
    const [kind, size] = method.split("_");
    if (kind === "echo") {
      // A proxy echoing the request path (token included) into a header of an answer too large to read.
      const path = new URL(request.url).pathname;
      return new Response(envelope("x".repeat(Number(size))), {
        headers: { "content-type": "application/json", "x-echo": path },
      });
    }
    if (kind === "exact") {
      const filler = "x".repeat(Number(size) - envelope("").length);
      return new Response(envelope(filler), { headers: { "content-type": "application/json" } });
    }
    if (kind === "gzip") {
      // Multi-byte characters, so that some fall across the inflated chunks' edges.
      const unit = "é€😀";
      const base = envelope("").length;
      const bytesPerUnit = new TextEncoder().encode(unit).byteLength;
      let filler = unit.repeat(Math.floor((Number(size) - base) / bytesPerUnit));
      filler += "x".repeat(Number(size) - base - new TextEncoder().encode(filler).byteLength);
      return new Response(await gzip(envelope(filler)), {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      });
    }
    const record = { produced: 0, cancelled: false };
    endless.push(record);
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"ok\":true,\"result\":\""));
        },
        pull(controller) {
          record.produced += chunk.byteLength;
          controller.enqueue(chunk);
        },
        cancel() {
          record.cancelled = true;
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  });
  return {
    apiRoot: `http://127.0.0.1:${server.addr.port}`,
    endless,
    close: () => server.shutdown(),
  };
}

async function refused(call: Promise<unknown>, limit: number): Promise<AnswerTooLarge> {
  const error = await call.then(
    () => assert.fail("the call should have failed"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AnswerTooLarge, `an AnswerTooLarge, not ${error}`);
  assert.ok(error instanceof BadHTTPResponse);
  assert.equal(error.status, 200);
  assert.equal(error.limit, limit);
  assert.equal(error.text, "");
  assert.match(error.message, new RegExp(`over ${limit} bytes`));
  assert.ok(!error.message.includes("SECRET") && !(error.stack ?? "").includes("SECRET"));
  // Both transports give the answer's status line and headers, without its URL.
  assert.equal(error.response?.status, 200);
  assert.equal(error.response?.headers.get("content-type"), "application/json");
  assert.equal(error.response?.url, "");
  return error;
}

// Stops reading: the server is told, having produced little more than the cap (what the sockets and
// the runtimes buffer on the way: a few MiB on loopback).
async function cancelledSoon(served: Served, limit: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!served.endless.at(-1)!.cancelled && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const last = served.endless.at(-1)!;
  assert.ok(last.cancelled, "the endless body's stream was cancelled");
  assert.ok(
    last.produced < limit + 32 * 1024 * 1024,
    `${last.produced} bytes produced for a cap of ${limit}`,
  );
}

// A client over `fetch` (an `options.fetch` given) or over the pooled connections a loop uses.
function client(transport: "fetch" | "pool", apiRoot: string, maxAnswerSize?: number) {
  const api = new Api(TOKEN, {
    apiRoot,
    maxAnswerSize,
    ...(transport === "fetch" ? { fetch: (input, init) => fetch(input, init) } : {}),
  });
  return { api, release: api.keepConnections() };
}

for (const transport of ["fetch", "pool"] as const) {
  const make = (apiRoot: string, maxAnswerSize?: number) => client(transport, apiRoot, maxAnswerSize);

  Deno.test(`answer size (${transport}): an answer of exactly maxAnswerSize bytes is read, one byte more is refused`, async () => {
    const served = serve();
    const { api, release } = make(served.apiRoot, 1000);
    try {
      assert.equal(((await api.call("exact_1000", {})) as string).length, 1000 - envelope("").length);
      await refused(api.call("exact_1001", {}), 1000);
      // The client goes on: the next call is answered.
      assert.equal(((await api.call("exact_500", {})) as string).length, 500 - envelope("").length);
    } finally {
      release();
      await served.close();
    }
  });

  Deno.test(`answer size (${transport}): the refusal's headers have the token cut out`, async () => {
    const served = serve();
    const { api, release } = make(served.apiRoot, 1000);
    try {
      const error = await refused(api.call("echo_5000", {}), 1000);
      assert.equal(error.response?.headers.get("x-echo"), "/bot<token>/echo_5000");
      assert.ok(!Deno.inspect(error, { depth: 10 }).includes("SECRET"));
      assert.ok(!JSON.stringify(error).includes("SECRET"));
    } finally {
      release();
      await served.close();
    }
  });

  Deno.test(`answer size (${transport}): an endless body is refused at the cap and its stream cancelled`, async () => {
    const served = serve();
    const limit = 256 * 1024;
    const { api, release } = make(served.apiRoot, limit);
    try {
      await refused(api.call("endless", {}), limit);
      await cancelledSoon(served, limit);
      assert.equal(((await api.call("exact_100", {})) as string).length, 100 - envelope("").length);
    } finally {
      release();
      await served.close();
    }
  });
}

Deno.test("answer size: a gzip answer is counted as inflated; under the cap it is decoded whole, multi-byte characters across chunks included", async () => {
  const served = serve();
  const api = new Api(TOKEN, { apiRoot: served.apiRoot, maxAnswerSize: 1024 * 1024 });
  try {
    // A few KiB of gzip inflating to 4 MiB.
    await refused(api.call("gzip_4194304", {}), 1024 * 1024);
    const result = await api.call("gzip_1048576", {}) as string;
    assert.equal(new TextEncoder().encode(envelope(result)).byteLength, 1024 * 1024);
    assert.ok(result.startsWith("é€😀é€😀"));
    assert.ok(!result.includes("\uFFFD"), "no character was cut between chunks");
  } finally {
    await served.close();
  }
});

Deno.test("answer size: the default cap is 64 MiB", async () => {
  const served = serve();
  const api = new Api(TOKEN, { apiRoot: served.apiRoot, fetch: (input, init) => fetch(input, init) });
  try {
    await refused(api.call("endless", {}), 64 * 1024 * 1024);
    await cancelledSoon(served, 64 * 1024 * 1024);
  } finally {
    await served.close();
  }
});

Deno.test("answer size: maxAnswerSize must be a positive integer", () => {
  for (const maxAnswerSize of [0, -1, 1.5, Infinity, NaN, "1000"]) {
    assert.throws(
      () => new Api(TOKEN, { maxAnswerSize: maxAnswerSize as number }),
      (e: unknown) => e instanceof BadInput && /maxAnswerSize/.test(e.message),
      String(maxAnswerSize),
    );
  }
});

// A server speaking HTTP/1.1 by hand, for answers no well-behaved server library writes: `answer` writes
// the whole response after the request's head, and may go on until the client goes away.
function rawServe(answer: (conn: Deno.Conn) => Promise<void>): { apiRoot: string; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const head = new Uint8Array(64 * 1024);
        let got = 0;
        while (!new TextDecoder().decode(head.subarray(0, got)).includes("\r\n\r\n")) {
          const n = await conn.read(head.subarray(got));
          if (n === null) return;
          got += n;
        }
        await answer(conn);
      })().catch(() => {}).finally(() => {
        conns.delete(conn);
        try {
          conn.close();
        } catch { /* closed by the client */ }
      });
    }
  })().catch(() => {});
  return {
    apiRoot: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close() {
      listener.close();
      for (const conn of conns) conn.close();
    },
  };
}

const encoder = new TextEncoder();

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength;) at += await conn.write(bytes.subarray(at));
}

// The JavaScript memory in use: the heap and the array buffers' contents outside it.
function inUse(): number {
  const { heapUsed, external } = Deno.memoryUsage();
  return heapUsed + external;
}

// The most the test process's memory in use grew while `work` ran, sampled every few milliseconds.
async function heapGrowth<T>(work: () => Promise<T>): Promise<{ value: T; grown: number }> {
  const before = inUse();
  let peak = before;
  const sampler = setInterval(() => peak = Math.max(peak, inUse()), 2);
  try {
    const value = await work();
    peak = Math.max(peak, inUse());
    return { value, grown: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

for (const transport of ["fetch", "pool"] as const) {
  const make = (apiRoot: string, maxAnswerSize?: number) => client(transport, apiRoot, maxAnswerSize);

  Deno.test(`answer size (${transport}): a chunked answer that also declares a small Content-Length is counted as its chunks come`, async () => {
    const limit = 256 * 1024;
    const served = rawServe(async (conn) => {
      await conn.write(encoder.encode(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\n"
          + "transfer-encoding: chunked\r\n\r\n",
      ));
      const chunk = encoder.encode(`10000\r\n${"x".repeat(0x10000)}\r\n`);
      // Endless: a body of any size behind a length of 10.
      for (;;) await conn.write(chunk);
    });
    const { api, release } = make(served.apiRoot, limit);
    try {
      await refused(api.call("getMe", {}), limit);
    } finally {
      release();
      served.close();
    }
  });

  // How fetch buffers what it reads is the runtime's: the pool's reading is this library's.
  if (transport === "pool") {
    Deno.test(`answer size (${transport}): memory while reading a chunked answer follows its bytes, however small the chunks`, async () => {
      const text = "y".repeat(1024 * 1024);
      // The whole answer made before it is measured: one-byte chunks.
      const answer = encoder.encode(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
          + envelope(text).replace(/[^]/g, "1\r\n$&\r\n") + "0\r\n\r\n",
      );
      const served = rawServe((conn) => writeAll(conn, answer));
      const { api, release } = make(served.apiRoot, 4 * 1024 * 1024);
      try {
        const { value, grown } = await heapGrowth(() => api.call("getMe", {}));
        assert.equal(value, text);
        // The answer and its text take a few MiB; an array per chunk took over 100 MiB.
        assert.ok(grown < 40 * 1024 * 1024, `the heap grew ${(grown / 1024 / 1024).toFixed(0)} MiB`);
      } finally {
        release();
        served.close();
      }
    });
  }

  if (transport === "pool") {
    Deno.test(`answer size (${transport}): memory while reading an answer that ends with its connection follows its bytes, however few each read brings`, async () => {
      const body = envelope("z".repeat(1000));
      const served = rawServe(async (conn) => {
        await conn.write(
          encoder.encode("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"),
        );
        // A byte at a time, each read on its own.
        for (const byte of encoder.encode(body)) {
          await conn.write(Uint8Array.of(byte));
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      });
      const { api, release } = make(served.apiRoot, 4 * 1024 * 1024);
      try {
        const { value, grown } = await heapGrowth(() => api.call("getMe", {}));
        assert.equal(value, "z".repeat(1000));
        // An array of 16 KiB per read took 16 MiB.
        assert.ok(grown < 6 * 1024 * 1024, `the heap grew ${(grown / 1024 / 1024).toFixed(0)} MiB`);
      } finally {
        release();
        served.close();
      }
    });
  }

  Deno.test(`answer size (${transport}): a chunked answer whose trailer fields never end fails instead of waiting for ever`, async () => {
    const served = rawServe(async (conn) => {
      await conn.write(encoder.encode(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`
          + `2\r\n{}\r\n0\r\n`,
      ));
      const field = encoder.encode(`x-trailer: ${"t".repeat(1000)}\r\n`);
      for (;;) await conn.write(field);
    });
    const { api, release } = make(served.apiRoot, 1024 * 1024);
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        api.call("getMe", {}).then(() => "answered", () => "failed"),
        new Promise((resolve) => timer = setTimeout(() => resolve("still waiting"), 20_000)),
      ]);
      clearTimeout(timer);
      assert.equal(outcome, "failed");
    } finally {
      release();
      served.close();
    }
  });
}
