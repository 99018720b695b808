import type { IncomingMessage, ServerResponse } from "node:http";
import type { FetchHandler } from "./webhook.ts";

/** A `node:http` request, possibly with a body already parsed by Express middleware (`express.json()`). */
export type NodeRequest = IncomingMessage & { body?: unknown };

/** A `node:http` / Express request listener. */
export type NodeHandler = (req: NodeRequest, res: ServerResponse) => Promise<void>;

function bodyOf(req: NodeRequest): BodyInit | undefined {
  const parsed = req.body;
  if (typeof parsed === "string") return parsed;
  if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
  // Express parsed it already: the stream is spent, so send the parsed value on as JSON.
  if (parsed !== undefined && parsed !== null && typeof parsed === "object") return JSON.stringify(parsed);
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  return ReadableStream.from(req as AsyncIterable<Uint8Array>);
}

/**
 * Adapts a web-standard handler (such as {@link webhookHandler}'s) to `node:http` and Express:
 * `http.createServer(nodeAdapter(webhookHandler(bot, { secretToken })))` or `app.post(path, …)`.
 */
export function nodeAdapter(handler: FetchHandler): NodeHandler {
  return async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
      else if (value !== undefined) headers.set(name, value);
    }
    const body = bodyOf(req);
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    let response: Response;
    try {
      response = await handler(request);
    } catch {
      response = new Response("Internal Server Error", { status: 500 });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}
