import assert from "node:assert/strict";
import { Api } from "../api/mod.ts";
import { WireServer } from "./support/wire_server.ts";

const MB = 1 << 20;
const TOTAL = 200 * MB;
const CHUNK = 256 * 1024;

/** A 200 MB upload generated chunk by chunk, sampling the process's memory as it goes. */
function generated(samples: number[]): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= TOTAL) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(CHUNK);
      chunk.fill(sent / CHUNK & 0xff);
      controller.enqueue(chunk);
      sent += CHUNK;
      if ((sent / CHUNK) % 40 === 0) samples.push(Deno.memoryUsage().rss);
    },
  });
}

Deno.test("a 200 MB streamed upload is never held in memory whole", async () => {
  const server = WireServer.start();
  server.countOnly.add("sendDocument");
  try {
    const api = new Api("777:STREAM-token", { apiRoot: server.url });
    await api.getMe();
    const before = Deno.memoryUsage().rss;
    const samples: number[] = [];
    await api.call("sendDocument", { chat_id: 1, caption: "big", document: ["big.bin", generated(samples)] });
    const [request] = server.calls("sendDocument");
    assert.ok(request.bodySize > TOTAL, `the server received the whole body (${request.bodySize} bytes)`);
    assert.match(request.head, /name="document"; filename="big.bin"/);
    assert.match(request.head, /name="caption"\r\n\r\nbig\r\n/);
    assert.ok(samples.length > 10);
    const growth = Math.max(...samples) - before;
    assert.ok(growth < 100 * MB, `resident memory grew by ${(growth / MB).toFixed(0)} MB during the upload`);
  } finally {
    await server.close();
  }
});
