// `deno task build:npm`: the npm package, built from the same sources by the TypeScript compiler into
// dist/npm: ESM JavaScript and .d.ts for every entry point of deno.json, a package.json whose
// `exports` mirror deno.json's, and no runtime dependency. TypeScript and Node's types are build-time
// only: they are installed into dist/build, never into the package or the user's import graph. An
// optional entry point's own npm package (`npm:ioredis@…` in redis/) becomes an optional peer
// dependency under its bare name.
const root = new URL("../", import.meta.url);
const dist = new URL("dist/", root);
const build = new URL("build/", dist);
const out = new URL("npm/", dist);

const TYPESCRIPT = "5.9.3";
const NODE_TYPES = "22.20.7";
/** One line for the npm registry (and the JSR package settings). */
const DESCRIPTION =
  "telepot for TypeScript: the whole Telegram Bot API, message loops, delegation and an offline Bot API emulator; for Deno, Node and Bun";

const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const entries = Object.entries(config.exports as Record<string, string>);

/** `npm:name@version` specifiers in the published sources: optional entry points' own packages. */
async function npmSpecifiers(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const pattern = /from "npm:((?:@[^/"@]+\/)?[^/"@]+)@([^/"]+)"/g;
  for (const [, path] of entries) {
    const dir = new URL(path.replace(/[^/]+$/, ""), root);
    for await (const item of Deno.readDir(dir)) {
      if (!item.isFile || !item.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(new URL(item.name, dir));
      for (const [, name, version] of text.matchAll(pattern)) found.set(name, version);
    }
  }
  return found;
}

async function run(command: string, args: string[], cwd: URL): Promise<void> {
  const { code } = await new Deno.Command(command, { args, cwd, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${code}`);
}

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const item of Deno.readDir(dir)) {
    const url = new URL(item.name + (item.isDirectory ? "/" : ""), dir);
    if (item.isDirectory) yield* walk(url);
    else if (/\.(js|d\.ts)$/.test(item.name)) yield url;
  }
}

function jsOf(path: string): string {
  return path.replace(/\.ts$/, ".js");
}

const peers = await npmSpecifiers();
await Deno.remove(out, { recursive: true }).catch(() => {});
await Deno.mkdir(build, { recursive: true });
await Deno.writeTextFile(
  new URL("package.json", build),
  JSON.stringify(
    {
      private: true,
      devDependencies: {
        typescript: TYPESCRIPT,
        "@types/node": NODE_TYPES,
        ...Object.fromEntries(peers),
      },
    },
    null,
    2,
  ),
);
await run(Deno.execPath(), ["install", "--quiet", "--node-modules-dir=auto"], build);
// Without the DOM library (Node's types bring the web globals the library uses, and some the DOM
// library lacks, such as ReadableStream.from), two DOM-only type names need a definition.
await Deno.writeTextFile(
  new URL("web_names.d.ts", build),
  "type BodyInit = ConstructorParameters<typeof Response>[0];\n"
    + "type HeadersInit = ConstructorParameters<typeof Headers>[0];\n",
);
await Deno.writeTextFile(
  new URL("tsconfig.json", build),
  JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ESNext"],
        types: ["node"],
        paths: Object.fromEntries(
          [...peers].map(([name, version]) => [`npm:${name}@${version}`, [`./node_modules/${name}`]]),
        ),
        strict: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        rewriteRelativeImportExtensions: true,
        declaration: true,
        rootDir: "../..",
        outDir: "../npm",
        newLine: "lf",
      },
      files: ["web_names.d.ts", ...entries.map(([, path]) => `../../${path}`)],
    },
    null,
    2,
  ),
);
await run(Deno.execPath(), ["run", "-A", "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], build);

// The emitted modules name an optional package by its bare name, as Node and Bun resolve it.
for await (const file of walk(out)) {
  const text = await Deno.readTextFile(file);
  let rewritten = text;
  for (const [name, version] of peers) {
    rewritten = rewritten.replaceAll(`"npm:${name}@${version}"`, `"${name}"`);
  }
  if (rewritten !== text) await Deno.writeTextFile(file, rewritten);
}

const exports: Record<string, { types: string; default: string }> = {};
for (const [name, path] of entries) {
  const js = jsOf(path);
  exports[name] = { types: js.replace(/\.js$/, ".d.ts"), default: js };
}
await Deno.writeTextFile(
  new URL("package.json", out),
  JSON.stringify(
    {
      name: config.name,
      version: config.version,
      description: DESCRIPTION,
      license: config.license,
      type: "module",
      exports,
      ...(peers.size === 0 ? {} : {
        peerDependencies: Object.fromEntries([...peers].map(([name, version]) => [name, `^${version}`])),
        peerDependenciesMeta: Object.fromEntries([...peers.keys()].map((name) => [name, { optional: true }])),
      }),
      // ReadableStream.from came in 20.6 (AbortSignal.any in 20.3); the package test runs on 20.6.0.
      engines: { node: ">=20.6" },
      sideEffects: false,
      keywords: ["telegram", "bot", "telepot", "deno", "bun"],
    },
    null,
    2,
  ) + "\n",
);
for (const file of ["README.md", "LICENSE"]) await Deno.copyFile(new URL(file, root), new URL(file, out));
// The web UI's page, which testing/ui/assets.js reads from beside itself.
const STATIC = "testing/ui/static/";
await Deno.mkdir(new URL(STATIC, out), { recursive: true });
for await (const entry of Deno.readDir(new URL(STATIC, root))) {
  if (entry.isFile) {
    await Deno.copyFile(new URL(STATIC + entry.name, root), new URL(STATIC + entry.name, out));
  }
}
console.log(`built ${config.name}@${config.version} into dist/npm`);
