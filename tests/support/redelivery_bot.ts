// A bot process for tests/persist_redelivery_test.ts: polling with the memory journal (so Telegram sends
// again every update from the last offset it confirmed), counting each chat's messages in a SQLite
// storage of its own, either in a persistent delegate's state (`delegate`) or in a session
// (`session`). A message "hang" never finishes while `hang` is set: it holds the offset back.
// Appends to `out`: `R <pid>` once started; `C <chat> <count> <update_id> <pid>` per counted message.
import { Bot } from "../../bot/bot.ts";
import { DelegatorBot } from "../../bot/delegator_bot.ts";
import type { LoopMessage } from "../../bot/handler.ts";
import { originOf } from "../../bot/update_kind.ts";
import { paveEventSpace } from "../../delegate/compose.ts";
import { createOpen } from "../../delegate/delegators.ts";
import { perChatId } from "../../delegate/seeders.ts";
import { ChatHandler } from "../../helper/handlers.ts";
import { persist } from "../../storage/persistence.ts";
import { withSession } from "../../storage/session.ts";
import { sqliteStorage } from "../../storage/sqlite_storage.ts";

/** What the bot process is told, as JSON in its first argument. */
export interface Config {
  readonly apiRoot: string;
  readonly token: string;
  /** The storage's file. */
  readonly storage: string;
  readonly out: string;
  readonly mode: "delegate" | "session";
  /** Whether "hang" never finishes. */
  readonly hang: boolean;
}

const config: Config = JSON.parse(Deno.args[0]);
const out = await Deno.open(config.out, { append: true, create: true });
const encoder = new TextEncoder();

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

// Counts `msg` as the `count`th of its chat, or never finishes for "hang".
async function count(msg: LoopMessage, count: number): Promise<void> {
  if (msg.text === "hang" && config.hang) await new Promise(() => {});
  write(`C ${msg.chat.id} ${count} ${originOf(msg)?.updateId ?? -1} ${Deno.pid}`);
}

class Counter extends ChatHandler {
  state = { count: 0 };

  async onChatMessage(msg: LoopMessage): Promise<void> {
    this.state.count += 1;
    await count(msg, this.state.count);
  }
}

// The hanging update holds the offset for as long as the test needs.
const options = { timeout: 1, relax: 0, runForever: true, stuckAfter: Infinity } as const;
if (config.mode === "delegate") {
  const bot = new DelegatorBot(config.token, [
    paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 600 }),
  ], { apiRoot: config.apiRoot });
  await persist(bot, sqliteStorage(config.storage));
  write(`R ${Deno.pid}`);
  bot.messageLoop(undefined, options);
} else {
  const bot = new Bot(config.token, { apiRoot: config.apiRoot });
  const storage = sqliteStorage(config.storage);
  await storage.open();
  write(`R ${Deno.pid}`);
  bot.messageLoop(
    withSession<{ count: number }>(async (msg, session) => {
      session!.state!.count += 1;
      await count(msg, session!.state!.count);
    }, { storage, initial: () => ({ count: 0 }) }),
    options,
  );
}
