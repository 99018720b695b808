// The pooled transport over TLS (Deno.connectTls), as a bot reaches api.telegram.org: certificates are
// verified against the same roots as fetch's (DENO_CERT adds the test CA), and a refused certificate is a
// NetworkError. The client runs in a child process, since DENO_CERT is read when Deno starts.
import assert from "node:assert/strict";

const fixtures = new URL("./fixtures/tls/", import.meta.url);
const cert = await Deno.readTextFile(new URL("localhost.pem", fixtures));
const key = await Deno.readTextFile(new URL("localhost.key", fixtures));
const caPath = new URL("ca.pem", fixtures).pathname;
const clientModule = new URL("../api/client.ts", import.meta.url).href;

interface Seen {
  path: string;
  userAgent: string | null;
}

async function withTlsServer(run: (port: number, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, cert, key, onListen() {} }, async (request) => {
    await request.text();
    seen.push({ path: new URL(request.url).pathname, userAgent: request.headers.get("user-agent") });
    return Response.json({ ok: true, result: { id: 1, is_bot: true, first_name: "tls" } });
  });
  try {
    await run(server.addr.port, seen);
  } finally {
    await server.shutdown();
  }
}

/** Runs a client that makes two getMe calls over a leased pool and prints what each gave. */
async function runClient(port: number, env: Record<string, string>): Promise<string> {
  const script = `
    import { Api } from ${JSON.stringify(clientModule)};
    const api = new Api("123:secret", { apiRoot: "https://localhost:${port}" });
    const release = api.keepConnections();
    for (let i = 0; i < 2; i++) {
      try {
        console.log("ok", (await api.getMe()).first_name);
      } catch (error) {
        console.log("failed", error.name, error.message);
      }
    }
    release();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
  const { stdout, stderr, code } = await child.output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return text;
}

Deno.test("pooled calls go over TLS, verified against the roots DENO_CERT adds to", async () => {
  await withTlsServer(async (port, seen) => {
    const output = await runClient(port, { DENO_CERT: caPath });
    assert.equal(output, "ok tls\nok tls\n");
    assert.equal(seen.length, 2);
    for (const request of seen) {
      assert.equal(request.path, "/bot123:secret/getMe");
      // fetch would have sent its own user-agent ("Deno/…"): these came over the pool.
      assert.equal(request.userAgent, null);
    }
  });
});

Deno.test("a certificate the roots do not vouch for is a NetworkError, and nothing is sent", async () => {
  await withTlsServer(async (port, seen) => {
    const output = await runClient(port, {});
    const lines = output.trim().split("\n");
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.match(line, /^failed NetworkError getMe: .*certificate/i);
      assert.doesNotMatch(line, /secret/);
    }
    assert.equal(seen.length, 0);
  });
});
