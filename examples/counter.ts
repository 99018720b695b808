/**
 * One delegate per chat: each chat gets its own `MessageCounter`, counting that chat's messages. After
 * `timeout` idle seconds the delegate closes (`onIdle` raises `IdleTerminate`) and the count starts over
 * with the next message.
 *
 * Set `IDLE_SECONDS` to change the timeout (default 10). `deno task example counter --emulator`
 *
 * @module
 */
import { ChatHandler, createOpen, DelegatorBot, type Message, paveEventSpace, perChatId } from "../mod.ts";
import { type Example, sleep } from "./_harness.ts";

/** Counts the messages of one chat. */
export class MessageCounter extends ChatHandler {
  #count = 0;

  /** Answers every chat message with the running count. */
  async onChatMessage(_msg: Message): Promise<void> {
    this.#count += 1;
    await this.sender.sendMessage(String(this.#count));
  }
}

/** Idle seconds before a chat's counter closes offline: short, so the run shows it. */
const OFFLINE_IDLE_SECONDS = 2;

/** The counter example. */
export const example: Example = {
  summary: "per-chat message counter (ChatHandler) that starts over after an idle timeout",
  prepare: () => ({ IDLE_SECONDS: String(OFFLINE_IDLE_SECONDS) }),
  start({ token, apiRoot, env }) {
    const timeout = Number(env("IDLE_SECONDS") ?? 10);
    const bot = new DelegatorBot(token, [
      paveEventSpace()(perChatId(), createOpen, MessageCounter, { timeout }),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    for (const text of ["hi", "how are you", "still counting?"]) {
      await scene.exchange(alice, text);
    }
    await scene.exchange(bob, "hello");
    await scene.exchange(alice, "one more");
    scene.note(`(nobody writes for ${OFFLINE_IDLE_SECONDS + 1} s: both counters close)`);
    await sleep(OFFLINE_IDLE_SECONDS + 1);
    await scene.exchange(alice, "back again");
  },
};
