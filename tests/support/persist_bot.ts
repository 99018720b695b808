// A bot process for the persistence tests: the README's MessageCounter with its state in a SQLite
// storage (the journal in the same file, or `storage` a file of its own) or in a Redis storage
// (`redis`, its URL; the journal still in `db`), killed and restarted by
// tests/persist_crash_test.ts.
// Appends to `out`: `R <restored events> <start ms> <pid>` once started; `C <chat> <count> <update_id>
// <pid>` per counted message; `A <chat> <count> <pid>` per alarm; `I <chat> <count> <fired ms> <pid>`
// per idle timeout; `E <update_id> <error class>` per onError report.
// Texts: "alarm <seconds>" schedules an `_alarm` that many seconds ahead; anything else is counted.
import { DelegatorBot } from "../../bot/delegator_bot.ts";
import type { LoopMessage } from "../../bot/handler.ts";
import { originOf } from "../../bot/update_kind.ts";
import { paveEventSpace } from "../../delegate/compose.ts";
import { createOpen } from "../../delegate/delegators.ts";
import { perChatId } from "../../delegate/seeders.ts";
import type { IdleEvent } from "../../helper/handler_methods.ts";
import { ChatHandler } from "../../helper/handlers.ts";
import { redisStorage } from "../../redis/mod.ts";
import { persist } from "../../storage/persistence.ts";
import { sqliteStorage } from "../../storage/sqlite_storage.ts";
import type { SetOptions, Storage } from "../../storage/storage.ts";

/** What the bot process is told, as JSON in its first argument. */
export interface Config {
  readonly apiRoot: string;
  readonly token: string;
  readonly db: string;
  /**
   * The storage's file, when not the journal's (`db`). Its writes then answer 20 ms after they are
   * committed, so a kill often lands between a state save and the acknowledgement.
   */
  readonly storage?: string;
  /** A Redis server's URL: the state is kept there instead. */
  readonly redis?: string;
  readonly out: string;
  /** Idle seconds of each chat's counter. */
  readonly timeout: number;
}

const config: Config = JSON.parse(Deno.args[0]);
const started = Date.now();
const out = await Deno.open(config.out, { append: true, create: true });
const encoder = new TextEncoder();

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

class MessageCounter extends ChatHandler {
  state = { count: 0 };

  async onChatMessage(msg: LoopMessage): Promise<void> {
    const [word, seconds] = String(msg.text).split(" ");
    if (word === "alarm") {
      this.scheduler.eventLater(Number(seconds), ["_alarm", {
        count: this.state.count,
      }]);
      await this.sender.sendMessage(`alarm in ${seconds} s`);
      return;
    }
    this.state.count += 1;
    await this.sender.sendMessage(String(this.state.count));
    write(
      `C ${this.chatId} ${this.state.count} ${originOf(msg)?.updateId ?? -1} ${Deno.pid}`,
    );
  }

  async onAlarm(): Promise<void> {
    await this.sender.sendMessage("alarm!");
    write(`A ${this.chatId} ${this.state.count} ${Deno.pid}`);
  }

  override onIdle(event: IdleEvent): unknown {
    write(`I ${this.chatId} ${this.state.count} ${Date.now()} ${Deno.pid}`);
    return super.onIdle(event);
  }
}

function lagging(storage: Storage): Storage {
  return {
    open: () => storage.open(),
    get: (key) => storage.get(key),
    async set(key: string, value: unknown, options?: SetOptions) {
      const version = await storage.set(key, value, options);
      await new Promise((r) => setTimeout(r, 20));
      return version;
    },
    delete: (key, version) => storage.delete(key, version),
    scan: (prefix) => storage.scan(prefix),
    close: () => storage.close(),
  };
}

const bot = new DelegatorBot(config.token, [
  paveEventSpace()(perChatId(), createOpen, MessageCounter, {
    timeout: config.timeout,
  }),
], { apiRoot: config.apiRoot });
await persist(
  bot,
  config.redis !== undefined
    ? redisStorage({ url: config.redis })
    : config.storage === undefined
    ? config.db
    : lagging(sqliteStorage(config.storage)),
);
write(`R ${bot.scheduler.size} ${started} ${Deno.pid}`);
bot.messageLoop(undefined, {
  timeout: 1,
  relax: 0,
  backoff: { initial: 0.05, max: 0.2 },
  journal: config.db,
  runForever: true,
  onError: (error: unknown, update?: { update_id: number }) =>
    write(
      `E ${update?.update_id ?? -1} ${(error as Error)?.constructor?.name}`,
    ),
});
