/**
 * Read deadlines that close connections, for a `node:http` server in any runtime: Node's own
 * `headersTimeout`/`requestTimeout` are not enforced by Deno's or Bun's `node:http`, so the deadlines
 * are kept here with one timer per connection.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Deadlines in seconds on reading a request; a connection that misses one is destroyed. */
export interface ConnectionDeadlines {
  /**
   * Seconds a connection may take to send a request's headers, counted from when it opened or its
   * previous answer was sent (so an idle keep-alive connection is closed after it too).
   */
  readonly headerTimeout: number;
  /**
   * Seconds from a request's headers to its last body byte. The time the handler then takes to answer
   * is not counted (a long poll may wait); an answer sent before the body has all arrived closes the
   * connection, so a refused body cannot keep dribbling.
   */
  readonly requestTimeout: number;
}

/** How long a connection closed after an early answer has for that answer to reach the client. */
const ANSWER_LINGER_MS = 1000;

/** Puts `deadlines` on `server`'s connections; call before it listens. */
export function enforceDeadlines(server: Server, deadlines: ConnectionDeadlines): void {
  const headerMs = deadlines.headerTimeout * 1000;
  const requestMs = deadlines.requestTimeout * 1000;
  // Node keeps these itself as well; set alike, so that its defaults (60 s headers, 300 s request, 5 s
  // keep-alive) neither cut earlier nor later than asked.
  server.headersTimeout = headerMs;
  server.requestTimeout = headerMs + requestMs;
  server.keepAliveTimeout = headerMs;
  const timers = new WeakMap<Socket, ReturnType<typeof setTimeout>>();
  const arm = (socket: Socket, ms: number, expired: () => void) => {
    clearTimeout(timers.get(socket));
    timers.set(socket, setTimeout(expired, ms));
  };
  const disarm = (socket: Socket) => clearTimeout(timers.get(socket));
  server.on("connection", (socket: Socket) => {
    arm(socket, headerMs, () => socket.destroy());
    socket.once("close", () => disarm(socket));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    // `complete` turns true once the parser has the whole message, whether or not the handler read it.
    const expired = () => req.complete ? disarm(socket) : socket.destroy();
    arm(socket, requestMs, expired);
    req.once("end", () => disarm(socket));
    res.once("finish", () => {
      if (socket.destroyed) return;
      if (!req.complete) {
        // Ends our side now; destroyed a moment later, since destroying with the client's bytes still
        // unread sends a reset that can discard the answer before the client reads it.
        socket.end();
        return arm(socket, ANSWER_LINGER_MS, () => socket.destroy());
      }
      arm(socket, headerMs, () => socket.destroy());
    });
  });
}
