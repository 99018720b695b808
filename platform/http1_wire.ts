/**
 * HTTP/1.1 on the wire, for the pooled transport: a request's head as bytes, and a response's head
 * read from bytes (status, headers, how its body is framed, whether the connection stays open).
 *
 * @module
 */

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** The most a response head may take; more is a broken or hostile server. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** How a response's body is delimited. */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  | { readonly kind: "close" };

/** A parsed response head. */
export interface ResponseHead {
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText: string;
  /** The header fields, in order, names lower-cased. */
  readonly headers: [string, string][];
  /** How the body that follows is delimited. */
  readonly framing: BodyFraming;
  /** Whether the server keeps the connection open after this response. */
  readonly keepAlive: boolean;
  /** The server's idle timeout from a `Keep-Alive: timeout=N` field, in milliseconds. */
  readonly idleTimeoutMs: number | undefined;
  /** Whether the body is JSON (`application/json`, which is UTF-8). */
  readonly json: boolean;
}

/** Raised for a response that is not HTTP/1.x as this transport reads it. */
export class HttpProtocolError extends TypeError {
  /** @param message what was wrong with the response. */
  constructor(message: string) {
    super(`malformed HTTP response: ${message}`);
    this.name = "HttpProtocolError";
  }
}

/**
 * The bytes of a request with a body: request line, `Host`, the given fields, `Content-Length`, then
 * the body, in one array so that one write carries a small request.
 */
export function requestBytes(
  method: string,
  url: URL,
  fields: readonly (readonly [string, string])[],
  body: Uint8Array | undefined,
): Uint8Array {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of fields) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) head += `content-length: ${body.byteLength}\r\n`;
  head += "\r\n";
  const headBytes = encoder.encode(head);
  if (body === undefined || body.byteLength === 0) return headBytes;
  const bytes = new Uint8Array(headBytes.byteLength + body.byteLength);
  bytes.set(headBytes);
  bytes.set(body, headBytes.byteLength);
  return bytes;
}

/**
 * Where a head in `bytes` ends, looking at `[from, to)`: the end of its last line and where the body
 * starts, or `undefined` before its blank line has come. Lines may end in a bare LF, as HTTP/1.1 lets
 * a client accept (and fetch does).
 */
export function headEnd(
  bytes: Uint8Array,
  from: number,
  to: number,
): { end: number; body: number } | undefined {
  for (let i = bytes.indexOf(10, from); i >= 0 && i + 1 < to; i = bytes.indexOf(10, i + 1)) {
    const end = i > 0 && bytes[i - 1] === 13 ? i - 1 : i;
    if (bytes[i + 1] === 10) return { end, body: i + 2 };
    if (bytes[i + 1] === 13 && i + 2 < to && bytes[i + 2] === 10) return { end, body: i + 3 };
  }
  return undefined;
}

/** Parses the head in `bytes[from, end)` (without its blank line), for a request made with `method`. */
export function parseResponseHead(
  bytes: Uint8Array,
  from: number,
  end: number,
  method: string,
): ResponseHead {
  const lines = latin1.decode(bytes.subarray(from, end)).split(/\r?\n/);
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (statusLine === null) {
    throw new HttpProtocolError(`status line ${JSON.stringify(lines[0].slice(0, 80))}`);
  }
  const minor = statusLine[1];
  const status = Number(statusLine[2]);
  const headers: [string, string][] = [];
  let length: number | undefined;
  let chunked = false;
  let connection = "";
  let idleTimeoutMs: number | undefined;
  let json = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpProtocolError(`header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.push([name, value]);
    if (name === "content-length") {
      // A list of one value repeated (`23, 23`, a proxy merging two fields) is that value, as for fetch.
      const values = new Set(value.split(",").map((v) => v.trim()));
      const [only] = values;
      const parsed = values.size === 1 && /^\d{1,15}$/.test(only) ? Number(only) : NaN;
      if (Number.isNaN(parsed) || (length !== undefined && length !== parsed)) {
        throw new HttpProtocolError(`content-length ${JSON.stringify(value.slice(0, 80))}`);
      }
      length = parsed;
    } else if (name === "transfer-encoding") {
      chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      if (!chunked) throw new HttpProtocolError(`transfer-encoding ${JSON.stringify(value.slice(0, 80))}`);
    } else if (name === "connection") {
      connection += `${value.toLowerCase()},`;
    } else if (name === "content-type") {
      json = /^application\/json\s*(?:;|$)/i.test(value);
    } else if (name === "keep-alive") {
      const timeout = /timeout=(\d+)/i.exec(value);
      if (timeout) idleTimeoutMs = Number(timeout[1]) * 1000;
    }
  }
  const keepAlive = minor === "1" ? !/(?:^|,)\s*close\s*,/.test(connection) : /keep-alive/.test(connection);
  let framing: BodyFraming;
  if (method === "HEAD" || status === 204 || status === 304 || status < 200) framing = { kind: "none" };
  else if (chunked) framing = { kind: "chunked" };
  else if (length !== undefined) framing = { kind: "length", length };
  else framing = { kind: "close" };
  return {
    status,
    statusText: statusLine[3] ?? "",
    headers,
    framing,
    // Both framings given: the chunked one is read, and the connection is not trusted again (RFC 9112).
    keepAlive: keepAlive && framing.kind !== "close" && !(chunked && length !== undefined),
    idleTimeoutMs,
    json,
  };
}
