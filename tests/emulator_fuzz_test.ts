import assert from "node:assert/strict";
import { METHODS } from "../api/spec.gen.ts";
import { seededRandom } from "../examples/_seeded_random.ts";
import { Bot } from "../mod.ts";
import { BotApiEmulator, type EmulatorWarning } from "../testing/mod.ts";
import { recordConsoleErrors } from "./support/console_errors.ts";

const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "__defineGetter__",
  "prototype",
];
// Methods whose effects reach outside the hostile bot's own state (outgoing webhooks) or that wait.
const SKIPPED = new Set(["setWebhook", "getUpdates"]);
const METHOD_NAMES = Object.keys(METHODS).filter((name) => !SKIPPED.has(name));

function fuzzer(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const keyFor = (method: string): string => {
    const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (random() < 0.5 || spec === undefined || spec.params.length === 0) return pick(PROTOTYPE_KEYS);
    return pick(spec.params).name;
  };
  const value = (depth: number): unknown => {
    const r = random();
    if (r < 0.15) return pick(PROTOTYPE_KEYS);
    if (r < 0.25) return Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1);
    if (r < 0.3) return random() < 0.5 ? 1e308 : -0.5;
    if (r < 0.35) return null;
    if (r < 0.4) return random() < 0.5;
    if (r < 0.5) return "<b><constructor>x</constructor></b>";
    if (r < 0.6 && depth < 4) return [value(depth + 1), value(depth + 1)];
    if (r < 0.8 && depth < 4) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < 3; i++) {
        Object.defineProperty(obj, random() < 0.5 ? pick(PROTOTYPE_KEYS) : pick(["type", "media", "text"]), {
          value: value(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return obj;
    }
    return "x".repeat(Math.floor(random() * 40));
  };
  const params = (method: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      // defineProperty: a "__proto__" key must be sent as data, as a hostile client would.
      Object.defineProperty(out, keyFor(method), {
        value: value(0),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  };
  return { pick, params, method: () => random() < 0.05 ? pick(PROTOTYPE_KEYS) : pick(METHOD_NAMES) };
}

/** One malformed request as RequestInit plus a query string. */
function malformed(
  f: ReturnType<typeof fuzzer>,
  random: () => number,
): { method: string; init: RequestInit; query: string } {
  const method = f.method();
  const params = f.params(method);
  const json = JSON.stringify(params);
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) form.append(k, typeof v === "string" ? v : JSON.stringify(v));
  switch (Math.floor(random() * 8)) {
    case 0:
      return {
        method,
        query: "",
        init: { method: "POST", headers: { "content-type": "application/json" }, body: json },
      };
    case 1:
      return {
        method,
        query: "",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: json.slice(0, json.length >> 1),
        },
      };
    case 2:
      return { method, query: form.toString(), init: { method: "GET" } };
    case 3:
      return {
        method,
        query: "",
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        },
      };
    case 4: {
      const body = new FormData();
      for (const [k, v] of form) body.append(k, v);
      body.append(
        f.pick(["photo", "document", "__proto__", "constructor"]),
        new Blob([new Uint8Array(64)]),
        "f.bin",
      );
      return { method, query: "", init: { method: "POST", body } };
    }
    case 5:
      return {
        method,
        query: "",
        init: {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=XyZ" },
          body:
            `--XyZ\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{}\r\n--XyZ\r\nContent-Disp`,
        },
      };
    case 6:
      return {
        method,
        query: "",
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: f.pick([
            "[]",
            "null",
            "1",
            "\"s\"",
            "{\"__proto__\":{\"x\":1}}",
            "{\"a\":" + "[".repeat(5000),
          ]),
        },
      };
    default:
      return {
        method,
        query: `${encodeURIComponent(f.pick(PROTOTYPE_KEYS))}=1&chat_id=__proto__`,
        init: { method: "POST", headers: { "content-type": "text/plain" }, body: json },
      };
  }
}

/** A body of `size` bytes sent in 64 KiB chunks without a Content-Length (chunked encoding). */
function chunkedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(65536, size - sent)).fill(0x20);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

Deno.test("emulator fuzz: 3,000 malformed requests, prototype keys and chunked oversize bodies never give a 500, and a normal bot still gets its answers", async () => {
  using consoleErrors = recordConsoleErrors();
  const warnings: EmulatorWarning[] = [];
  await using emu = await BotApiEmulator.start({
    bodyLimits: { maxBodyBytes: 1 << 20, maxFileBytes: 100_000, maxParts: 100 },
    onWarning: (warning) => warnings.push(warning),
  });
  const hostile = emu.createBot({ username: "hostile_bot" });
  const normal = emu.createBot({ username: "normal_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "/start", { to: hostile });
  const seed = 20261204;
  // Seeded, so a failing request can be reproduced from the seed in the message.
  const random = seededRandom(seed);
  const f = fuzzer(random);
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];
  const total = 3000;
  let next = 0;
  async function worker() {
    while (next < total) {
      const index = next++;
      const { method, init, query } = malformed(f, random);
      // One in ten goes to a malformed path instead: files, tokens and methods named after prototype keys.
      const path = random() < 0.1
        ? f.pick([
          `/file/bot${hostile.token}/${f.pick(PROTOTYPE_KEYS)}`,
          `/file/bot${hostile.token}/%zz/${method}`,
          `/file/bot${f.pick(PROTOTYPE_KEYS)}/x`,
          `/bot${f.pick(PROTOTYPE_KEYS)}/getMe`,
          `/bot${hostile.token}/`,
          `/bot${hostile.token}/test/${f.pick(PROTOTYPE_KEYS)}`,
          `/bot${hostile.token}%/${method}`,
          `/${f.pick(PROTOTYPE_KEYS)}`,
        ])
        : `/bot${hostile.token}/${method}`;
      const url = `${emu.apiRoot}${path}${query ? `?${query}` : ""}`;
      const response = await fetch(url, init);
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) serverErrors.push(`#${index} ${method} ${init.body ?? query}: ${text}`);
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.deepEqual(serverErrors.slice(0, 5), [], `seed ${seed}`);
  assert.ok(
    (statuses.get(400) ?? 0) > total / 4,
    `most are refused with 400: ${JSON.stringify([...statuses])}`,
  );

  // Chunked bodies past the limit, of every content type: 413, and the body is not buffered whole.
  for (
    const type of ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=B"]
  ) {
    const response = await fetch(`${emu.apiRoot}/bot${hostile.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": type },
      body: chunkedBody(8 << 20),
      duplex: "half",
    } as RequestInit);
    await response.body?.cancel();
    assert.equal(response.status, 413, type);
  }

  // Multipart within the body limit but past the part limits: a file too large, too many parts.
  const bigFile = new FormData();
  bigFile.append("chat_id", "1");
  bigFile.append("document", new Blob([new Uint8Array(200_000)]), "big.bin");
  const manyParts = new FormData();
  for (let i = 0; i < 500; i++) manyParts.append(`p${i}`, "");
  for (const body of [bigFile, manyParts]) {
    const response = await fetch(`${emu.apiRoot}/bot${hostile.token}/sendDocument`, { method: "POST", body });
    await response.body?.cancel();
    assert.equal(response.status, 413);
  }

  // Each prototype key, in each encoding, is an unknown parameter: ignored with a warning, as Telegram
  // ignores it (the call goes on to "chat not found"), and refused with a 400 in strict mode.
  await using strict = await BotApiEmulator.start({ strict: true });
  const strictBot = strict.createBot({ username: "strict_bot" });
  const withKey = (root: string, token: string, key: string) => {
    const json = `{"chat_id":1,"text":"x","${key}":{"a":1}}`;
    const form = `chat_id=1&text=x&${key}=1`;
    return Promise.all([
      fetch(`${root}/bot${token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json,
      }),
      fetch(`${root}/bot${token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      }),
      fetch(`${root}/bot${token}/sendMessage?${form}`),
    ]);
  };
  for (const key of ["__proto__", "constructor", "toString", "valueOf"]) {
    const before = warnings.length;
    for (const answer of await withKey(emu.apiRoot, hostile.token, key)) {
      const body = await answer.json();
      assert.equal(answer.status, 400, key);
      assert.equal(body.description, "Bad Request: chat not found", key);
    }
    const warned = warnings.slice(before).filter((w) => w.method === "sendMessage" && w.parameter === key);
    assert.equal(warned.length, 3, `a warning for each encoding of ${key}`);
    for (const answer of await withKey(strict.apiRoot, strictBot.token, key)) {
      const body = await answer.json();
      assert.equal(answer.status, 400, key);
      assert.equal(body.description, `Bad Request: unknown parameter "${key}"`);
    }
  }

  assert.deepEqual(consoleErrors.calls, [], "the emulator reported no internal error");

  const bot = new Bot(normal.token, { apiRoot: emu.apiRoot });
  assert.equal((await bot.getMe()).username, "normal_bot");
  await alice.sendText(alice.id, "still there?", { to: normal });
  const updates = await bot.getUpdates({ timeout: 5 });
  assert.equal(updates.at(-1)?.message?.text, "still there?");
  await bot.sendMessage(alice.id, "yes");
  assert.equal((await emu.nextBotMessage(alice, { bot: normal })).text, "yes");
});

/** A body that sends `size` bytes and then holds the request open until `signal` aborts. */
function stallingBody(size: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array(size).fill(0x20));
        return;
      }
      // Errored once aborted, so that the connection carrying it ends.
      if (signal.aborted) return controller.error(signal.reason);
      return new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true })
      );
    },
  });
}

Deno.test("emulator: one bot holding its whole body budget with stalled uploads gets 429; another bot's upload goes through", async () => {
  await using emu = await BotApiEmulator.start({
    bodyLimits: { maxBodyBytes: 1 << 20, maxBytesPerBot: 4 << 20, bodyTimeout: 60 },
  });
  const hostile = emu.createBot({ username: "hostile_bot" });
  const normal = emu.createBot({ username: "normal_bot" });
  const alice = emu.createUser({ first_name: "Alice" });
  await alice.sendText(alice.id, "/start", { to: normal });
  const stop = new AbortController();
  const stalled: Promise<unknown>[] = [];
  try {
    const post = (token: string) =>
      fetch(`${emu.apiRoot}/bot${token}/sendDocument`, {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=B" },
        body: stallingBody(900_000, stop.signal),
        duplex: "half",
        signal: stop.signal,
      } as RequestInit);
    for (let i = 0; i < 8; i++) stalled.push(post(hostile.token).then((r) => r.status, () => "aborted"));
    // 8 x 900 KB would need 8 x 1 MiB buffers: past the 4 MiB share, the rest are refused with 429.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refused = await Promise.race([
      Promise.any(stalled.map((p) => p.then((status) => status === 429 ? status : Promise.reject()))),
      new Promise((resolve) => timer = setTimeout(() => resolve("none within 30 s"), 30_000)),
    ]);
    clearTimeout(timer);
    assert.equal(refused, 429);
    const bot = new Bot(normal.token, { apiRoot: emu.apiRoot });
    const sent = await bot.sendDocument(alice.id, ["a.txt", new Uint8Array(500_000)]);
    assert.equal(sent.document?.file_size, 500_000);
  } finally {
    stop.abort();
    await Promise.allSettled(stalled);
  }
});

Deno.test("emulator: bodies that sent one byte and stalled count the network buffer they hold against the bot's budget", async () => {
  await using emu = await BotApiEmulator.start({
    bodyLimits: { maxBodyBytes: 1 << 20, maxBytesPerBot: 256 * 1024, bodyTimeout: 30 },
  });
  const hostile = emu.createBot({ username: "hostile_bot" });
  const port = Number(new URL(emu.apiRoot).port);
  const connections: Deno.TcpConn[] = [];
  try {
    const answers: Promise<string>[] = [];
    for (let i = 0; i < 8; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      connections.push(conn);
      await conn.write(new TextEncoder().encode(
        `POST /bot${hostile.token}/sendMessage HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{`,
      ));
      const buffer = new Uint8Array(256);
      answers.push(
        conn.read(buffer).then((n) => new TextDecoder().decode(buffer.subarray(0, n ?? 0)), () => ""),
      );
    }
    // Each byte waiting uncopied holds a read buffer of 64 KiB: four of them fill the 256 KiB share, so
    // the others are refused at once, long before the 30 s body deadline.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refused = await Promise.race([
      Promise.any(answers.map((a) => a.then((text) => text.includes(" 429 ") ? 429 : Promise.reject()))),
      new Promise((resolve) => timer = setTimeout(() => resolve("none within 10 s"), 10_000)),
    ]);
    clearTimeout(timer);
    assert.equal(refused, 429);
  } finally {
    for (const conn of connections) conn.close();
  }
});
