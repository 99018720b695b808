import type { IncomingMessage, ServerResponse } from "node:http";
import { answer, webRequest } from "../platform/node_request.ts";
import type { FetchHandler } from "./webhook.ts";

/** A `node:http` request, possibly with a body already parsed by Express middleware (`express.json()`). */
export type NodeRequest = IncomingMessage & { body?: unknown; rawBody?: unknown; _body?: boolean };

/** A `node:http` / Express request listener. */
export type NodeHandler = (req: NodeRequest, res: ServerResponse) => Promise<void>;

// Express parsed it already (`express.json()`): the stream is spent, so the parsed value goes on, or
// the bytes a middleware kept as `req.rawBody` (the exact body, so it comes first). A `req.body` over
// an unread stream is a parser's placeholder (Express 4's parsers set `{}` on every request, whatever
// its type): the stream holds the update.
function parsedBody(req: NodeRequest): BodyInit | undefined {
  if (!req.readableEnded && req._body !== true) return undefined;
  const raw = req.rawBody;
  if (typeof raw === "string") return raw;
  if (raw instanceof Uint8Array) return new Uint8Array(raw);
  const parsed = req.body;
  if (typeof parsed === "string") return parsed;
  if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
  if (parsed !== undefined && parsed !== null && typeof parsed === "object") return JSON.stringify(parsed);
  return undefined;
}

/**
 * Adapts a web-standard handler (such as {@link webhookHandler}'s) to `node:http` and Express:
 * `http.createServer(nodeAdapter(webhookHandler(bot, { secretToken })))` or `app.post(path, …)`.
 */
export function nodeAdapter(handler: FetchHandler): NodeHandler {
  return async (req, res) => {
    let response: Response;
    try {
      response = await answer(
        handler,
        () => webRequest(req, `http://${req.headers.host ?? "localhost"}`, parsedBody(req)),
      );
    } catch {
      response = new Response("Internal Server Error", { status: 500 });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}
