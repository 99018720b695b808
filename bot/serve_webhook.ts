import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { serve } from "../platform/serve.ts";
import type { FetchHandler } from "./webhook.ts";

/** Options of {@link serveWebhook}. Times are in seconds. */
export interface ServeWebhookOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /**
   * Interface to listen on; default `127.0.0.1`, since Telegram delivers over HTTPS only and a plain
   * HTTP server belongs behind the TLS proxy that terminates it.
   */
  readonly hostname?: string;
  /**
   * Seconds a connection may take to send a request's headers, counted from when it opened or its
   * previous answer was sent (so an idle keep-alive connection is closed after it too). Default 10.
   */
  readonly headerTimeout?: number;
  /**
   * Seconds from a request's headers to its last body byte; the handler's own time to answer is not
   * counted. Default 30. An answer given before the body has all arrived (the handler's 408 at its
   * `bodyTimeout`, 413, 503) closes the connection at once.
   */
  readonly requestTimeout?: number;
}

/** A webhook server started by {@link serveWebhook}. */
export interface WebhookServer {
  /** `http://host:port` it listens on. */
  readonly origin: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  shutdown(): Promise<void>;
}

/**
 * Serves a web-standard handler (such as `webhookHandler`'s) over HTTP with deadlines that close slow
 * connections, the same under Deno, Node and Bun: it listens through `node:http` and keeps a header
 * and a request deadline with its own timers. `Deno.serve` can do neither (it has no header deadline,
 * and a handler cannot close the connection of a body still dribbling), which makes this the way to
 * serve a webhook exposed to the internet under Deno without a reverse proxy's deadlines.
 *
 * @example
 * ```ts
 * import { Bot, serveWebhook, webhookHandler } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * const handle = webhookHandler(bot, { secretToken: "s3cret" });
 * // const server = await serveWebhook(handle, { port: 8443, headerTimeout: 10, requestTimeout: 30 });
 * ```
 *
 * @throws {BadInput} when `handler` is not a function, or on a malformed port, host name or deadline.
 */
export function serveWebhook(handler: FetchHandler, options: ServeWebhookOptions): Promise<WebhookServer> {
  // Called only once requests come: anything else would listen, then answer every request with 500.
  if (typeof handler !== "function") {
    throw new BadInput("handler", "a function from Request to Promise<Response>, such as webhookHandler's");
  }
  const port = options?.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BadInput("options.port", "an integer port from 0 to 65535");
  }
  const hostname = options.hostname ?? "127.0.0.1";
  if (typeof hostname !== "string" || hostname === "") {
    throw new BadInput("options.hostname", "a host name or address to listen on");
  }
  const deadlines = {
    headerTimeout: checkSeconds(options.headerTimeout, "options.headerTimeout") ?? 10,
    requestTimeout: checkSeconds(options.requestTimeout, "options.requestTimeout") ?? 30,
  };
  return serve((request) => handler(request), { port, hostname, deadlines });
}
