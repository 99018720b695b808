/**
 * One keep-alive HTTP/1.1 connection of the pooled transport: one request at a time, the answer read
 * by its framing, and while idle a read left waiting so that a server closing the connection is seen
 * at once (and the connection dropped) instead of when the next request is written into it.
 *
 * @module
 */
import {
  type BodyFraming,
  headEnd,
  HttpProtocolError,
  MAX_HEAD_BYTES,
  parseResponseHead,
  type ResponseHead,
} from "./http1_wire.ts";

/** The part of `Deno.Conn` used here. */
export interface ByteSocket {
  /** Reads into `into`; `null` at the end of the stream. */
  read(into: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`; how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the socket; a pending read then rejects. */
  close(): void;
  /** Lets the socket keep the process alive again. */
  ref(): void;
  /** Keeps the socket from holding the process alive while it waits. */
  unref(): void;
}

/** An answer read off the wire: its head and its whole body. */
export interface Exchange {
  /** The final (non-1xx) head. */
  readonly head: ResponseHead;
  /** The body, `null` when the response has none. */
  readonly body: Uint8Array<ArrayBuffer> | null;
}

const INITIAL_BUFFER = 16 * 1024;
// The most of a declared body length set aside before its bytes arrive.
const TRUSTED_LENGTH = 1024 * 1024;
const latin1 = new TextDecoder("latin1");

/** Raised when the server closed the connection before its answer was complete. */
export class ConnectionClosed extends TypeError {
  /** @param during what was being read. */
  constructor(during: string) {
    super(`connection closed by the server ${during}`);
    this.name = "ConnectionClosed";
  }
}

/** Raised when an answer's body is longer than the exchange allows; the connection is closed. */
export class BodyTooLarge extends TypeError {
  /** The answer's status. */
  readonly status: number;
  /** The answer's reason phrase. */
  readonly statusText: string;
  /**
   * The answer's header fields, in order, names lower-cased: the client reports them as `fetch`'s
   * answer would have been reported (the body is what was refused, not the head).
   */
  readonly headers: readonly [string, string][];
  /** The most bytes the body could have. */
  readonly limit: number;
  /**
   * @param head the answer's status line and header fields.
   * @param limit the most bytes the body could have.
   */
  constructor(head: Pick<ResponseHead, "status" | "statusText" | "headers">, limit: number) {
    super(`answer body over ${limit} bytes (HTTP ${head.status})`);
    this.name = "BodyTooLarge";
    this.status = head.status;
    this.statusText = head.statusText;
    this.headers = head.headers;
    this.limit = limit;
  }
}

/**
 * Raised, before anything is written, when an idle connection turns out to have been closed by the
 * server already: the request can go over another connection as if this one had never been taken.
 */
export class StaleConnection extends TypeError {
  constructor() {
    super("the server closed the idle connection");
    this.name = "StaleConnection";
  }
}

const NOT_YET = Symbol("not yet");
const notYet = Promise.resolve(NOT_YET);

/** Whether `promise` has settled already (its settlement may not have been seen by its callbacks yet). */
async function settledAlready(promise: Promise<unknown>): Promise<boolean> {
  try {
    // An already settled promise wins the race against an already resolved one listed after it.
    return (await Promise.race([promise, notYet])) !== NOT_YET;
  } catch {
    return true;
  }
}

/** A keep-alive HTTP/1.1 connection (see the module). */
export class Http1Connection {
  readonly #socket: ByteSocket;
  readonly #closedBy: (connection: Http1Connection) => void;
  #buffer = new Uint8Array(INITIAL_BUFFER);
  #start = 0;
  #end = 0;
  #pendingRead: Promise<number | null> | undefined;
  #parked = false;
  #closed = false;
  /** When the connection, idle, is no longer used (the server may have closed it by then). */
  idleUntil = 0;

  /**
   * @param socket the connected socket.
   * @param closed told once when the connection closes, for whatever reason (the pool forgets it).
   */
  constructor(socket: ByteSocket, closed: (connection: Http1Connection) => void) {
    this.#socket = socket;
    this.#closedBy = closed;
  }

  /** Whether the connection is closed (by either side). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the connection; a request in progress fails. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed by a failed read or write.
    }
    this.#closedBy(this);
  }

  /**
   * Sends `request` (whole bytes) and reads the answer to its end. The connection is reusable after
   * if the answer keeps it alive; otherwise it is closed here.
   *
   * @throws {StaleConnection} when the idle connection was closed by the server before anything was
   *   written; the signal's reason when `signal` aborts (the connection is closed), {@link ConnectionClosed}
   *   or a TypeError caused by the socket's error when the connection fails, {@link HttpProtocolError} on
   *   a malformed answer, {@link BodyTooLarge} when the body is longer than `maxBody` bytes (it is not
   *   read past that).
   */
  async exchange(
    request: Uint8Array,
    method: string,
    signal?: AbortSignal,
    maxBody = Infinity,
  ): Promise<Exchange> {
    if (this.#parked) {
      this.#unpark();
      // The server's close may have come in the same turn as whatever led to this request, before the
      // parked read's callback had a chance to drop the connection.
      if (await settledAlready(this.#pendingRead!)) {
        this.close();
        throw new StaleConnection();
      }
    }
    const abort = () => this.close();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      // An abort between taking the connection and here fired no event.
      signal?.throwIfAborted();
      for (let written = 0; written < request.byteLength;) {
        written += await this.#socket.write(request.subarray(written));
      }
      let head = await this.#readHead(method);
      // Informational answers (100 Continue, 103 Early Hints) precede the real one.
      while (head.status < 200) {
        if (head.status === 101) throw new HttpProtocolError("101 Switching Protocols to a plain request");
        head = await this.#readHead(method);
      }
      const body = await this.#readBody(head.framing, new BodyLimit(head, maxBody));
      if (!head.keepAlive) this.close();
      return { head, body };
    } catch (error) {
      this.close();
      if (signal?.aborted) throw signal.reason;
      // As fetch does: a failed request is a TypeError, whatever the socket said (kept as the cause).
      throw error instanceof TypeError
        ? error
        : new TypeError(`connection failed: ${String(error)}`, { cause: error });
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /**
   * Leaves the idle connection waiting for the server: bytes or the end of the stream while parked
   * mean the connection is of no more use, and it is closed.
   */
  park(): void {
    if (this.#closed) return;
    if (this.#start !== this.#end) {
      // Bytes beyond the answer: the server is out of step with us.
      this.close();
      return;
    }
    this.#start = this.#end = 0;
    this.#parked = true;
    const read = this.#socket.read(this.#buffer);
    this.#pendingRead = read;
    this.#socket.unref();
    const woke = () => {
      if (!this.#parked) return;
      this.#parked = false;
      this.#pendingRead = undefined;
      this.close();
    };
    read.then(woke, woke);
  }

  #unpark(): void {
    this.#parked = false;
    this.#socket.ref();
  }

  /** Reads more bytes into the buffer (growing it when full); false at the end of the stream. */
  async #fill(): Promise<boolean> {
    let read = this.#pendingRead;
    this.#pendingRead = undefined;
    if (read === undefined) {
      if (this.#end === this.#buffer.byteLength) this.#makeRoom();
      read = this.#socket.read(this.#buffer.subarray(this.#end));
    }
    const n = await read;
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  #makeRoom(): void {
    const unread = this.#end - this.#start;
    if (this.#start > 0 && unread < this.#buffer.byteLength / 2) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
    } else {
      const larger = new Uint8Array(this.#buffer.byteLength * 2);
      larger.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = larger;
    }
    this.#start = 0;
    this.#end = unread;
  }

  async #readHead(method: string): Promise<ResponseHead> {
    // Bytes after #start already known to hold no blank line (the buffer may move as it fills).
    let scanned = 0;
    for (;;) {
      const found = headEnd(this.#buffer, this.#start + scanned, this.#end);
      // One read may bring more than the limit at once: the limit holds for a head found in it too.
      if ((found?.end ?? this.#end) - this.#start > MAX_HEAD_BYTES) {
        throw new HttpProtocolError("head too large");
      }
      if (found !== undefined) {
        const head = parseResponseHead(this.#buffer, this.#start, found.end, method);
        this.#start = found.body;
        return head;
      }
      scanned = Math.max(0, this.#end - this.#start - 3);
      if (!(await this.#fill())) throw new ConnectionClosed("before the answer's head");
    }
  }

  async #readBody(framing: BodyFraming, limit: BodyLimit): Promise<Uint8Array<ArrayBuffer> | null> {
    switch (framing.kind) {
      case "none":
        return null;
      case "length":
        limit.count(framing.length);
        return await this.#readExactly(framing.length);
      case "chunked":
        return await this.#readChunked(limit);
      case "close":
        return await this.#readToEnd(limit);
    }
  }

  /**
   * The next `length` bytes, copied out of the buffer (or read straight into their own array, which
   * grows as they come past 1 MiB: a declared length is the server's word, not memory to set aside up
   * front, but nearly every answer fits in one array made at once).
   */
  async #readExactly(length: number): Promise<Uint8Array<ArrayBuffer>> {
    const buffered = this.#end - this.#start;
    if (buffered >= length) {
      const bytes = this.#buffer.slice(this.#start, this.#start + length);
      this.#start += length;
      return bytes;
    }
    let bytes = new Uint8Array(Math.min(length, Math.max(2 * buffered, TRUSTED_LENGTH)));
    bytes.set(this.#buffer.subarray(this.#start, this.#end));
    this.#start = this.#end = 0;
    for (let got = buffered; got < length;) {
      if (got === bytes.byteLength) bytes = grown(bytes, got, Math.min(length, 2 * got));
      const n = await this.#socket.read(bytes.subarray(got));
      if (n === null) throw new ConnectionClosed("in the middle of the answer's body");
      got += n;
    }
    return bytes;
  }

  async #readLine(): Promise<string> {
    for (;;) {
      const at = this.#buffer.subarray(this.#start, this.#end).indexOf(10);
      // One read may bring more than the limit at once: the limit holds for a line found in it too.
      if ((at >= 0 ? at : this.#end - this.#start) > MAX_HEAD_BYTES) {
        throw new HttpProtocolError("chunk line too long");
      }
      if (at >= 0) {
        const line = latin1.decode(this.#buffer.subarray(this.#start, this.#start + at));
        this.#start += at + 1;
        return line.endsWith("\r") ? line.slice(0, -1) : line;
      }
      if (!(await this.#fill())) throw new ConnectionClosed("in the middle of a chunked body");
    }
  }

  /**
   * A chunked body, its chunks copied into one array that doubles as they come: memory follows the
   * bytes counted against `limit`, however small the chunks (an array per chunk would cost a hundred
   * bytes and more for a one-byte chunk).
   */
  async #readChunked(limit: BodyLimit): Promise<Uint8Array<ArrayBuffer>> {
    let body = new Uint8Array(INITIAL_BUFFER);
    let total = 0;
    for (;;) {
      const sizeLine = await this.#readLine();
      const size = /^[0-9a-fA-F]{1,12}(?:;.*)?$/.test(sizeLine) ? parseInt(sizeLine, 16) : NaN;
      if (Number.isNaN(size)) {
        throw new HttpProtocolError(`chunk size ${JSON.stringify(sizeLine.slice(0, 40))}`);
      }
      if (size === 0) break;
      limit.count(size);
      for (let left = size; left > 0;) {
        if (this.#start === this.#end && !(await this.#fill())) {
          throw new ConnectionClosed("in the middle of a chunked body");
        }
        const n = Math.min(left, this.#end - this.#start);
        if (total + n > body.byteLength) body = grown(body, total, Math.max(2 * body.byteLength, total + n));
        body.set(this.#buffer.subarray(this.#start, this.#start + n), total);
        this.#start += n;
        total += n;
        left -= n;
      }
      if ((await this.#readLine()) !== "") throw new HttpProtocolError("chunk without its line end");
    }
    // Trailer fields, if any, end at an empty line; no more of them than a head may hold.
    let trailers = 0;
    for (let line = await this.#readLine(); line !== ""; line = await this.#readLine()) {
      trailers += line.length + 2;
      if (trailers > MAX_HEAD_BYTES) throw new HttpProtocolError("trailer fields too long");
    }
    return body.subarray(0, total);
  }

  /**
   * A body that ends with the connection, read straight into one array that doubles when full: memory
   * follows the bytes counted against `limit`, however few each read brings.
   */
  async #readToEnd(limit: BodyLimit): Promise<Uint8Array<ArrayBuffer>> {
    let total = this.#end - this.#start;
    limit.count(total);
    let body = grown(this.#buffer.subarray(this.#start, this.#end), total, INITIAL_BUFFER);
    this.#start = this.#end = 0;
    for (;;) {
      if (total === body.byteLength) body = grown(body, total, 2 * total);
      const n = await this.#socket.read(body.subarray(total));
      if (n === null) return body.subarray(0, total);
      limit.count(n);
      total += n;
    }
  }
}

/** A new array of at least `size` bytes (more, when `used` needs it) holding `bytes`' first `used`. */
function grown(bytes: Uint8Array, used: number, size: number): Uint8Array<ArrayBuffer> {
  const larger = new Uint8Array(Math.max(size, used));
  larger.set(bytes.subarray(0, used));
  return larger;
}

// Counts the bytes of a body as they are announced or read, refusing them past the limit.
class BodyLimit {
  readonly #head: ResponseHead;
  #left: number;
  readonly #limit: number;

  constructor(head: ResponseHead, limit: number) {
    this.#head = head;
    this.#left = this.#limit = limit;
  }

  count(bytes: number): void {
    this.#left -= bytes;
    if (this.#left < 0) throw new BodyTooLarge(this.#head, this.#limit);
  }
}
