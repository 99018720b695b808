/**
 * The page's static files (HTML, CSS, script), read once from beside this module: from disk in a checkout
 * or an installed package (through `node:fs`, which Deno, Node and Bun all have; Node's `fetch` reads no
 * `file:` URL), over HTTP when the module itself was imported over HTTP (JSR, a URL import).
 *
 * @module
 */

const TYPES: Readonly<Record<string, string>> = {
  "/index.html": "text/html; charset=utf-8",
  "/app.js": "text/javascript; charset=utf-8",
  "/bubble.js": "text/javascript; charset=utf-8",
  "/dom.js": "text/javascript; charset=utf-8",
  "/entities.js": "text/javascript; charset=utf-8",
  "/style.css": "text/css; charset=utf-8",
};

/** A static file as served. */
export interface Asset {
  /** Content. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** Content-Type header. */
  readonly type: string;
}

/** Every static file by its path on the page (`/index.html`, `/style.css`, the script modules). */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  for (const [path, type] of Object.entries(TYPES)) {
    out.set(path, { body: await read(new URL(`./static${path}`, import.meta.url), path), type });
  }
  return out;
}

async function read(url: URL, path: string): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") {
    const [{ readFile }, { fileURLToPath }] = await Promise.all([
      import("node:fs/promises"),
      import("node:url"),
    ]);
    try {
      return new Uint8Array(await readFile(fileURLToPath(url)));
    } catch (error) {
      throw new Error(`web UI asset ${path} is missing`, { cause: error });
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`web UI asset ${path} is missing (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
