/**
 * Web-standard `Request`s for `node:http` requests, as the `node:http` server and the Express adapter
 * hand them to a fetch handler.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

const madeHere = new WeakSet<Request>();

// Whatever the client sent as Host and request target (an absolute URL, `*`, a Host with a space in
// it), the URL is a valid one: a bad request must reach the handler, not throw before it.
function urlOf(req: IncomingMessage, origin: string): string {
  const target = req.url ?? "/";
  for (const base of [origin, "http://localhost"]) {
    try {
      return new URL(target, base).href;
    } catch {
      // Try the next base.
    }
  }
  return "http://localhost/";
}

/**
 * The `Request` for `req`: its headers, and `body` (by default the request's own bytes, streamed).
 * `origin` is where the server listens, or `http://` and the Host the client named.
 */
export function webRequest(req: IncomingMessage, origin: string, body?: BodyInit): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
    else if (value !== undefined) headers.set(name, value);
  }
  const bodyless = req.method === "GET" || req.method === "HEAD";
  const content = bodyless ? undefined : body ?? ReadableStream.from(req as AsyncIterable<Uint8Array>);
  const request = new Request(urlOf(req, origin), {
    method: req.method,
    headers,
    body: content,
    ...(content instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  madeHere.add(request);
  return request;
}

/**
 * Whether {@link webRequest} made `request`. Its body arrives as the chunks `node:http` reads, which
 * `Request.arrayBuffer` keeps one by one until the end (a body sent a byte at a time would cost far
 * more than its size) and which closing the connection does not always end: read it as a stream.
 */
export function madeFromNode(request: Request): boolean {
  return madeHere.has(request);
}

/**
 * `handler`'s answer to the request `make` makes, or 400 when no `Request` can be made of it (a method
 * the Fetch standard forbids, such as `TRACE`).
 */
export function answer(
  handler: (request: Request) => Promise<Response>,
  make: () => Request,
): Promise<Response> {
  let request: Request;
  try {
    request = make();
  } catch {
    return Promise.resolve(new Response("Bad Request", { status: 400, headers: { connection: "close" } }));
  }
  return handler(request);
}
