import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";

/** Deadlines of {@link guardNodeServer}, in seconds. */
export interface NodeDeadlines {
  /**
   * Seconds a connection may take to send a request's headers, counted from when it opened or its
   * previous answer was sent (so an idle keep-alive connection is closed after it too). Default 10.
   */
  readonly headerTimeout?: number;
  /** Seconds from a request's headers to its answer being sent (body included). Default 30. */
  readonly requestTimeout?: number;
}

/**
 * Puts read deadlines on a `node:http` server that serves a webhook (through `nodeAdapter`): a
 * connection that dribbles its headers, idles between requests or takes too long over one request is
 * destroyed. Node enforces `headersTimeout`/`requestTimeout` itself (they are set too); Deno's and
 * Bun's `node:http` do not, so the deadlines are also kept with the guard's own timers.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { Bot, guardNodeServer, nodeAdapter, webhookHandler } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * const server = guardNodeServer(createServer(nodeAdapter(webhookHandler(bot, { secretToken: "s3cret" }))));
 * // server.listen(8443);
 * ```
 *
 * @returns the server, for chaining.
 * @throws {BadInput} on a server that is none, or a malformed deadline.
 */
export function guardNodeServer<S extends Server>(server: S, deadlines: NodeDeadlines = {}): S {
  if (typeof (server as Partial<Server> | null)?.on !== "function") {
    throw new BadInput("server", "a node:http Server, as createServer returns it");
  }
  const headerMs = (checkSeconds(deadlines.headerTimeout, "deadlines.headerTimeout") ?? 10) * 1000;
  const requestMs = (checkSeconds(deadlines.requestTimeout, "deadlines.requestTimeout") ?? 30) * 1000;
  server.headersTimeout = headerMs;
  server.requestTimeout = Math.max(requestMs, headerMs);
  const waiting = new WeakMap<Socket, ReturnType<typeof setTimeout>>();
  const arm = (socket: Socket, ms: number) => {
    clearTimeout(waiting.get(socket));
    waiting.set(socket, setTimeout(() => socket.destroy(), ms));
  };
  server.on("connection", (socket: Socket) => {
    arm(socket, headerMs);
    socket.once("close", () => clearTimeout(waiting.get(socket)));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    arm(socket, requestMs);
    res.once("finish", () => {
      if (!socket.destroyed) arm(socket, headerMs);
    });
  });
  return server;
}
