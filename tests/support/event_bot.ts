// A bot process for tests/persist_events_test.ts: a persistent delegate whose alarms change its state,
// with the SQLite journal and storage in one file, killed at chosen moments by itself.
// Appends to `out`: `R <pid>` once started; `C <chat> <count> <update_id> <pid>` per counted message;
// `A <chat> <alarms> <pid>` per alarm; `K <pid>` just before it kills itself.
// Texts: "alarm <seconds>" schedules an `_alarm`; "remind <seconds>" schedules one too, and is counted;
// "slow <ms>" is counted after that many ms; anything else is counted. With `chainAlarm`, an alarm's
// handling schedules a `_later` event.
import { DelegatorBot } from "../../bot/delegator_bot.ts";
import type { LoopMessage } from "../../bot/handler.ts";
import { originOf } from "../../bot/update_kind.ts";
import { paveEventSpace } from "../../delegate/compose.ts";
import { createOpen } from "../../delegate/delegators.ts";
import { perChatId } from "../../delegate/seeders.ts";
import { ChatHandler } from "../../helper/handlers.ts";
import { persist } from "../../storage/persistence.ts";

/** What the bot process is told, as JSON in its first argument. */
export interface Config {
  readonly apiRoot: string;
  readonly token: string;
  /** The file of the journal and of the storage. */
  readonly db: string;
  readonly out: string;
  /** Kill itself 15 ms after handling an alarm. */
  readonly killOnAlarm?: boolean;
  /** Kill itself as soon as "remind" has scheduled its alarm. */
  readonly killAfterRemind?: boolean;
  /** An alarm's handling schedules a `_later` event an hour ahead. */
  readonly chainAlarm?: boolean;
}

const config: Config = JSON.parse(Deno.args[0]);
const out = await Deno.open(config.out, { append: true, create: true });
const encoder = new TextEncoder();

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

function killSelf(): void {
  write(`K ${Deno.pid}`);
  Deno.kill(Deno.pid, "SIGKILL");
}

class Reminder extends ChatHandler {
  state = { count: 0, alarms: 0 };

  async onChatMessage(msg: LoopMessage): Promise<void> {
    const [word, arg] = String(msg.text).split(" ");
    if (word === "alarm") {
      this.scheduler.eventLater(Number(arg), ["_alarm", {}]);
      return;
    }
    if (word === "remind") {
      this.scheduler.eventLater(Number(arg), ["_alarm", {}]);
      if (config.killAfterRemind) killSelf();
    }
    if (word === "slow") await new Promise((r) => setTimeout(r, Number(arg)));
    this.state.count += 1;
    write(`C ${this.chatId} ${this.state.count} ${originOf(msg)?.updateId ?? -1} ${Deno.pid}`);
  }

  onLater(): void {}

  onAlarm(): void {
    this.state.alarms += 1;
    write(`A ${this.chatId} ${this.state.alarms} ${Deno.pid}`);
    if (config.chainAlarm) this.scheduler.eventLater(3600, ["_later", {}]);
    // Within the 50 ms a save staged with an ack may wait while the chat has more updates held.
    if (config.killOnAlarm) setTimeout(killSelf, 15);
  }
}

const bot = new DelegatorBot(config.token, [
  paveEventSpace()(perChatId(), createOpen, Reminder, { timeout: 600 }),
], { apiRoot: config.apiRoot });
await persist(bot, config.db);
write(`R ${Deno.pid}`);
bot.messageLoop(undefined, {
  timeout: 1,
  relax: 0,
  backoff: { initial: 0.05, max: 0.2 },
  journal: config.db,
  runForever: true,
});
