import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { Api, localFile } from "../api/mod.ts";
import { BadHTTPResponse, BadInput, BotWasBlockedError, UnauthorizedError } from "../exception/mod.ts";
import { blockedByUser, BotApiEmulator, tooManyRequests } from "../testing/mod.ts";

async function withEmulator(
  fn: (emu: BotApiEmulator, api: Api, userId: number, token: string) => Promise<void>,
) {
  const emu = await BotApiEmulator.start();
  try {
    const { token } = emu.createBot({ username: "wire_bot" });
    const user = emu.createUser({ first_name: "Alice" });
    await fn(emu, new Api(token, { apiRoot: emu.apiRoot, retry: { maxRetryAfter: 2 } }), user.id, token);
  } finally {
    await emu.close();
  }
}

Deno.test("the client's uploads are understood by the emulator and download back byte for byte", async () => {
  await withEmulator(async (_emu, api, userId) => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/notes ✓.txt`, "document content");
      const sent = await api.sendDocument(userId, localFile(`${dir}/notes ✓.txt`), { caption: "c" });
      assert.equal(sent.document?.file_name, "notes ✓.txt");
      assert.equal(sent.document?.file_size, 16);
      assert.equal(sent.caption, "c");
      await api.downloadFile(sent.document!.file_id, `${dir}/copy.txt`);
      assert.equal(await Deno.readTextFile(`${dir}/copy.txt`), "document content");
      const photo = await api.sendPhoto(
        userId,
        new File([new Uint8Array(100)], "pic.jpg", { type: "image/jpeg" }),
      );
      assert.ok((photo.photo?.length ?? 0) > 0);
      const album = await api.sendMediaGroup(userId, [
        { type: "photo", media: new Blob([new Uint8Array(10)]) },
        { type: "photo", media: ["b.jpg", new Uint8Array(20)] },
      ]);
      assert.equal(album.length, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("file names with backslashes and quotes reach the server as they are", async () => {
  await withEmulator(async (_emu, api, userId) => {
    for (const name of ["C:\\Users\\me\\report.txt", "report\\", "a\\\"b.txt", "100% \"done\"; ok.txt"]) {
      const sent = await api.sendDocument(userId, [name, new TextEncoder().encode("x")]);
      assert.equal(sent.document?.file_name, name);
    }
  });
});

Deno.test("in the test environment, files download from /file/bot<token>/test/", async () => {
  const emu = await BotApiEmulator.start();
  const dir = await Deno.makeTempDir();
  try {
    const { token } = emu.createBot({ username: "test_env_bot" });
    const user = emu.createUser({ first_name: "Alice" });
    const api = new Api(token, { apiRoot: emu.apiRoot, testEnvironment: true });
    const sent = await api.sendDocument(user.id, ["n.txt", new TextEncoder().encode("test env")]);
    await api.downloadFile(sent.document!.file_id, `${dir}/n.txt`);
    assert.equal(await Deno.readTextFile(`${dir}/n.txt`), "test env");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.close();
  }
});

async function* twoChunks() {
  yield new TextEncoder().encode("two ");
  yield new TextEncoder().encode("chunks");
}

Deno.test("a Node Readable (fs.createReadStream) and an async iterable of bytes upload as files", async () => {
  await withEmulator(async (_emu, api, userId) => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/from node.txt`, "node stream content");
      const readable = createReadStream(`${dir}/from node.txt`);
      const sent = await api.sendDocument(userId, readable);
      assert.equal(sent.document?.file_name, "from node.txt", "named after the stream's path");
      await api.downloadFile(sent.document!.file_id, `${dir}/copy1.txt`);
      assert.equal(await Deno.readTextFile(`${dir}/copy1.txt`), "node stream content");
      const pair = await api.sendDocument(userId, ["gen.txt", twoChunks()]);
      assert.equal(pair.document?.file_name, "gen.txt");
      await api.downloadFile(pair.document!.file_id, `${dir}/copy2.txt`);
      assert.equal(await Deno.readTextFile(`${dir}/copy2.txt`), "two chunks");
      // Text chunks (a stream with an encoding set) are not file content: refused, not sent as text.
      await assert.rejects(
        api.sendDocument(userId, Readable.from(["not", "bytes"])),
        (e) => e instanceof BadInput && /stream of bytes/.test(e.message),
      );
      await assert.rejects(
        api.sendDocument(userId, createReadStream(`${dir}/from node.txt`, { encoding: "utf8" })),
        BadInput,
      );
      // A call that ends before a request reads the stream lets go of it.
      const unsent = createReadStream(`${dir}/from node.txt`);
      await assert.rejects(
        api.call("sendDocument", { chat_id: userId, document: unsent }, { signal: AbortSignal.abort() }),
      );
      assert.equal(unsent.destroyed, true, "destroyed when the call was aborted before sending");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("the emulator's refusals map to telepot's error classes; 429 is retried", async () => {
  await withEmulator(async (emu, api, userId, token) => {
    emu.injectFault({ method: "sendMessage", times: 1, error: tooManyRequests(1) });
    assert.equal((await api.sendMessage(userId, "after flood")).text, "after flood");
    emu.injectFault({ method: "sendMessage", times: 1, error: blockedByUser() });
    await assert.rejects(api.sendMessage(userId, "x"), BotWasBlockedError);
    emu.injectFault({ method: "getMe", times: 1, html: true, status: 502 });
    const plain = new Api(token, { apiRoot: emu.apiRoot });
    await assert.rejects(plain.getMe(), (e) => e instanceof BadHTTPResponse && e.status === 502);
    const retrying = new Api(token, { apiRoot: emu.apiRoot, retry: { backoff: 0.01 } });
    emu.injectFault({ method: "getMe", times: 1, html: true, status: 502 });
    assert.equal((await retrying.getMe()).username, "wire_bot");
    await assert.rejects(new Api("1:not-a-bot", { apiRoot: emu.apiRoot }).getMe(), UnauthorizedError);
  });
});
