/**
 * A fetch for the Bot API's hot path: JSON `POST`s over a pool of keep-alive HTTP/1.1 connections
 * made with `Deno.connect` / `Deno.connectTls`. Deno's own `fetch` spends about twice the CPU per
 * small request (`bench/transport_bench.ts`, 100 `Api` calls at a time: 49 µs against 25 µs), which for
 * a bot answering each update is most of its work. Every other request (a stream or form body, a
 * `GET`, a `Request` object) goes to the global `fetch` unchanged.
 *
 * The pool lives as long as its owner wants it: `close()` closes its connections (a busy one once its
 * request ends), so nothing is left open or pending once a message loop ends (Deno's test sanitizers
 * see no leak).
 *
 * @module
 */
import { envReadable, readEnv } from "./env.ts";
import { type ByteSocket, type Exchange, Http1Connection, StaleConnection } from "./http1_connection.ts";
import { requestBytes } from "./http1_wire.ts";
import { tracing } from "./telemetry.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Longest a connection is kept idle, unless the server announces less (`Keep-Alive: timeout=N`): long
 * enough that a bot answering now and then does not pay a TLS handshake per message, and a server's
 * earlier close is seen by the idle connection's pending read anyway.
 */
const MAX_IDLE_MS = 60_000;
/** Connections open to one server at once, unless the pool is told otherwise. */
const MAX_CONNECTIONS_PER_ORIGIN = 128;
/** How long a server that refused a new connection is left to `fetch`. */
const FETCH_AFTER_CONNECT_FAILURE_MS = 60_000;
/** Statuses a Response may not have a body with, even an empty one (204 and 304 are read with none). */
const NULL_BODY_STATUS = new Set([204, 205, 304]);
/** Parsed request URLs kept (a bot calls a few dozen methods at most). */
const URL_CACHE_SIZE = 256;

interface DenoNet {
  connect(
    options: { hostname: string; port: number },
  ): Promise<ByteSocket & { setNoDelay?(on: boolean): void }>;
  connectTls(options: { hostname: string; port: number }): Promise<ByteSocket>;
}

function denoNet(): DenoNet | undefined {
  const deno = (globalThis as { Deno?: Partial<DenoNet> }).Deno;
  return typeof deno?.connect === "function" && typeof deno.connectTls === "function"
    ? deno as DenoNet
    : undefined;
}

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/**
 * Whether requests might have to go through a proxy that Deno's `fetch` would honour: a proxy variable
 * is set, or the process may not read them (then it cannot be ruled out).
 */
function proxyPossible(): boolean {
  return PROXY_VARIABLES.some((variable) => !envReadable(variable) || (readEnv(variable) ?? "") !== "");
}

/**
 * Whether a {@link ConnectionPool} can serve here: Deno (with `Deno.connect`), no proxy that `fetch`
 * would use, and no OpenTelemetry export (whose `fetch` spans the pool would not make).
 */
export function poolUsable(): boolean {
  return denoNet() !== undefined && !tracing() && !proxyPossible();
}

/** The string headers of a plain header object, or undefined for any other shape. */
function plainFields(headers: HeadersInit | undefined): [string, string][] | undefined {
  if (headers === undefined) return [];
  if (headers instanceof Headers || Array.isArray(headers)) return undefined;
  const fields: [string, string][] = [];
  for (const name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value !== "string") return undefined;
    fields.push([name.toLowerCase(), value]);
  }
  return fields;
}

/** One server's connections: the idle ones, how many are open in all, and the requests waiting for one. */
interface Origin {
  readonly idle: Http1Connection[];
  open: number;
  readonly waiting: (() => void)[];
  /** Until when new requests go to `fetch`, after a connection could not be made (ms since epoch). */
  fetchUntil: number;
}

// Answers the pool read off the wire itself, whole and within its `maxAnswerBytes`.
const readWhole = new WeakSet<Response>();

/**
 * Whether `response` is an answer a {@link ConnectionPool} read whole off the wire (within its
 * `maxAnswerBytes`), not one the global `fetch` it falls back to gave: its length needs no more checks,
 * and reading its headers (which Deno copies whole at the first read) can be spared.
 */
export function pooledAnswer(response: Response): boolean {
  return readWhole.has(response);
}

/** A pool of keep-alive HTTP/1.1 connections with a fetch-compatible `fetch` (see the module). */
export class ConnectionPool {
  readonly #origins = new Map<string, Origin>();
  readonly #urls = new Map<string, URL>();
  readonly #net: DenoNet;
  readonly #maxConnections: number;
  readonly #maxAnswerBytes: number;
  #closed = false;

  /**
   * @param maxConnections the most connections open to one server at once; further requests wait for
   *   one of them (a burst of calls is not a burst of TLS handshakes).
   * @param maxAnswerBytes the longest answer body read; a longer one fails the request with
   *   `BodyTooLarge` (a TypeError) and closes its connection.
   * @throws {TypeError} where `Deno.connect` is missing (check {@link poolUsable} first).
   */
  constructor(maxConnections = MAX_CONNECTIONS_PER_ORIGIN, maxAnswerBytes = Infinity) {
    const net = denoNet();
    if (net === undefined) throw new TypeError("a connection pool needs Deno.connect");
    this.#net = net;
    this.#maxConnections = maxConnections;
    this.#maxAnswerBytes = maxAnswerBytes;
  }

  /**
   * A fetch: a `POST` of a string or byte body to an http(s) URL given as a string, with plain string
   * headers, goes over the pool; anything else, or anything after `close()`, to the global `fetch`.
   * The answer is read whole before the returned promise settles.
   */
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    const fields = typeof input === "string" && init?.method === "POST"
      ? plainFields(init.headers)
      : undefined;
    if (this.#closed || fields === undefined || !(typeof body === "string" || body instanceof Uint8Array)) {
      return fetch(input, init);
    }
    const url = this.#url(input as string);
    if (url === undefined) return fetch(input, init);
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    return this.#post(url, fields, bytes, init!);
  };

  /**
   * Closes the idle connections at once and the busy ones as their requests end (a call a handler
   * made just before a loop stopped still gets its answer); later requests go to the global `fetch`.
   */
  close(): void {
    this.#closed = true;
    for (const origin of this.#origins.values()) {
      for (const connection of origin.idle.splice(0)) connection.close();
      for (const wake of origin.waiting.splice(0)) wake();
    }
  }

  #url(text: string): URL | undefined {
    let url = this.#urls.get(text);
    if (url !== undefined) return url;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    if (
      (url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "" || url.password !== ""
    ) {
      return undefined;
    }
    if (this.#urls.size >= URL_CACHE_SIZE) this.#urls.clear();
    this.#urls.set(text, url);
    return url;
  }

  async #post(url: URL, fields: [string, string][], body: Uint8Array, init: RequestInit): Promise<Response> {
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const request = requestBytes("POST", url, fields, body);
    const origin = this.#origin(url.origin);
    let connection: Http1Connection | undefined;
    let exchange: Exchange | undefined;
    while (exchange === undefined) {
      connection = await this.#acquire(url, origin, signal);
      // The pool closed, or cannot reach the server: fetch takes the request as it was given.
      if (connection === undefined) return await fetch(url.href, init);
      try {
        exchange = await connection.exchange(request, "POST", signal, this.#maxAnswerBytes);
      } catch (error) {
        // Nothing was written on a connection the server had closed: another one takes the request.
        if (!(error instanceof StaleConnection)) throw error;
      }
    }
    const { head, body: answer } = exchange;
    this.#release(origin, connection!, head.idleTimeoutMs);
    try {
      // A string body makes a cheaper Response than bytes; JSON is UTF-8, so nothing is lost.
      const body = NULL_BODY_STATUS.has(head.status)
        ? null
        : head.json && answer !== null
        ? decoder.decode(answer)
        : answer;
      const response = new Response(body, { status: head.status, statusText: head.statusText });
      // Appended rather than given to the constructor, which also prepares them for Deno.serve to send
      // (about 2 µs of a call's 20). A string body came with a default content-type.
      const headers = response.headers;
      if (typeof body === "string") headers.delete("content-type");
      for (const [name, value] of head.headers) headers.append(name, value);
      readWhole.add(response);
      return response;
    } catch (error) {
      throw new TypeError(`unusable HTTP answer (status ${head.status})`, { cause: error });
    }
  }

  #origin(key: string): Origin {
    let origin = this.#origins.get(key);
    if (origin === undefined) {
      this.#origins.set(key, origin = { idle: [], open: 0, waiting: [], fetchUntil: 0 });
    }
    return origin;
  }

  /**
   * An idle connection, a new one, or one freed while waiting; `undefined` once the pool is closed or
   * while the server is left to `fetch`.
   */
  async #acquire(
    url: URL,
    origin: Origin,
    signal: AbortSignal | undefined,
  ): Promise<Http1Connection | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      const now = Date.now();
      for (let connection = origin.idle.pop(); connection !== undefined; connection = origin.idle.pop()) {
        if (!connection.closed && connection.idleUntil > now) return connection;
        connection.close();
      }
      if (origin.fetchUntil > now) return undefined;
      if (origin.open < this.#maxConnections) return await this.#connect(url, origin, signal);
      await this.#waitForConnection(origin, signal);
    }
  }

  /**
   * A new connection, or `undefined` when none could be made: `Deno.connect` tries one address where
   * `fetch` tries each (IPv6 and IPv4), and a proxy or resolver may serve `fetch` only, so the request
   * and the server's next ones for a while go to `fetch`, which succeeds or fails as it always would.
   */
  async #connect(
    url: URL,
    origin: Origin,
    signal: AbortSignal | undefined,
  ): Promise<Http1Connection | undefined> {
    origin.open++;
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const tls = url.protocol === "https:";
    const port = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
    let socket: ByteSocket;
    try {
      socket = await untilAborted(
        tls ? this.#net.connectTls({ hostname, port }) : this.#net.connect({ hostname, port }),
        signal,
      );
    } catch (error) {
      if (signal?.aborted) {
        // The request ended (its timeout, its caller) while the server was still being reached.
        this.#closedOne(origin);
        throw error;
      }
      origin.fetchUntil = Date.now() + FETCH_AFTER_CONNECT_FAILURE_MS;
      // Every waiting request goes to fetch now, not just the one this connection's place would wake.
      origin.open--;
      for (const wake of origin.waiting.splice(0)) wake();
      return undefined;
    }
    (socket as { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
    return new Http1Connection(socket, (closed) => {
      const at = origin.idle.indexOf(closed);
      if (at >= 0) origin.idle.splice(at, 1);
      this.#closedOne(origin);
    });
  }

  #closedOne(origin: Origin): void {
    origin.open--;
    origin.waiting.shift()?.();
  }

  /** Waits until a connection of `origin` is idle or closed (or the pool closes), or `signal` aborts. */
  #waitForConnection(origin: Origin, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      };
      const abort = () => {
        const at = origin.waiting.indexOf(wake);
        if (at >= 0) origin.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      origin.waiting.push(wake);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }

  #release(origin: Origin, connection: Http1Connection, serverIdleMs: number | undefined): void {
    if (connection.closed) return;
    // A server's own idle limit, less a second, so that it is not reached in the middle of a request.
    const idleMs = serverIdleMs === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, serverIdleMs - 1000);
    if (this.#closed || idleMs <= 0) {
      connection.close();
      return;
    }
    connection.idleUntil = Date.now() + idleMs;
    connection.park();
    if (connection.closed) return;
    origin.idle.push(connection);
    origin.waiting.shift()?.();
  }
}

/**
 * `connecting`, or a rejection with `signal`'s reason as soon as it aborts (a server that drops
 * connection attempts would otherwise hold the request past its timeout); a socket that arrives after
 * that is closed.
 */
function untilAborted(connecting: Promise<ByteSocket>, signal: AbortSignal | undefined): Promise<ByteSocket> {
  if (signal === undefined) return connecting;
  return new Promise((resolve, reject) => {
    const abandon = () => {
      reject(signal.reason);
      connecting.then((socket) => socket.close(), () => {});
    };
    if (signal.aborted) return abandon();
    signal.addEventListener("abort", abandon, { once: true });
    connecting.then((socket) => {
      signal.removeEventListener("abort", abandon);
      resolve(socket);
    }, (error) => {
      signal.removeEventListener("abort", abandon);
      reject(error);
    });
  });
}
