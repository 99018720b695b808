// A real redis-server for a test: on a free loopback port, nothing written to disk, stopped at the end.

/** A redis-server process of this test's own. */
export class RedisServer implements AsyncDisposable {
  private constructor(readonly url: string, readonly port: number, readonly child: Deno.ChildProcess) {}

  /** Starts redis-server on `port` (by default a free one) of 127.0.0.1 and waits until it answers. */
  static async start(port = freePort()): Promise<RedisServer> {
    const child = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    const server = new RedisServer(`redis://127.0.0.1:${port}`, port, child);
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(new TextEncoder().encode("PING\r\n"));
        const buf = new Uint8Array(16);
        const n = await conn.read(buf);
        conn.close();
        if (n && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG")) return server;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await server[Symbol.asyncDispose]();
        throw new Error("redis-server did not start within 20 s (is it installed?)");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await this.child.status;
  }
}

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}
