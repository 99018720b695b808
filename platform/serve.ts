/**
 * An HTTP server on a web-standard handler: `Deno.serve` in Deno, `node:http` in Node and Bun, and
 * `node:http` everywhere when connection deadlines are asked for (`Deno.serve` cannot close a
 * connection from a handler, nor put a deadline on headers).
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import { type ConnectionDeadlines, enforceDeadlines } from "./connection_deadlines.ts";
import { answer, webRequest } from "./node_request.ts";

export type { ConnectionDeadlines } from "./connection_deadlines.ts";

/**
 * Answers one request. `clientGone` aborts when the client goes away before its answer is complete,
 * so a long wait for it can stop early.
 */
export type ServeHandler = (request: Request, clientGone: AbortSignal) => Promise<Response>;

/** A listening server. */
export interface Server {
  /** `http://host:port` it listens on. */
  readonly origin: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  shutdown(): Promise<void>;
}

/** Where to listen. */
export interface ListenOptions {
  /** Interface address, such as `127.0.0.1`. */
  readonly hostname: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** Deadlines that close slow connections; without them, none are kept beyond the handler's own. */
  readonly deadlines?: ConnectionDeadlines;
}

function originOf(hostname: string, port: number): string {
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

interface DenoServer {
  shutdown(): Promise<void>;
}
interface DenoServe {
  serve(
    options: { port: number; hostname: string; onListen: (addr: { hostname: string; port: number }) => void },
    handler: (request: Request, info: { completed: Promise<void> }) => Promise<Response>,
  ): DenoServer;
}

/** Starts a server; resolves once it listens. */
export function serve(handler: ServeHandler, options: ListenOptions): Promise<Server> {
  const deno = (globalThis as { Deno?: DenoServe }).Deno;
  return deno === undefined || options.deadlines !== undefined
    ? serveNode(handler, options)
    : serveDeno(deno, handler, options);
}

function serveDeno(deno: DenoServe, handler: ServeHandler, options: ListenOptions): Promise<Server> {
  return new Promise((resolve) => {
    const server = deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen: (addr) =>
        resolve({ origin: originOf(addr.hostname, addr.port), shutdown: () => server.shutdown() }),
    }, (request, info) => {
      const gone = new AbortController();
      info.completed.catch(() => gone.abort());
      return handler(request, gone.signal);
    });
  });
}

async function writeResponse(response: Response, res: ServerResponse, gone: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const had = headers[name];
    headers[name] = had === undefined ? value : [had, value].flat();
  }
  if (response.body === null) return void res.writeHead(response.status, headers).end();
  const reader = response.body.getReader();
  try {
    const first = await reader.read();
    const second = first.done ? first : await reader.read();
    if (second.done) {
      // A body made whole (most answers): sent with its length, which costs less than chunked framing.
      const bytes = first.value ?? new Uint8Array(0);
      headers["content-length"] ??= String(bytes.byteLength);
      return void res.writeHead(response.status, headers).end(bytes);
    }
    res.writeHead(response.status, headers);
    for (let chunk = first; !chunk.done; chunk = chunk === first ? second : await reader.read()) {
      if (gone.aborted) return;
      if (!res.write(chunk.value)) {
        await new Promise<void>((resume) => {
          res.once("drain", resume);
          gone.addEventListener("abort", () => resume(), { once: true });
        });
      }
    }
    res.end();
  } finally {
    if (gone.aborted) await reader.cancel().catch(() => {});
  }
}

async function serveNode(handler: ServeHandler, options: ListenOptions): Promise<Server> {
  const { createServer } = await import("node:http");
  let origin = "";
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const answered = (async () => {
      let response: Response;
      try {
        response = await answer((request) => handler(request, gone.signal), () => webRequest(req, origin));
      } catch {
        response = new Response("Internal Server Error", { status: 500 });
      }
      await writeResponse(response, res, gone.signal).catch(() => res.destroy());
    })();
    inFlight.add(answered);
    answered.finally(() => inFlight.delete(answered));
  });
  if (options.deadlines !== undefined) enforceDeadlines(server, options.deadlines);
  await new Promise<void>((listening, failed) => {
    server.once("error", failed);
    server.listen(options.port, options.hostname, () => listening());
  });
  const address = server.address() as { address: string; port: number };
  origin = originOf(address.address, address.port);
  return {
    origin,
    shutdown: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      await Promise.allSettled([...inFlight]);
      server.closeIdleConnections();
      await closed;
    },
  };
}
