import assert from "node:assert/strict";

// The npm package as a Node or Bun user gets it: `deno task build:npm`, `npm pack`, the tarball
// installed offline into a fresh project per runtime, and a plain-JavaScript program importing the
// package by name (tests/support/npm_consumer/consumer.mjs) runs a polling echo bot, a DelegatorBot
// with a ChatHandler, a localFile upload, a downloadFile to a path, a webhook behind node:http, the
// SQLite journal (or on Node 20 the error saying it needs node:sqlite) and the emulator's web UI,
// against the emulator from the package's own "./testing" entry point. Built and packed once.
const root = new URL("../", import.meta.url);
const SCENARIOS = ["polling", "delegator", "upload", "download", "webhook", "sqlite", "webui"];
const BUN = ["-y", "bun@1.4.5"];
const RUNTIMES: Record<string, string[]> = {
  "Node 20.6": ["-y", "node@20.6.0"],
  "Node 22": ["-y", "node@22"],
  "Bun": BUN,
};
// Installing must need no registry: npm is told --offline, Bun gets a registry that refuses connections.
const NO_REGISTRY = { BUN_CONFIG_REGISTRY: "http://127.0.0.1:9/" };

async function exec(command: string, args: string[], cwd: string | URL, env = {}): Promise<string> {
  const out = await new Deno.Command(command, { args, cwd, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(
    out.code,
    0,
    `${command} ${args.join(" ")}:\n${text}\n${new TextDecoder().decode(out.stderr)}`,
  );
  return text;
}

async function works(args: string[]): Promise<boolean> {
  return await new Deno.Command("npx", { args: [...args, "--version"], stdout: "null", stderr: "null" })
    .output()
    .then((o) => o.success, () => false);
}
const available = Object.fromEntries(
  await Promise.all(Object.entries(RUNTIMES).map(async ([name, args]) => [name, await works(args)] as const)),
);
const haveNpm = await new Deno.Command("npm", { args: ["--version"], stdout: "null", stderr: "null" })
  .output()
  .then((o) => o.success, () => false);

const workDir = await Deno.makeTempDir({ prefix: "telepot-npm-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(workDir, { recursive: true }));
let packed: Promise<string> | undefined;

/** Builds the package and packs it, once for the whole file; resolves to the tarball's path. */
function tarball(): Promise<string> {
  packed ??= (async () => {
    await exec(Deno.execPath(), ["task", "build:npm"], root);
    const name =
      (await exec("npm", ["pack", "--silent", "--pack-destination", workDir], new URL("dist/npm/", root)))
        .trim().split("\n").at(-1)!;
    return `${workDir}/${name}`;
  })();
  return packed;
}

/**
 * A fresh project with only the tarball installed, offline (the package has no dependency to fetch):
 * by npm for Node, by `bun add` for Bun.
 */
async function project(name: string): Promise<string> {
  const dir = `${workDir}/${name.replace(/\s/g, "")}`;
  await Deno.mkdir(dir);
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  if (name === "Bun") await exec("npx", [...BUN, "add", await tarball()], dir, NO_REGISTRY);
  else await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", await tarball()], dir);
  await Deno.copyFile(new URL("support/npm_consumer/consumer.mjs", import.meta.url), `${dir}/consumer.mjs`);
  return dir;
}

Deno.test({
  name: "npm package: the tarball holds ESM, .d.ts and a package.json without dependencies",
  ignore: !haveNpm,
  fn: async () => {
    const listing = await exec("tar", ["-tzf", await tarball()], workDir);
    const files = listing.trim().split("\n").map((line) => line.replace(/^package\//, ""));
    const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
    const manifest = JSON.parse(await Deno.readTextFile(new URL("dist/npm/package.json", root)));
    assert.deepEqual(Object.keys(manifest.exports), Object.keys(config.exports));
    for (const [name, path] of Object.entries(config.exports as Record<string, string>)) {
      const js = path.replace(/^\.\//, "").replace(/\.ts$/, ".js");
      assert.ok(files.includes(js) && files.includes(js.replace(/\.js$/, ".d.ts")), `${name}: ${js}`);
    }
    assert.equal(manifest.type, "module");
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), []);
    assert.ok(!files.some((f) => f.startsWith("codegen/") || f.startsWith("tests/") || f === "deno.lock"));
  },
});

for (const [name, args] of Object.entries(RUNTIMES)) {
  Deno.test({
    name: `npm package: installed from the tarball, the scenarios run under ${name}`,
    ignore: !haveNpm || !available[name],
    fn: async () => {
      const dir = await project(name);
      const stdout = await exec("npx", [...args, "consumer.mjs"], dir);
      assert.deepEqual(stdout.trim().split("\n"), SCENARIOS.map((s) => `ok ${s}`));
    },
  });
}
