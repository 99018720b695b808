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

for (const transport of ["fetch", "pool"] as const) {
  const make = (apiRoot: string, maxAnswerSize?: number) => {
    const api = new Api(TOKEN, {
      apiRoot,
      maxAnswerSize,
      ...(transport === "fetch" ? { fetch: (input, init) => fetch(input, init) } : {}),
    });
    return { api, release: api.keepConnections() };
  };

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
