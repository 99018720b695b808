import assert from "node:assert/strict";
import { cp } from "node:fs/promises";

// A new user's first `deno task demo` must download no npm package: the dev tools (dprint, TypeScript,
// grammY, Express, Hono…) resolve only in the tasks and tests that use them. The repository is copied
// without node_modules, Deno gets an empty cache, and its npm registry is a local server that counts
// what it is asked for and has nothing.
const root = new URL("../", import.meta.url);
const SHIPPED = [
  "deno.json",
  "deno.lock",
  "dprint.json",
  "mod.ts",
  "aio.ts",
  "api",
  "bot",
  "delegate",
  "exception",
  "helper",
  "namedtuple",
  "platform",
  "routing",
  "storage",
  "testing",
  "examples",
];

async function withFreshCheckout(
  fn: (run: (args: string[]) => Promise<Deno.CommandOutput>, dir: string, asked: string[]) => Promise<void>,
) {
  const asked: string[] = [];
  await using registry = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    asked.push(new URL(request.url).pathname);
    return new Response("not here", { status: 404 });
  });
  const dir = await Deno.makeTempDir({ prefix: "telepot-fresh-" });
  try {
    for (const name of SHIPPED) await cp(new URL(name, root), `${dir}/checkout/${name}`, { recursive: true });
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args,
        cwd: `${dir}/checkout`,
        env: {
          DENO_DIR: `${dir}/cache`,
          NPM_CONFIG_REGISTRY: `http://127.0.0.1:${registry.addr.port}/`,
          DENO_NO_UPDATE_CHECK: "1",
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
    await fn(run, `${dir}/checkout`, asked);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("dev tools: the counting registry sees an npm package being fetched", async () => {
  await withFreshCheckout(async (run, dir, asked) => {
    await Deno.writeTextFile(
      `${dir}/uses_npm.ts`,
      "import leftPad from \"npm:left-pad@1.3.0\";\nleftPad(\"\", 1);\n",
    );
    const out = await run(["cache", "uses_npm.ts"]);
    assert.notEqual(out.code, 0);
    assert.ok(asked.some((path) => path.includes("left-pad")), asked.join(" "));
  });
});

Deno.test("dev tools: the first `deno task demo` on a clean cache fetches no npm package", async () => {
  await withFreshCheckout(async (run, dir, asked) => {
    const out = await run(["task", "demo"]);
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(stdout, /Bot API calls:/);
    assert.deepEqual(asked, [], "npm packages asked for");
    for (const store of [`${dir}/node_modules`, `${dir}/../cache/npm`]) {
      assert.deepEqual(await Array.fromAsync(Deno.readDir(store)).catch(() => []), [], store);
    }
  });
});
