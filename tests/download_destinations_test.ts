import assert from "node:assert/strict";
import { open } from "node:fs/promises";
import { Api } from "../api/mod.ts";
import { TelegramError } from "../exception/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";

// telepot's download_file(file_id, dest) takes a path or a file object, and a file object stays the
// caller's: these write downloads into files and streams the test opened, then keep using them.
const encode = (text: string) => new TextEncoder().encode(text);

async function withDocuments(
  fn: (api: Api, fileIds: [string, string], dir: string, chatId: number) => Promise<void>,
): Promise<void> {
  await using emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "files_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  const first = await alice.sendDocument(alice.id, encode("first document"), "a.txt");
  const second = await alice.sendDocument(alice.id, encode("second document"), "b.txt");
  const dir = await Deno.makeTempDir({ prefix: "telepot-dest-" });
  try {
    await fn(
      new Api(token, { apiRoot: emu.apiRoot }),
      [first.document!.file_id, second.document!.file_id],
      dir,
      alice.id,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("downloadFile writes into an open Deno.FsFile at its position and leaves it open", async () => {
  await withDocuments(async (api, [a, b], dir) => {
    const file = await Deno.open(`${dir}/out.txt`, { write: true, create: true });
    try {
      await file.write(encode("<"));
      await api.downloadFile(a, file);
      await file.write(encode("|"));
      await api.downloadFile(b, file);
      await file.write(encode(">"));
    } finally {
      file.close();
    }
    assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "<first document|second document>");
  });
});

Deno.test("downloadFile writes into a node:fs FileHandle at its position and leaves it open", async () => {
  await withDocuments(async (api, [a, b], dir) => {
    const handle = await open(`${dir}/out.txt`, "w");
    try {
      await handle.write(encode("<"));
      await api.downloadFile(a, handle);
      await api.downloadFile(b, handle);
      await handle.write(encode(">"));
    } finally {
      await handle.close();
    }
    assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "<first documentsecond document>");
  });
});

Deno.test("two downloads into one WritableStream: it stays open until the caller closes it", async () => {
  await withDocuments(async (api, [a, b]) => {
    const parts: string[] = [];
    let closed = false;
    const decoder = new TextDecoder();
    const sink = new WritableStream<Uint8Array>({
      write: (chunk) => void parts.push(decoder.decode(chunk, { stream: true })),
      close: () => void (closed = true),
    });
    await api.downloadFile(a, sink);
    await api.downloadFile(b, sink);
    assert.equal(closed, false);
    await sink.close();
    assert.equal(parts.join(""), "first documentsecond document");
  });
});

Deno.test("a failed download into a caller's file leaves the file open and its content alone", async () => {
  await withDocuments(async (api, _ids, dir) => {
    const file = await Deno.open(`${dir}/out.txt`, { write: true, create: true });
    const handle = await open(`${dir}/out2.txt`, "w");
    try {
      await file.write(encode("kept"));
      await assert.rejects(api.downloadFile("no-such-file", file), TelegramError);
      await assert.rejects(api.downloadFile("no-such-file", handle), TelegramError);
      await file.write(encode(" and more"));
      await handle.write(encode("still open"));
    } finally {
      file.close();
      await handle.close();
    }
    assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "kept and more");
    assert.equal(await Deno.readTextFile(`${dir}/out2.txt`), "still open");
  });
});

Deno.test("an open node:fs FileHandle uploads from its current position and is closed after", async () => {
  await withDocuments(async (api, _ids, dir, chatId) => {
    await Deno.writeTextFile(`${dir}/in.txt`, "skip|the rest is sent");
    const handle = await open(`${dir}/in.txt`, "r");
    await handle.read(new Uint8Array(5), 0, 5, null);
    const sent = await api.sendDocument(chatId, ["upload.txt", handle]);
    assert.equal(sent.document?.file_name, "upload.txt");
    await assert.rejects(handle.stat(), "the upload closed the handle");
    const copy = `${dir}/copy.txt`;
    await api.downloadFile(sent.document!.file_id, copy);
    assert.equal(await Deno.readTextFile(copy), "the rest is sent");
  });
});
