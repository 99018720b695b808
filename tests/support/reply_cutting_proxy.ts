// A TCP proxy between a Redis client and redis-server that, once armed with a marker, lets the first
// command containing it reach the server, waits until the server has run it, then closes the client's
// connection without passing the reply on: the client's view of a connection dropped at the worst
// moment. It reconnects through the proxy, which then forwards everything again.

const PING = new TextEncoder().encode("PING\r\n");
const PONG = "+PONG\r\n";

/** The proxy, listening on a free loopback port. */
export class ReplyCuttingProxy implements AsyncDisposable {
  readonly #listener: Deno.Listener;
  readonly #target: number;
  readonly #open = new Set<Deno.Conn>();
  #marker: string | undefined;
  #cut = Promise.withResolvers<void>();
  #cuts = 0;
  #swallowed = "";
  readonly #watched: { marker: string; count: number; left: number; reached: () => void }[] = [];

  /** Forwards to redis-server on `targetPort` of 127.0.0.1. */
  constructor(targetPort: number) {
    this.#target = targetPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accept();
  }

  /** The URL a client connects to instead of the server's. */
  get url(): string {
    return `redis://127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  }

  /**
   * What the server answered at the last cut and the client never got (the marked command's reply first,
   * then the PING's, possibly after replies to commands sent before it).
   */
  get swallowed(): string {
    return this.#swallowed;
  }

  /** Connections cut so far. */
  get cuts(): number {
    return this.#cuts;
  }

  /** Cuts the connection that next sends a command containing `marker`; resolves once it is cut. */
  arm(marker: string): Promise<void> {
    this.#marker = marker;
    this.#cut = Promise.withResolvers();
    return this.#cut.promise;
  }

  /** Resolves once `count` commands containing `marker` have come from clients, counted from now. */
  sent(marker: string, count: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#watched.push({ marker, count, left: count, reached: resolve });
    return promise;
  }

  #count(text: string): void {
    for (const watch of this.#watched) {
      if (watch.left > 0 && text.includes(watch.marker) && --watch.left === 0) watch.reached();
    }
  }

  async #accept(): Promise<void> {
    for await (const client of this.#listener) this.#pair(client).catch(() => {});
  }

  async #pair(client: Deno.Conn): Promise<void> {
    const server = await Deno.connect({ hostname: "127.0.0.1", port: this.#target });
    this.#open.add(client).add(server);
    let cutting = false;
    let afterCut = "";
    const close = () => {
      for (const conn of [client, server]) {
        this.#open.delete(conn);
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
    };
    const upstream = (async () => {
      const buf = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await client.read(buf);
        if (n === null) break;
        const chunk = buf.slice(0, n);
        const text = new TextDecoder().decode(chunk);
        this.#count(text);
        const marker = this.#marker;
        if (marker !== undefined && text.includes(marker)) {
          this.#marker = undefined;
          cutting = true;
          // The command, then a PING: its PONG, answered in order, shows the command has run.
          await server.write(chunk);
          await server.write(PING);
          return; // nothing more from this client reaches the server
        }
        await server.write(chunk);
      }
      close();
    })();
    const downstream = (async () => {
      const buf = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await server.read(buf);
        if (n === null) break;
        if (cutting) {
          // Replies from the marked command on are swallowed; at the PONG the connection is cut.
          afterCut += new TextDecoder().decode(buf.subarray(0, n));
          if (afterCut.endsWith(PONG)) {
            this.#cuts++;
            this.#swallowed = afterCut;
            close();
            this.#cut.resolve();
            return;
          }
          continue;
        }
        await client.write(buf.slice(0, n));
      }
      close();
    })();
    await Promise.allSettled([upstream, downstream]);
    close();
  }

  /** Stops listening and closes every connection. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    this.#open.clear();
    return Promise.resolve();
  }
}
