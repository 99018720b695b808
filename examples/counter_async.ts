/**
 * The per-chat counter written the telepot.aio way, from `aio.ts`: handlers are async, delegates are
 * tasks, and `messageLoop()` returns a promise that settles when the loop stops.
 *
 * `deno task example counter_async --emulator`
 *
 * @module
 */
import { delegate, DelegatorBot, helper } from "../aio.ts";
import type { Message } from "../api/mod.ts";
import type { Example } from "./_harness.ts";

/** Counts the messages of one chat. */
class MessageCounter extends helper.ChatHandler {
  #count = 0;

  async onChatMessage(_msg: Message): Promise<void> {
    this.#count += 1;
    await this.sender.sendMessage(`You have sent ${this.#count} message${this.#count === 1 ? "" : "s"}`);
  }
}

/** The async counter example. */
export const example: Example = {
  summary: "the per-chat counter with aio.ts: an awaitable messageLoop",
  start({ token, apiRoot, log }) {
    const bot = new DelegatorBot(token, [
      delegate.paveEventSpace()(delegate.perChatId(), delegate.createOpen, MessageCounter, { timeout: 10 }),
    ], { apiRoot });
    const loop = bot.messageLoop();
    // Why a loop ended by itself is told once, by whoever runs the example (through `done`).
    const done = Promise.resolve(loop).then(() => log("the loop has stopped"));
    return {
      async stop() {
        void loop.stop();
        await loop;
      },
      done,
    };
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    await scene.exchange(alice, "one");
    await scene.exchange(bob, "uno");
    await scene.exchange(alice, "two");
    await scene.exchange(bob, "dos");
    await scene.exchange(bob, "tres");
  },
};
