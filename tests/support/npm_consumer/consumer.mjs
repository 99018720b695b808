// A project that installed the npm package (run by tests/npm_package_test.ts under Node 20.6, Node 22 and
// Bun): plain JavaScript importing "@telepot/telepot-ts" by name, against the package's own emulator.
// Each scenario prints "ok <name>"; the first failure ends the process with its error.
import {
  Bot,
  ChatHandler,
  createOpen,
  DelegatorBot,
  localFile,
  nodeAdapter,
  paveEventSpace,
  perChatId,
  TelepotException,
  webhookHandler,
} from "@telepot/telepot-ts";
import { sqliteJournal } from "@telepot/telepot-ts/sqlite";
import { BotApiEmulator, WebUi } from "@telepot/telepot-ts/testing";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = await mkdtemp(join(tmpdir(), "telepot-npm-"));

async function scenario(name, fn) {
  const emu = await BotApiEmulator.start();
  try {
    const { token } = emu.createBot({ username: `${name}_bot` });
    const alice = emu.createUser({ first_name: "Alice" });
    await fn({ emu, alice, bot: { token, apiRoot: emu.apiRoot } });
  } finally {
    await emu.close();
  }
  console.log(`ok ${name}`);
}

function expect(actual, expected) {
  if (actual !== expected) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function echoTwice(emu, alice, bot, prefix) {
  const loop = bot.messageLoop(async (msg) => {
    await bot.sendMessage(msg.chat.id, `${prefix}: ${msg.text}`);
  }, { timeout: 1 });
  for (const text of ["one", "two"]) {
    await alice.sendText(alice.id, text);
    expect((await emu.nextBotMessage(alice.id, { timeout: 30 })).text, `${prefix}: ${text}`);
  }
  await loop.stop();
}

try {
  await scenario("polling", async ({ emu, alice, bot: { token, apiRoot } }) => {
    await echoTwice(emu, alice, new Bot(token, { apiRoot }), "echo");
  });

  await scenario("delegator", async ({ emu, alice, bot: { token, apiRoot } }) => {
    class Counter extends ChatHandler {
      count = 0;
      async onChatMessage() {
        this.count += 1;
        await this.sender.sendMessage(`count ${this.count}`);
      }
    }
    const bot = new DelegatorBot(
      token,
      [paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 })],
      {
        apiRoot,
      },
    );
    const loop = bot.messageLoop(undefined, { timeout: 1 });
    for (const n of [1, 2, 3]) {
      await alice.sendText(alice.id, `message ${n}`);
      expect((await emu.nextBotMessage(alice.id, { timeout: 30 })).text, `count ${n}`);
    }
    await loop.stop();
  });

  await scenario("upload", async ({ emu, alice, bot: { token, apiRoot } }) => {
    const path = join(dir, "notes.txt");
    await writeFile(path, "uploaded from a file on disk");
    const sent = await new Bot(token, { apiRoot }).sendDocument(alice.id, localFile(path));
    expect(sent.document.file_name, "notes.txt");
    expect((await emu.nextBotMessage(alice.id)).document.file_size, 28);
  });

  await scenario("download", async ({ alice, bot: { token, apiRoot } }) => {
    const received = await alice.sendDocument(
      alice.id,
      new TextEncoder().encode("report body"),
      "report.txt",
    );
    const path = join(dir, "report-copy.txt");
    await new Bot(token, { apiRoot }).downloadFile(received.document.file_id, path);
    expect(await readFile(path, "utf8"), "report body");
  });

  await scenario("webhook", async ({ emu, alice, bot: { token, apiRoot } }) => {
    const bot = new Bot(token, { apiRoot });
    const server = createServer(nodeAdapter(webhookHandler(bot, { secretToken: "npm-secret" })));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await bot.setWebhook(`http://127.0.0.1:${server.address().port}/hook`, { secret_token: "npm-secret" });
      await echoTwice(emu, alice, bot, "hooked");
      await bot.deleteWebhook();
    } finally {
      server.close();
    }
  });

  // Node 20 has no node:sqlite: the journal says so, as a TelepotException.
  await scenario("sqlite", async () => {
    const hasSqlite = await import("node:sqlite").then(() => true, () => false);
    const journal = sqliteJournal(join(dir, "bot.db"));
    const opened = await journal.open().then(() => "opened", (error) => error);
    if (hasSqlite) {
      expect(opened, "opened");
      journal.close();
    } else {
      expect(opened instanceof TelepotException && /need node:sqlite/.test(opened.message), true);
    }
  });

  await scenario("webui", async ({ emu }) => {
    const ui = await WebUi.start(emu, { port: 0 });
    try {
      const page = await fetch(ui.url);
      expect(page.status, 200);
      expect((await page.text()).toLowerCase().startsWith("<!doctype html>"), true);
    } finally {
      await ui.close();
    }
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
// Nothing more: the process ends by itself (the delegator's idle timeouts do not hold it open).
