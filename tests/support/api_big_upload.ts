/**
 * Child process of tests/api_stream_test.ts: uploads a generated stream through `Api` and prints the
 * growth of its own resident memory as JSON. Running apart keeps other test modules' allocations out
 * of the measurement.
 *
 * Usage: `deno run -A api_big_upload.ts <apiRoot> <megabytes>`
 *
 * @module
 */
import { Api } from "../../api/mod.ts";

const [apiRoot, megabytes] = Deno.args;
const total = Number(megabytes) * (1 << 20);
const chunkSize = 256 * 1024;
const api = new Api("777:STREAM-token", { apiRoot });
await api.getMe();
const before = Deno.memoryUsage().rss;
let peak = before;
let sent = 0;
const stream = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (sent >= total) {
      controller.close();
      return;
    }
    const chunk = new Uint8Array(chunkSize);
    chunk.fill((sent / chunkSize) & 0xff);
    controller.enqueue(chunk);
    sent += chunkSize;
    peak = Math.max(peak, Deno.memoryUsage().rss);
  },
});
await api.call("sendDocument", { chat_id: 1, caption: "big", document: ["big.bin", stream] });
console.log(JSON.stringify({ sent, growth: peak - before }));
