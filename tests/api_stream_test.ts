import assert from "node:assert/strict";
import { WireServer } from "./support/wire_server.ts";

const MB = 1 << 20;

Deno.test("a 200 MB streamed upload is never held in memory whole", async () => {
  const server = WireServer.start();
  server.countOnly.add("sendDocument");
  try {
    const child = new URL("./support/api_big_upload.ts", import.meta.url).pathname;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", child, server.url, "200"],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(output.success, "the uploading process succeeded");
    const { sent, growth } = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(sent, 200 * MB);
    const [request] = server.calls("sendDocument");
    assert.ok(request.bodySize > sent, `the server received the whole body (${request.bodySize} bytes)`);
    assert.match(request.head, /name="document"; filename="big.bin"/);
    assert.match(request.head, /name="caption"\r\n\r\nbig\r\n/);
    assert.ok(growth < 100 * MB, `resident memory grew by ${(growth / MB).toFixed(0)} MB during the upload`);
  } finally {
    await server.close();
  }
});
