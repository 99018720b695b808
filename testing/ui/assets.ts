/**
 * The page's static files (HTML, CSS, script), read once from beside this module: from disk in a checkout,
 * over HTTP when the package is imported from a registry.
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
    const response = await fetch(new URL(`./static${path}`, import.meta.url));
    if (!response.ok) throw new Error(`web UI asset ${path} is missing (${response.status})`);
    out.set(path, { body: new Uint8Array(await response.arrayBuffer()), type });
  }
  return out;
}
