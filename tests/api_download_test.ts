import assert from "node:assert/strict";
import { Api } from "../api/mod.ts";
import { BadInput, NetworkError, RequestTimeout, TelegramError, UnusableFile } from "../exception/mod.ts";
import { WireServer } from "./support/wire_server.ts";

const TOKEN = "4242:DOWNLOAD-token";
const content = new TextEncoder().encode("file body ✓ ".repeat(5000));

function fileInfo(filePath: string | undefined) {
  return () => ({ file_id: "F1", file_unique_id: "U1", file_size: content.byteLength, file_path: filePath });
}

async function withServer(fn: (server: WireServer, dir: string) => Promise<void>): Promise<void> {
  const server = WireServer.start();
  const dir = await Deno.makeTempDir();
  try {
    await fn(server, dir);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("downloadFile streams getFile's file_path into a path", async () => {
  await withServer(async (server, dir) => {
    server.files.set("documents/file_1.txt", content);
    server.on("getFile", fileInfo("documents/file_1.txt"));
    const api = new Api(TOKEN, { apiRoot: server.url });
    const file = await api.downloadFile("F1", `${dir}/out.txt`);
    assert.equal(file.file_path, "documents/file_1.txt");
    assert.deepEqual(await Deno.readFile(`${dir}/out.txt`), content);
    assert.deepEqual(server.calls("getFile")[0].json, { file_id: "F1" });
    assert.equal(server.requests[1].httpMethod, "GET");
    assert.equal(server.requests[1].path, `/file/bot${TOKEN}/documents/file_1.txt`);
  });
});

Deno.test("a file_path with characters a URL reserves (#, ?, %, space) is fetched as that path", async () => {
  await withServer(async (server, dir) => {
    const api = new Api(TOKEN, { apiRoot: server.url });
    for (const path of ["documents/notes.c#", "documents/q.a?b", "documents/data.%41", "documents/a b.txt"]) {
      server.files.set(path, content);
      server.on("getFile", fileInfo(path));
      await api.downloadFile("F1", `${dir}/out`);
      assert.deepEqual(await Deno.readFile(`${dir}/out`), content, path);
    }
  });
});

Deno.test("downloadFile into a WritableStream leaves it open for the caller", async () => {
  await withServer(async (server) => {
    server.files.set("photos/p.jpg", content);
    server.on("getFile", fileInfo("photos/p.jpg"));
    const chunks: Uint8Array[] = [];
    let closed = false;
    const sink = new WritableStream<Uint8Array>({
      write: (chunk) => void chunks.push(chunk),
      close: () => void (closed = true),
    });
    await new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", sink);
    assert.ok(!closed && !sink.locked, "the stream is still the caller's, open and unlocked");
    const writer = sink.getWriter();
    await writer.write(new Uint8Array([7]));
    await writer.close();
    assert.ok(closed);
    const joined = new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
    assert.deepEqual(joined, new Uint8Array([...content, 7]));
  });
});

Deno.test("an absolute file_path (local Bot API server) is copied from disk, not fetched", async () => {
  await withServer(async (server, dir) => {
    const local = `${dir}/server-storage.bin`;
    await Deno.writeFile(local, content);
    server.on("getFile", fileInfo(local));
    await new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", `${dir}/copy.bin`);
    assert.deepEqual(await Deno.readFile(`${dir}/copy.bin`), content);
    assert.deepEqual(server.requests.map((r) => r.botMethod), ["getFile"]);
  });
});

Deno.test("a server not on this machine naming a path here is refused, not read, unless localFiles says so", async () => {
  await withServer(async (server, dir) => {
    const secret = `${dir}/secret.env`;
    await Deno.writeTextFile(secret, "PASSWORD=hunter2");
    server.on("getFile", fileInfo(secret));
    // Telegram's own apiRoot, its requests carried to the loopback server by a fetch of the caller's.
    const viaProxy = (localFiles?: boolean) =>
      new Api(TOKEN, {
        fetch: (input, init) => fetch(String(input).replace("https://api.telegram.org", server.url), init),
        localFiles,
      });
    await assert.rejects(
      viaProxy().downloadFile("F1", `${dir}/out`),
      (e) => e instanceof BadInput && /localFiles/.test(e.message),
    );
    await assert.rejects(Deno.stat(`${dir}/out`), Deno.errors.NotFound, "nothing was written");
    await assert.rejects(
      new Api(TOKEN, { apiRoot: server.url, localFiles: false }).downloadFile("F1", `${dir}/out`),
      BadInput,
    );
    await viaProxy(true).downloadFile("F1", `${dir}/out`);
    assert.equal(await Deno.readTextFile(`${dir}/out`), "PASSWORD=hunter2");
    // Every spelling of this machine counts as local.
    for (
      const root of ["http://localhost.:1", "http://[::ffff:127.0.0.1]:1", "http://127.1:1", "http://[::1]:1"]
    ) {
      const api = new Api(TOKEN, {
        apiRoot: root,
        fetch: (input, init) => fetch(`${server.url}${new URL(String(input)).pathname}`, init),
      });
      await api.downloadFile("F1", `${dir}/out-local`);
      assert.equal(await Deno.readTextFile(`${dir}/out-local`), "PASSWORD=hunter2", root);
    }
    assert.throws(() => new Api(TOKEN, { localFiles: "yes" as never }), BadInput);
  });
});

Deno.test("the test environment downloads from /file/bot<token>/test/", async () => {
  await withServer(async (server, dir) => {
    server.files.set("voice/v.ogg", content);
    server.on("getFile", fileInfo("voice/v.ogg"));
    await new Api(TOKEN, { apiRoot: server.url, testEnvironment: true }).downloadFile("F1", `${dir}/v.ogg`);
    assert.deepEqual(server.requests.map((r) => r.path), [
      `/bot${TOKEN}/test/getFile`,
      `/file/bot${TOKEN}/test/voice/v.ogg`,
    ]);
  });
});

Deno.test("no file_path is BadInput; a missing file is a TelegramError and leaves no file behind", async () => {
  await withServer(async (server, dir) => {
    const api = new Api(TOKEN, { apiRoot: server.url });
    server.on("getFile", fileInfo(undefined));
    await assert.rejects(api.downloadFile("F1", `${dir}/none`), BadInput);
    server.on("getFile", fileInfo("documents/gone.txt"));
    const error = await api.downloadFile("F1", `${dir}/gone`).catch((e) => e);
    assert.ok(error instanceof TelegramError);
    assert.equal(error.errorCode, 404);
    assert.equal(error.method, "downloadFile");
    assert.ok(!String(error).includes(TOKEN) && !String(error.stack).includes(TOKEN));
    await assert.rejects(Deno.stat(`${dir}/gone`), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(`${dir}/none`), Deno.errors.NotFound);
  });
});

Deno.test("a download into a bad destination is BadInput", async () => {
  await withServer(async (server) => {
    server.files.set("a", content);
    server.on("getFile", fileInfo("a"));
    // deno-lint-ignore no-explicit-any
    await assert.rejects(new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", 42 as any), BadInput);
    await assert.rejects(new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", ""), BadInput);
    const locked = new WritableStream<Uint8Array>();
    locked.getWriter();
    await assert.rejects(new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", locked), BadInput);
    assert.equal(server.requests.length, 0, "checked before getFile");
  });
});

Deno.test("a download cut off half-way is a NetworkError and the partial file is removed", async () => {
  await withServer(async (server, dir) => {
    server.files.set("big.bin", () =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            controller.enqueue(new Uint8Array(64 * 1024));
            await new Promise((r) => setTimeout(r, 5));
            controller.error(new Error("connection dropped"));
          },
        }),
        { headers: { "content-length": String(1 << 20) } },
      ));
    server.on("getFile", fileInfo("big.bin"));
    const error = await new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", `${dir}/big.bin`)
      .catch((e) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.method, "downloadFile");
    assert.ok(!String(error).includes(TOKEN) && !String(error.stack).includes(TOKEN));
    await assert.rejects(Deno.stat(`${dir}/big.bin`), Deno.errors.NotFound);
  });
});

Deno.test("a download slower than its timeout is RequestTimeout; a WritableStream dest is let go of, not aborted", async () => {
  await withServer(async (server) => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => stop = r);
    server.files.set("slow.bin", () =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            controller.enqueue(new Uint8Array(1024));
            await stopped;
            controller.close();
          },
        }),
      ));
    server.on("getFile", fileInfo("slow.bin"));
    let aborted: unknown;
    const sink = new WritableStream<Uint8Array>({ abort: (reason) => void (aborted = reason ?? "aborted") });
    const error = await new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", sink, { timeout: 0.2 })
      .catch((e) => e);
    stop();
    assert.ok(error instanceof RequestTimeout, String(error));
    assert.equal(error.seconds, 0.2);
    assert.equal(aborted, undefined, "the caller's stream was not aborted");
    assert.ok(!sink.locked, "the caller's stream was released");
    await sink.getWriter().close();
  });
});

/** An UnusableFile for `path` of the download of F1, caused by the file system's `code`. */
function unusable(path: string, code = "ENOENT"): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof UnusableFile, String(error));
    assert.deepEqual([error.path, error.method, error.params], [path, "downloadFile", { file_id: "F1" }]);
    assert.match(error.message, /^downloadFile: cannot use the file /);
    assert.equal((error.cause as { code?: string }).code, code);
    return true;
  };
}

Deno.test("a destination that cannot be opened is UnusableFile, before the file itself is fetched", async () => {
  await withServer(async (server, dir) => {
    server.on("getFile", fileInfo("a"));
    server.files.set("a", content);
    const dest = `${dir}/no/such/dir/file`;
    await assert.rejects(new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", dest), unusable(dest));
    assert.deepEqual(server.requests.map((r) => r.botMethod), ["getFile"]);
  });
});

Deno.test("a local server's file that is not on the disk is UnusableFile, and the destination is removed again", async () => {
  await withServer(async (server, dir) => {
    const gone = `${dir}/server-storage/documents/gone.bin`;
    server.on("getFile", fileInfo(gone));
    const dest = `${dir}/copy.bin`;
    await assert.rejects(new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", dest), unusable(gone));
    await assert.rejects(Deno.stat(dest), Deno.errors.NotFound);
  });
});

Deno.test("a local server's file that fails while it is copied (a folder, opened but not read) is UnusableFile", async () => {
  await withServer(async (server, dir) => {
    const folder = `${dir}/server-storage`;
    await Deno.mkdir(folder);
    server.on("getFile", fileInfo(folder));
    const dest = `${dir}/copy.bin`;
    await assert.rejects(
      new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", dest),
      unusable(folder, "EISDIR"),
    );
    await assert.rejects(Deno.stat(dest), Deno.errors.NotFound);
  });
});

Deno.test("an error page that stalls while it is read is RequestTimeout, not a NetworkError", async () => {
  await withServer(async (server) => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => stop = r);
    server.files.set("gone.bin", () =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            controller.enqueue(new TextEncoder().encode("<html>Not"));
            await stopped;
            controller.close();
          },
        }),
        { status: 404, headers: { "content-type": "text/html" } },
      ));
    server.on("getFile", fileInfo("gone.bin"));
    const error = await new Api(TOKEN, { apiRoot: server.url }).downloadFile("F1", new WritableStream(), {
      timeout: 0.2,
    }).catch((e) => e);
    stop();
    assert.ok(error instanceof RequestTimeout, String(error));
    assert.equal(error.method, "downloadFile");
  });
});
