// A persistent delegate that reads its listener while handling a message (a conversation's
// `listener.wait()`, or `listener.handled()` before work that goes on), with its state in the SQLite
// journal's file, polling the emulator: each save is committed, with the acknowledgement of the message
// the delegate holds when it saves, and the chat's later updates are acknowledged too.
import assert from "node:assert/strict";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import type { LoopMessage } from "../bot/handler.ts";
import { SqliteJournal } from "../bot/sqlite_journal.ts";
import { paveEventSpace } from "../delegate/compose.ts";
import { createOpen } from "../delegate/delegators.ts";
import { perChatId } from "../delegate/seeders.ts";
import { ChatHandler } from "../helper/handlers.ts";
import { persist } from "../storage/persistence.ts";
import { SqliteStorage } from "../storage/sqlite_storage.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

class Asker extends ChatHandler {
  state = { answers: [] as string[] };

  async onChatMessage(msg: LoopMessage): Promise<void> {
    if (msg.text === "ask") {
      await this.sender.sendMessage("sure?");
      const reply = await this.listener.wait({ timeout: 30 });
      this.state.answers.push(`ask:${reply.text}`);
      return;
    }
    if (msg.text === "job") {
      // Work that goes on after its message is let go: the chat's next updates need not wait for it.
      this.listener.handled();
      await new Promise((r) => setTimeout(r, 100));
    }
    this.state.answers.push(String(msg.text));
  }
}

Deno.test("state saved after listener.wait() or listener.handled() is committed, and the chat's later acks with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "persist_listener_" });
  const db = `${dir}/bot.db`;
  const emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "asker_bot" });
  const user = emu.createUser({ first_name: "U" });
  const bot = new DelegatorBot(token, [paveEventSpace()(perChatId(), createOpen, Asker, { timeout: 600 })], {
    apiRoot: emu.apiRoot,
  });
  const persistence = await persist(bot, db);
  const errors: unknown[] = [];
  const loop = bot.messageLoop(undefined, {
    timeout: 1,
    relax: 0,
    journal: db,
    onError: (e) => errors.push(e),
  });
  const reader = new SqliteStorage(db);
  try {
    await reader.open();
    const stored = () =>
      (reader.get(`state:Asker:${user.id}`)?.value as { state: { answers: string[] } } | undefined)?.state
        .answers;
    for (const text of ["a", "ask", "yes", "b", "job", "c"]) await user.sendText(user.id, text);
    // Committed while the loop runs, not only by a stop: a save waiting for an update already
    // acknowledged would never be.
    await until(() => stored()?.length === 5, 30, "every answer stored");
    assert.deepEqual(stored(), ["a", "ask:yes", "b", "job", "c"]);
    await loop.stop();
    await persistence.close();
    const journal = new SqliteJournal(db);
    await journal.open();
    try {
      assert.deepEqual(journal.unacked(), [], "every update acknowledged");
    } finally {
      journal.close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await loop.stop();
    reader.close();
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
});
