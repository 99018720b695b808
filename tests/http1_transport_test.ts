import assert from "node:assert/strict";
import { Api } from "../api/mod.ts";
import { NetworkError, RequestTimeout } from "../exception/mod.ts";
import {
  type ByteSocket,
  ConnectionClosed,
  Http1Connection,
  StaleConnection,
} from "../platform/http1_connection.ts";
import { ConnectionPool } from "../platform/http1_pool.ts";
import { HttpProtocolError } from "../platform/http1_wire.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection after `seconds`: a transport that hangs fails the test instead of stalling it. */
async function within<T>(promise: Promise<T>, seconds = 5): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.byteLength <= haystack.byteLength; i++) {
    for (let j = 0; j < needle.byteLength; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A request as the scripted server read it off the wire. */
interface RawRequest {
  /** The request line, e.g. `POST /x HTTP/1.1`. */
  readonly line: string;
  /** Header fields, names lower-cased. */
  readonly headers: Record<string, string>;
  /** The body's bytes (de-chunked when it came chunked). */
  readonly body: Uint8Array;
  /** Which accepted connection it came on (1 for the first). */
  readonly connection: number;
}

/** One accepted connection, read and written by a test's script. */
class Peer {
  #buffer = new Uint8Array(0);
  #closed = false;

  constructor(
    readonly conn: Deno.TcpConn,
    readonly index: number,
    readonly server: RawServer,
  ) {}

  /** Reads more bytes; false once the client closed (or reset) the connection, or we closed it. */
  async #more(): Promise<boolean> {
    const chunk = new Uint8Array(16 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      n = null;
    }
    if (n === null) {
      if (!this.#closed) this.server.closedByClient.add(this.index);
      return false;
    }
    const joined = new Uint8Array(this.#buffer.byteLength + n);
    joined.set(this.#buffer);
    joined.set(chunk.subarray(0, n), this.#buffer.byteLength);
    this.#buffer = joined;
    return true;
  }

  async #take(length: number): Promise<Uint8Array | null> {
    while (this.#buffer.byteLength < length) if (!(await this.#more())) return null;
    const taken = this.#buffer.slice(0, length);
    this.#buffer = this.#buffer.slice(length);
    return taken;
  }

  /** Bytes up to (not including) `separator`, which is consumed too. */
  async #until(separator: string): Promise<Uint8Array | null> {
    const needle = encoder.encode(separator);
    for (;;) {
      const at = indexOf(this.#buffer, needle);
      if (at >= 0) {
        const bytes = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.slice(at + needle.byteLength);
        return bytes;
      }
      if (!(await this.#more())) return null;
    }
  }

  /** The next whole request, or null when the connection ended first. */
  async request(): Promise<RawRequest | null> {
    const head = await this.#until("\r\n\r\n");
    if (head === null) return null;
    const [line, ...fields] = decoder.decode(head).split("\r\n");
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(":");
      headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
    let body: Uint8Array | null;
    if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      body = await this.#chunkedBody();
    } else {
      body = await this.#take(Number(headers["content-length"] ?? "0"));
    }
    if (body === null) return null;
    const request = { line, headers, body, connection: this.index };
    this.server.requests.push(request);
    return request;
  }

  async #chunkedBody(): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const sizeLine = await this.#until("\r\n");
      if (sizeLine === null) return null;
      const size = parseInt(decoder.decode(sizeLine), 16);
      if (size === 0) break;
      const part = await this.#take(size);
      if (part === null || (await this.#until("\r\n")) === null) return null;
      parts.push(part);
    }
    for (let trailer = await this.#until("\r\n"); trailer?.byteLength; trailer = await this.#until("\r\n"));
    return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
  }

  /** Resolves once the client closed the connection (whatever it sent meanwhile is dropped). */
  async clientClosed(): Promise<void> {
    while (await this.#more()) this.#buffer = new Uint8Array(0);
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    for (let written = 0; written < bytes.byteLength;) {
      written += await this.conn.write(bytes.subarray(written));
    }
  }

  /** Writes one byte at a time, pausing between them, so that the client reads many tiny pieces. */
  async dribble(data: string): Promise<void> {
    for (const byte of encoder.encode(data)) {
      await this.write(new Uint8Array([byte]));
      await delay(1);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * A raw TCP server on loopback whose every connection runs the test's script (then is closed), so that
 * the transport meets exact bytes. Counts connections and records every request.
 */
class RawServer {
  readonly #listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly #peers = new Set<Peer>();
  readonly #scripts: Promise<void>[] = [];
  readonly #errors: unknown[] = [];
  readonly #accepting: Promise<void>;
  #closing = false;
  /** Connections accepted so far. */
  accepted = 0;
  /** Every request read, in order. */
  readonly requests: RawRequest[] = [];
  /** The connections (by index) that the client closed. */
  readonly closedByClient = new Set<number>();

  constructor(script: (peer: Peer) => Promise<void>) {
    this.#accepting = this.#accept(script);
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async #accept(script: (peer: Peer) => Promise<void>): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      conn.setNoDelay(true);
      const peer = new Peer(conn, ++this.accepted, this);
      this.#peers.add(peer);
      this.#scripts.push(
        script(peer)
          .catch((error) => {
            if (!this.#closing) this.#errors.push(error);
          })
          .finally(() => {
            peer.close();
            this.#peers.delete(peer);
          }),
      );
    }
  }

  /** Closes the listener and every connection; rethrows what a script threw before that. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#listener.close();
    for (const peer of this.#peers) peer.close();
    await this.#accepting;
    await Promise.all(this.#scripts);
    if (this.#errors.length > 0) throw this.#errors[0];
  }
}

/** A script answering every request on the connection with `answer(request)`, until the client closes. */
function answering(answer: (request: RawRequest) => string): (peer: Peer) => Promise<void> {
  return async (peer) => {
    for (let request = await peer.request(); request !== null; request = await peer.request()) {
      await peer.write(answer(request));
    }
  };
}

/** A whole `200 OK` answer with a Content-Length; `fields` are extra header lines. */
function ok(body: string, ...fields: string[]): string {
  const head = ["HTTP/1.1 200 OK", `content-length: ${encoder.encode(body).byteLength}`, ...fields];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}

/** A request the pool serves itself (a POST with a string body and plain headers). */
function post(pool: ConnectionPool, url: string, body = "{}", init: RequestInit = {}): Promise<Response> {
  return within(
    pool.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, ...init }),
  );
}

async function withPool(
  script: (peer: Peer) => Promise<void>,
  fn: (server: RawServer, pool: ConnectionPool) => Promise<void>,
  maxConnections?: number,
): Promise<void> {
  const server = new RawServer(script);
  const pool = new ConnectionPool(maxConnections);
  try {
    await fn(server, pool);
  } finally {
    pool.close();
    await server.close();
  }
}

/** Waits (briefly) until the client has closed connection `index`. */
async function clientClosed(server: RawServer, index: number): Promise<void> {
  await until(() => server.closedByClient.has(index), 5, `the client to close connection ${index}`);
}

Deno.test("a Content-Length answer comes back whole and the connection is reused", async () => {
  await withPool(
    answering((request) => {
      const body = `héllo ✓ ${decoder.decode(request.body)}`;
      return [
        "HTTP/1.1 201 Created Here",
        "Content-Type: text/plain; charset=utf-8",
        "X-Thing:  a b ",
        `Content-Length: ${encoder.encode(body).byteLength}`,
        "",
        body,
      ].join("\r\n");
    }),
    async (server, pool) => {
      const first = await post(pool, `${server.url}/one`, "1");
      assert.equal(first.status, 201);
      assert.equal(first.statusText, "Created Here");
      assert.equal(first.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(first.headers.get("x-thing"), "a b");
      assert.equal(await first.text(), "héllo ✓ 1");
      const second = await post(pool, `${server.url}/two`, "2");
      assert.equal(await second.text(), "héllo ✓ 2");
      assert.equal(server.accepted, 1);
      assert.deepEqual(server.requests.map((r) => r.connection), [1, 1]);
    },
  );
});

Deno.test("a JSON answer carries the server's headers and none of its own, as fetch gives them", async () => {
  const body = `{"ok":true,"result":"✓"}`;
  await withPool(
    answering(() =>
      [
        "HTTP/1.1 200 OK",
        "Content-Type: application/json; charset=utf-8",
        "Set-Cookie: a=1",
        "X-Part: one",
        "X-Part: two",
        `Content-Length: ${encoder.encode(body).byteLength}`,
        "",
        body,
      ].join("\r\n")
    ),
    async (server, pool) => {
      const viaPool = await post(pool, server.url, "1");
      const viaFetch = await fetch(server.url, { method: "POST", body: "1" });
      const expected = [
        ["content-length", String(encoder.encode(body).byteLength)],
        ["content-type", "application/json; charset=utf-8"],
        ["set-cookie", "a=1"],
        ["x-part", "one, two"],
      ];
      assert.deepEqual([...viaPool.headers], expected);
      assert.deepEqual([...viaFetch.headers], expected);
      assert.deepEqual(await viaPool.json(), { ok: true, result: "✓" });
      await viaFetch.body?.cancel();
    },
  );
});

Deno.test("a chunked answer written one byte at a time is assembled, and the connection reused", async () => {
  const chunked = [
    "HTTP/1.1 200 OK",
    "Transfer-Encoding: chunked",
    "",
    "5;name=value",
    "hello",
    "1",
    " ",
    "A",
    "0123456789",
    "0",
    "x-trailer: t",
    "",
    "",
  ].join("\r\n");
  await withPool(
    async (peer) => {
      for (let request = await peer.request(); request !== null; request = await peer.request()) {
        await peer.dribble(chunked);
      }
    },
    async (server, pool) => {
      assert.equal(await (await post(pool, server.url)).text(), "hello 0123456789");
      assert.equal(await (await post(pool, server.url)).text(), "hello 0123456789");
      assert.equal(server.accepted, 1);
    },
  );
});

Deno.test("large heads and bodies (beyond the read buffer) come back whole in both framings", async () => {
  const body = "x".repeat(1_000_000) + "✓";
  // About 40 KB of header fields: the head alone outgrows the connection's first buffer.
  const fields = Array.from({ length: 400 }, (_, i) => `x-field-${i}: ${"v".repeat(90)}`);
  const bytes = encoder.encode(body);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += 10_000) {
    const piece = bytes.subarray(at, at + 10_000);
    chunks.push(encoder.encode(`${piece.byteLength.toString(16)}\r\n`), piece, encoder.encode("\r\n"));
  }
  const chunked = new Uint8Array(
    await new Blob([
      `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n${fields.join("\r\n")}\r\n\r\n`,
      ...chunks,
      "0\r\n\r\n",
    ] as BlobPart[]).arrayBuffer(),
  );
  await withPool(
    async (peer) => {
      for (let request = await peer.request(); request !== null; request = await peer.request()) {
        await peer.write(decoder.decode(request.body) === "chunked" ? chunked : ok(body, ...fields));
      }
    },
    async (server, pool) => {
      for (const framing of ["length", "chunked"]) {
        const response = await post(pool, server.url, framing);
        assert.equal(response.headers.get("x-field-399"), "v".repeat(90), framing);
        assert.equal(await response.text(), body, framing);
      }
      assert.equal(server.accepted, 1);
    },
  );
});

Deno.test("informational answers (100 Continue, 103 Early Hints) before the real one are skipped", async () => {
  await withPool(
    answering(() =>
      "HTTP/1.1 100 Continue\r\n\r\n"
      + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      + ok("{\"ok\":true}", "x-final: yes")
    ),
    async (server, pool) => {
      const response = await post(pool, server.url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("x-final"), "yes");
      assert.equal(response.headers.get("link"), null);
      assert.equal(await response.text(), "{\"ok\":true}");
      // The connection is still in step: a second exchange on it works.
      assert.equal(await (await post(pool, server.url)).text(), "{\"ok\":true}");
      assert.equal(server.accepted, 1);
    },
  );
});

Deno.test("a close-delimited answer is read to the end, and the next request opens a new connection", async () => {
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nfirst part, ");
      await delay(20);
      await peer.write("second part");
      // Returning closes the connection: that is the end of the body.
    },
    async (server, pool) => {
      assert.equal(await (await post(pool, server.url)).text(), "first part, second part");
      assert.equal(await (await post(pool, server.url)).text(), "first part, second part");
      assert.equal(server.accepted, 2);
    },
  );
});

Deno.test("an answer that does not keep the connection alive makes the next request use a new one", async () => {
  for (const head of ["HTTP/1.1 200 OK\r\nConnection: Close", "HTTP/1.0 200 OK"]) {
    await withPool(
      async (peer) => {
        if ((await peer.request()) === null) return;
        await peer.write(`${head}\r\ncontent-length: 2\r\n\r\nok`);
        // The server leaves the connection open: closing it is up to the client.
        await peer.clientClosed();
      },
      async (server, pool) => {
        assert.equal(await (await post(pool, server.url)).text(), "ok", head);
        await clientClosed(server, 1);
        assert.equal(await (await post(pool, server.url)).text(), "ok", head);
        assert.equal(server.accepted, 2, head);
      },
    );
  }
});

Deno.test("framing as fetch reads it: a Content-Length of one value repeated is that value; chunked with a Content-Length is read chunked, its connection not reused", async () => {
  await withPool(
    answering(() => "HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok"),
    async (server, pool) => {
      assert.equal(await (await post(pool, server.url)).text(), "ok");
      assert.equal(await (await post(pool, server.url)).text(), "ok");
      assert.equal(server.accepted, 1, "kept alive");
    },
  );
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.write(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n",
      );
      await peer.clientClosed();
    },
    async (server, pool) => {
      assert.equal(await (await post(pool, server.url)).text(), "ok");
      await clientClosed(server, 1);
      assert.equal(await (await post(pool, server.url)).text(), "ok");
      assert.equal(server.accepted, 2, "a new connection for the next request");
    },
  );
});

Deno.test("a keep-alive connection the server closes while idle is replaced without an error", async () => {
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.write(ok("fine", "keep-alive: timeout=60"));
      // Returning closes the idle connection, as a server's idle timeout would.
    },
    async (server, pool) => {
      assert.equal(await (await post(pool, server.url)).text(), "fine");
      await delay(50);
      assert.equal(await (await post(pool, server.url)).text(), "fine");
      assert.equal(server.accepted, 2);
    },
  );
});

Deno.test("a server closing in the middle of the body fails that request, and the pool goes on", async () => {
  const truncated = [
    "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten..",
    // A length no memory could hold: the body is read as it comes, not set aside in advance.
    "HTTP/1.1 200 OK\r\ncontent-length: 999999999999999\r\n\r\nonly ten..",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n64\r\nonly ten..",
  ];
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      if (peer.index <= truncated.length) {
        await peer.write(truncated[peer.index - 1]);
        return;
      }
      await peer.write(ok("whole"));
      await peer.clientClosed();
    },
    async (server, pool) => {
      for (const answer of truncated) {
        await assert.rejects(post(pool, server.url), (error) => {
          assert.ok(error instanceof ConnectionClosed, `${answer}: ${error}`);
          assert.ok(error instanceof TypeError);
          return true;
        });
      }
      assert.equal(await (await post(pool, server.url)).text(), "whole");
      assert.equal(server.accepted, 4);
    },
  );
});

Deno.test("an abort while the server holds the answer rejects with the signal's reason and closes", async () => {
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.clientClosed();
    },
    async (server, pool) => {
      const controller = new AbortController();
      const reason = new Error("mine");
      const pending = post(pool, server.url, "{}", { signal: controller.signal });
      await until(() => server.requests.length === 1, 5, "the request to arrive");
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
      await clientClosed(server, 1);
      // A signal aborted beforehand rejects at once, without connecting.
      await assert.rejects(
        post(pool, server.url, "{}", { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
      );
      assert.equal(server.accepted, 1);
    },
  );
});

Deno.test("an abort (a timeout) while the server is still being connected to rejects with its reason at once", async () => {
  // A listener that never accepts, its accept queue full: further connection attempts get no answer,
  // as from a host that drops them.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/bot1:T/getMe`;
  const filling: Deno.Conn[] = [];
  for (;;) {
    const next = Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
    const made = await Promise.race([
      next,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 300)),
    ]);
    if (made === undefined) {
      next.then((conn) => conn.close(), () => {});
      break;
    }
    filling.push(made);
  }
  const pool = new ConnectionPool(1);
  try {
    const reason = new Error("gave up");
    const started = Date.now();
    await assert.rejects(
      post(pool, url, "{}", { signal: AbortSignal.timeout(300) }),
      (e) => e instanceof DOMException,
    );
    await assert.rejects(post(pool, url, "{}", { signal: abortAfter(300, reason) }), (e) => e === reason);
    assert.ok(Date.now() - started < 5_000, "neither waited for the connection attempt to give up");
  } finally {
    pool.close();
    for (const conn of filling) conn.close();
    listener.close();
  }
});

function abortAfter(ms: number, reason: Error): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), ms);
  return controller.signal;
}

Deno.test("a malformed answer head rejects with HttpProtocolError and its connection is dropped", async () => {
  const malformed = [
    "HTTP/1.1 2x0 Weird\r\ncontent-length: 0\r\n\r\n",
    "ICY 200 OK\r\ncontent-length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nno colon here\r\ncontent-length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\ncontent-length: 12abc\r\n\r\n",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
    // Quoted in the error only in part: a head may be 64 KiB of whatever the server sends.
    `HTTP/1.1 200 OK\r\ncontent-length: ${"1".repeat(30_000)}\r\n\r\n`,
    `HTTP/1.1 200 OK\r\ntransfer-encoding: ${"gzip, ".repeat(5_000)}\r\n\r\n`,
  ];
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.write(peer.index <= malformed.length ? malformed[peer.index - 1] : ok("fine"));
      await peer.clientClosed();
    },
    async (server, pool) => {
      for (const [i, head] of malformed.entries()) {
        await assert.rejects(
          post(pool, server.url),
          (e) => e instanceof HttpProtocolError && e.message.length < 200,
          JSON.stringify(head.slice(0, 80)),
        );
        await clientClosed(server, i + 1);
      }
      assert.equal(await (await post(pool, server.url)).text(), "fine");
    },
  );
});

/** The first request gets `answer` and must fail with HttpProtocolError; the pool then goes on. */
async function refusedThenFine(answer: string): Promise<void> {
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await peer.write(peer.index === 1 ? answer : ok("fine"));
      await peer.clientClosed();
    },
    async (server, pool) => {
      await assert.rejects(post(pool, server.url), HttpProtocolError);
      await clientClosed(server, 1);
      assert.equal(await (await post(pool, server.url)).text(), "fine");
    },
  );
}

Deno.test("a head beyond 64 KiB is refused even when it arrives in one piece", async () => {
  await refusedThenFine(`HTTP/1.1 200 OK\r\nx-big: ${"y".repeat(100_000)}\r\ncontent-length: 2\r\n\r\nok`);
});

Deno.test("a chunk line beyond 64 KiB is refused even when it arrives in one piece", async () => {
  await refusedThenFine(
    `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;${"x".repeat(100_000)}\r\nA\r\n0\r\n\r\n`,
  );
});

Deno.test("answers that may not carry a body (204, 205, 304) come back as fetch gives them", async () => {
  const answers = [
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\n\r\n",
  ];
  let next = 0;
  await withPool(answering(() => answers[next++]), async (server, pool) => {
    for (const status of [204, 205, 304]) {
      const response = await post(pool, server.url);
      assert.equal(response.status, status);
      assert.equal(response.body, null);
    }
    assert.equal(server.accepted, 1);
  });
});

Deno.test("a server the pool cannot connect to gets the request through fetch, and its next ones too", async () => {
  // A port nothing listens on, for now.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const url = `http://127.0.0.1:${port}/bot1:x/getMe`;
  const pool = new ConnectionPool();
  try {
    // fetch's own failure (a TypeError), not Deno.connect's ConnectionRefused: the pool stepped aside.
    await assert.rejects(
      post(pool, url),
      (error) => error instanceof TypeError && !(error instanceof HttpProtocolError),
    );
    const agents: (string | null)[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (request) => {
      await request.text();
      agents.push(request.headers.get("user-agent"));
      return new Response("{}");
    });
    try {
      assert.equal(await (await post(pool, url)).text(), "{}");
      assert.match(String(agents[0]), /^Deno\//, "the next request went through fetch too");
    } finally {
      await server.shutdown();
    }
  } finally {
    pool.close();
  }
});

Deno.test("a head whose lines end in a bare LF is read as fetch reads it, and the connection reused", async () => {
  const answers = [
    "HTTP/1.1 200 OK\ncontent-length: 2\nx-kind: bare\n\nok",
    "HTTP/1.1 200 OK\r\ncontent-length: 5\nx-kind: mixed\n\r\nmixed",
  ];
  let next = 0;
  await withPool(answering(() => answers[next++]), async (server, pool) => {
    for (const [kind, text] of [["bare", "ok"], ["mixed", "mixed"]]) {
      const response = await post(pool, server.url);
      assert.equal(response.headers.get("x-kind"), kind);
      assert.equal(await response.text(), text);
    }
    assert.equal(server.accepted, 1);
  });
});

Deno.test("a server's Keep-Alive timeout, less a second, bounds how long a connection is kept idle", async () => {
  const answers = [ok("a", "keep-alive: timeout=5"), ok("b", "keep-alive: timeout=1"), ok("c")];
  let next = 0;
  await withPool(answering(() => answers[next++]), async (server, pool) => {
    assert.equal(await (await post(pool, server.url)).text(), "a");
    assert.equal(await (await post(pool, server.url)).text(), "b", "kept: 4 s were left");
    assert.equal(server.accepted, 1);
    await clientClosed(server, 1);
    assert.equal(await (await post(pool, server.url)).text(), "c", "not kept: no time was left");
    assert.equal(server.accepted, 2);
  });
});

Deno.test("an idle connection whose close came in the same turn as the next request is found stale before a byte is written", async () => {
  // Over a real socket the order cannot be forced (the close's read and the request's continuation
  // settling in one batch), so a socket whose read the test settles stands in for one here.
  let settleRead!: (n: number | null) => void;
  const written: Uint8Array[] = [];
  const socket: ByteSocket = {
    read: () => new Promise((resolve) => settleRead = resolve),
    write: (bytes) => {
      written.push(bytes);
      return Promise.resolve(bytes.byteLength);
    },
    close() {},
    ref() {},
    unref() {},
  };
  let closes = 0;
  const connection = new Http1Connection(socket, () => closes++);
  connection.park();
  // The server's close, and at once, before the parked read's callback has run, the next request.
  settleRead(null);
  await assert.rejects(
    connection.exchange(encoder.encode("POST / HTTP/1.1\r\n\r\n"), "POST"),
    StaleConnection,
  );
  assert.equal(written.length, 0, "nothing was written, so the request may go over another connection");
  assert.equal(closes, 1);
});

Deno.test("the request line, Host, headers and body arrive intact", async () => {
  await withPool(answering(() => ok("{}")), async (server, pool) => {
    const text = "{\"text\":\"héllo ✓ 🙂\"}";
    const path = "/bot123:abc/sendMessage?chat_id=5&q=%C3%A9";
    const headers = { "Content-Type": "application/json", "X-Trace": "t-1" };
    await (await within(pool.fetch(server.url + path, { method: "POST", headers, body: text }))).text();
    const [request] = server.requests;
    assert.equal(request.line, `POST ${path} HTTP/1.1`);
    assert.equal(request.headers.host, `127.0.0.1:${server.port}`);
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["x-trace"], "t-1");
    assert.equal(request.headers["content-length"], String(encoder.encode(text).byteLength));
    assert.notEqual(request.headers["content-length"], String(text.length));
    assert.equal(decoder.decode(request.body), text);

    const bytes = new Uint8Array([0, 1, 2, 13, 10, 255]);
    await (await within(pool.fetch(`${server.url}/bytes`, { method: "POST", body: bytes }))).text();
    assert.deepEqual(server.requests[1].body, bytes);
    assert.equal(server.requests[1].headers["content-length"], "6");

    // A line break in a header would smuggle fields of its own: refused before anything is sent.
    await assert.rejects(post(pool, server.url, "{}", { headers: { "x-a": "b\r\nx-evil: 1" } }), TypeError);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("requests the pool does not serve go to the global fetch", async () => {
  // Deno's fetch sends a `user-agent: Deno/…` field, the pool sends none: that tells them apart.
  await withPool(answering((request) => ok(`echo:${decoder.decode(request.body)}`)), async (server, pool) => {
    const url = `${server.url}/x`;
    const viaFetch = (request: RawRequest | undefined) => request?.headers["user-agent"]?.startsWith("Deno/");

    assert.equal(await (await post(pool, url, "pooled")).text(), "echo:pooled");
    assert.equal(server.requests.at(-1)?.headers["user-agent"], undefined);

    const fallbacks: [string, () => Promise<Response>, string][] = [
      ["GET without init", () => pool.fetch(url), "echo:"],
      ["GET", () => pool.fetch(url, { method: "GET" }), "echo:"],
      ["Request object", () => pool.fetch(new Request(url, { method: "POST", body: "req" })), "echo:req"],
      ["URL object", () => pool.fetch(new URL(url), { method: "POST", body: "u" }), "echo:u"],
      ["Headers instance", () => post(pool, url, "h", { headers: new Headers({ "x-a": "1" }) }), "echo:h"],
      ["Blob body", () => pool.fetch(url, { method: "POST", body: new Blob(["blob"]) }), "echo:blob"],
      [
        "ReadableStream body",
        () =>
          pool.fetch(url, {
            method: "POST",
            body: ReadableStream.from([encoder.encode("str"), encoder.encode("eam")]),
            duplex: "half",
          } as RequestInit),
        "echo:stream",
      ],
    ];
    for (const [what, send, expected] of fallbacks) {
      const before = server.requests.length;
      assert.equal(await (await within(send())).text(), expected, what);
      assert.equal(server.requests.length, before + 1, what);
      assert.ok(viaFetch(server.requests.at(-1)), `${what} went over the pool`);
    }
  });
});

Deno.test("close() closes idle connections at once; later requests go to the global fetch", async () => {
  await withPool(answering(() => ok("fine")), async (server, pool) => {
    assert.equal(await (await post(pool, server.url)).text(), "fine");
    pool.close();
    await clientClosed(server, 1);
    assert.equal(await (await post(pool, server.url)).text(), "fine");
    assert.ok(server.requests[1].headers["user-agent"]?.startsWith("Deno/"));
  });
});

Deno.test("close() during a request lets it finish, then closes its connection", async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => answer = resolve);
  await withPool(
    async (peer) => {
      if ((await peer.request()) === null) return;
      await answered;
      await peer.write(ok("late but whole"));
      await peer.clientClosed();
    },
    async (server, pool) => {
      const pending = post(pool, server.url);
      await until(() => server.requests.length === 1, 5, "the request to arrive");
      pool.close();
      answer();
      assert.equal(await (await pending).text(), "late but whole");
      await clientClosed(server, 1);
    },
  );
});

Deno.test("over the connection limit requests wait their turn; an abort while waiting rejects at once", async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  await withPool(
    async (peer) => {
      for (let request = await peer.request(); request !== null; request = await peer.request()) {
        await gate;
        await peer.write(ok(`answer ${decoder.decode(request.body)}`));
      }
    },
    async (server, pool) => {
      const first = post(pool, server.url, "1");
      const second = post(pool, server.url, "2");
      const controller = new AbortController();
      const reason = new Error("mine");
      const third = post(pool, server.url, "3", { signal: controller.signal });
      // Awaited below; marked handled so that an early failure here reports itself, not them.
      for (const pending of [first, second, third]) pending.catch(() => {});
      await until(() => server.requests.length >= 1, 5, "the first request to arrive");
      controller.abort(reason);
      // The first still holds the only connection: the waiting third must not wait for it.
      await assert.rejects(within(third, 2), (error) => error === reason);
      open();
      assert.equal(await (await first).text(), "answer 1");
      assert.equal(await (await second).text(), "answer 2");
      assert.equal(server.accepted, 1);
      assert.deepEqual(server.requests.map((r) => decoder.decode(r.body)), ["1", "2"]);
    },
    1,
  );
});

// Default sanitizers: a socket or a parked read left behind by the pool fails this test.
Deno.test("a closed pool leaves no socket or pending read behind", async () => {
  await withPool(answering(() => ok("fine")), async (server, pool) => {
    const answers = await Promise.all([1, 2, 3].map(() => post(pool, server.url)));
    for (const answer of answers) assert.equal(await answer.text(), "fine");
    assert.equal(await (await post(pool, server.url)).text(), "fine");
    assert.equal(server.accepted, 3);
    pool.close();
    // Before the server closes its side (which would end the parked reads anyway).
    for (const index of [1, 2, 3]) await clientClosed(server, index);
  });
});

const TOKEN = "987654:SECRET-token_xyz";

/** Every place the token could leak from an error: message, stack, JSON, and the cause chain. */
function assertTokenFree(error: unknown, token: string): void {
  const views: string[] = [String(error), JSON.stringify(error), Deno.inspect(error, { depth: 20 })];
  for (let current = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    views.push(current.message, current.stack ?? "");
    current = current.cause;
  }
  for (const view of views) assert.ok(!view.includes(token), `token leaked in: ${view}`);
}

Deno.test("Api.keepConnections sends calls over the pool until the last lease is released", async () => {
  const server = new RawServer(answering(() => ok("{\"ok\":true,\"result\":1}")));
  try {
    const api = new Api(TOKEN, { apiRoot: server.url });
    const pooled = () => server.requests.at(-1)?.headers["user-agent"] === undefined;
    assert.equal(await api.call("getMe"), 1);
    assert.ok(!pooled(), "a call without a lease went over a pool");
    const first = api.keepConnections();
    const second = api.keepConnections();
    await api.call("getMe");
    assert.ok(pooled());
    const poolConnection = server.requests.at(-1)!.connection;
    first();
    first(); // A second call of the same release changes nothing.
    await api.call("getMe");
    assert.ok(pooled(), "released before the last lease");
    assert.equal(server.requests.at(-1)!.connection, poolConnection);
    second();
    await clientClosed(server, poolConnection);
    await api.call("getMe");
    assert.ok(!pooled(), "still pooled after the last release");
  } finally {
    await server.close();
  }
});

Deno.test("Api with keepConnections against the emulator: calls, timeout, abort, token-free errors", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "pool_bot" });
  const user = emu.createUser({ first_name: "Alice" });
  // A default timeout turns a hung call into a failure (an abort's reason still wins over it).
  const api = new Api(token, { apiRoot: emu.apiRoot, timeout: 10 });
  const release = api.keepConnections();
  try {
    assert.equal((await api.sendMessage(user.id, "héllo ✓")).text, "héllo ✓");
    assert.equal((await emu.nextBotMessage(user.id, { timeout: 2 })).text, "héllo ✓");

    emu.injectFault({ method: "sendMessage", latency: 30 });
    const timedOut = await api.sendMessage(user.id, "late", undefined, { timeout: 0.2 }).then(
      () => assert.fail("answered"),
      (error) => error,
    );
    assert.ok(timedOut instanceof RequestTimeout, String(timedOut));
    assert.equal(timedOut.seconds, 0.2);
    assertTokenFree(timedOut, token);

    emu.injectFault({ method: "sendMessage", latency: 30 });
    const controller = new AbortController();
    const reason = new Error("mine");
    const pending = api.sendMessage(user.id, "aborted", undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await assert.rejects(pending, (error) => error === reason);

    emu.injectFault({ method: "sendMessage", drop: true });
    const dropped = await api.sendMessage(user.id, "dropped").then(() => assert.fail("answered"), (e) => e);
    assert.ok(dropped instanceof NetworkError, String(dropped));
    assertTokenFree(dropped, token);

    assert.equal((await api.sendMessage(user.id, "after")).text, "after");
  } finally {
    release();
  }
});

Deno.test("keepConnections does not bypass a fetch given in the options", async () => {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "counted_bot" });
  const user = emu.createUser({ first_name: "Bob" });
  let calls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const api = new Api(token, { apiRoot: emu.apiRoot, fetch: countingFetch });
  const release = api.keepConnections();
  try {
    for (const text of ["a", "b", "c"]) assert.equal((await api.sendMessage(user.id, text)).text, text);
    assert.equal(calls, 3);
  } finally {
    release();
  }
});

Deno.test("with HTTP_PROXY set, keepConnections steps aside so the call goes through the proxy", async () => {
  // The target must never be reached directly; the proxy answers in its place.
  const target = new RawServer(answering(() => ok("{\"ok\":true,\"result\":\"direct\"}")));
  const proxy = new RawServer(answering(() => ok("{\"ok\":true,\"result\":true}", "connection: close")));
  try {
    const script = `
      import { Api } from ${JSON.stringify(new URL("../api/mod.ts", import.meta.url).href)};
      const api = new Api("123:abc", { apiRoot: ${JSON.stringify(target.url)} });
      const release = api.keepConnections();
      try {
        console.log(JSON.stringify(await api.call("sendMessage", { chat_id: 1, text: "hi" })));
      } finally {
        release();
      }
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "-"],
      cwd: new URL("..", import.meta.url).pathname,
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(encoder.encode(script));
    await writer.close();
    const { success, stdout, stderr } = await child.output();
    assert.ok(success, decoder.decode(stderr));
    assert.equal(decoder.decode(stdout).trim(), "true");
    assert.equal(proxy.requests[0]?.line, `POST ${target.url}/bot123:abc/sendMessage HTTP/1.1`);
    assert.equal(target.accepted, 0);
  } finally {
    await proxy.close();
    await target.close();
  }
});
