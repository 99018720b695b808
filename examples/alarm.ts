/**
 * Events a delegate schedules for itself: `/alarm 90 tea` asks the chat's `ChatHandler` to schedule an
 * `_alarm` event with `scheduler.eventLater`; when it fires, the standard router calls `onAlarm`.
 * `/cancel` cancels the latest alarm, and `EventNotFound` tells when it has already rung.
 *
 * Set `MAX_ALARM` to change the longest alarm in seconds (default 3600).
 * `deno task example alarm --emulator`
 *
 * @module
 */
import {
  ChatHandler,
  type ChatHandlerOptions,
  createOpen,
  DelegatorBot,
  EventNotFound,
  type Message,
  type Msg,
  paveEventSpace,
  perChatId,
  type ScheduledEvent,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** What an `_alarm` event carries besides its source. */
interface AlarmEvent {
  readonly _alarm: { readonly what: string };
}

/** Options of a chat's alarm clock. */
interface AlarmOptions extends ChatHandlerOptions {
  /** The longest alarm, in seconds. */
  readonly maxAlarm: number;
}

/** Sets, rings and cancels one chat's alarms. */
class AlarmClock extends ChatHandler {
  readonly #set: { readonly what: string; readonly event: ScheduledEvent<Msg> }[] = [];
  readonly #maxAlarm: number;

  constructor(seedTuple: SeedTuple, options: AlarmOptions) {
    super(seedTuple, options);
    this.#maxAlarm = options.maxAlarm;
  }

  async onChatMessage(msg: Message): Promise<void> {
    const [command, seconds, ...what] = (msg.text ?? "").split(" ");
    const delay = Number(seconds);
    if (command === "/alarm" && delay > 0 && delay <= this.#maxAlarm) {
      const label = what.join(" ") || "alarm";
      const event = this.scheduler.eventLater(delay, ["_alarm", { what: label }]);
      this.#set.push({ what: label, event });
      await this.sender.sendMessage(`Alarm set: ${label} in ${delay} s`);
    } else if (command === "/cancel") {
      const latest = this.#set.pop();
      if (latest === undefined) {
        await this.sender.sendMessage("No alarm to cancel");
        return;
      }
      try {
        this.scheduler.cancel(latest.event);
        await this.sender.sendMessage(`Cancelled: ${latest.what}`);
      } catch (e) {
        if (!(e instanceof EventNotFound)) throw e;
        await this.sender.sendMessage(`Too late: ${latest.what} has already rung`);
      }
    } else {
      await this.sender.sendMessage(`Usage: /alarm <seconds up to ${this.#maxAlarm}> [what], or /cancel`);
    }
  }

  async onAlarm(event: AlarmEvent): Promise<void> {
    await this.sender.sendMessage(`Ring! Time for ${event._alarm.what}`);
  }
}

/** The alarm example. */
export const example: Example = {
  summary: "a delegate's own events: eventLater, cancel, EventNotFound, a custom _alarm flavor",
  start({ token, apiRoot, env }) {
    const maxAlarm = Number(env("MAX_ALARM") ?? 3600);
    // A delegate that closes idle takes its pending alarms with it, so it must outlive the longest.
    const timeout = maxAlarm + 60;
    const bot = new DelegatorBot(token, [
      paveEventSpace()(perChatId(), createOpen, AlarmClock, { timeout, maxAlarm }),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "/alarm 3 tea");
    await scene.exchange(alice, "/alarm 1.5 stretching");
    await scene.exchange(alice, "/cancel");
    await scene.reply(alice.id);
    await scene.exchange(alice, "/cancel");
    await scene.exchange(alice, "/cancel");
  },
};
