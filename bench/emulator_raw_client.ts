/**
 * A minimal keep-alive HTTP/1.1 client over Deno.connect for the benches: fetch costs more CPU per call than
 * the emulator spends answering, so measuring with fetch alone would measure fetch. Each connection sends
 * one request at a time and reads the answer by its content-length.
 *
 * @module
 */

const encoder = new TextEncoder();
const HEADER_END = [13, 10, 13, 10];

function indexOfHeaderEnd(buf: Uint8Array, length: number): number {
  outer: for (let i = 0; i + 3 < length; i++) {
    for (let j = 0; j < 4; j++) if (buf[i + j] !== HEADER_END[j]) continue outer;
    return i;
  }
  return -1;
}

function contentLength(head: string): number {
  const at = head.toLowerCase().indexOf("content-length:");
  if (at < 0) throw new Error("answer without content-length");
  return parseInt(head.slice(at + 15, head.indexOf("\r\n", at)), 10);
}

/** POSTs a JSON body to `path` over `connections` keep-alive connections, `count` times in total. */
export async function postMany(
  port: number,
  path: string,
  body: string,
  count: number,
  connections: number,
): Promise<void> {
  const payload = encoder.encode(body);
  const request = encoder.encode(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${payload.byteLength}\r\n\r\n${body}`,
  );
  let next = 0;
  const lane = async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const buf = new Uint8Array(1 << 16);
    try {
      while (next++ < count) {
        await conn.write(request);
        let filled = 0;
        let need = -1;
        for (;;) {
          const n = await conn.read(buf.subarray(filled));
          if (n === null) throw new Error("connection closed");
          filled += n;
          if (need < 0) {
            const end = indexOfHeaderEnd(buf, filled);
            if (end < 0) continue;
            const head = new TextDecoder().decode(buf.subarray(0, end));
            if (!head.startsWith("HTTP/1.1 200")) throw new Error(head.split("\r\n")[0]);
            need = end + 4 + contentLength(head);
          }
          if (filled >= need) break;
        }
      }
    } finally {
      conn.close();
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
}
