/**
 * Number guessing as a conversation that reads top to bottom: each chat gets a `GuessGame` delegate
 * (`createRun`) whose `run` method asks, then `await`s the chat's next message with
 * `this.listener.wait()`, until the number is found or the player stays silent too long (`WaitTooLong`).
 *
 * `deno task example guess --emulator`
 *
 * @module
 */
import {
  ChatContext,
  createRun,
  DelegatorBot,
  type Message,
  perChatId,
  type SeedTuple,
  WaitTooLong,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Options of a game. */
interface GameOptions {
  /** Random numbers in [0, 1). */
  readonly random: () => number;
  /** Seconds a player may think before the game gives up. */
  readonly patience: number;
}

/** One chat's game: the whole conversation is the `run` method. */
class GuessGame extends ChatContext {
  readonly #options: GameOptions;

  constructor(seedTuple: SeedTuple, options: GameOptions) {
    super(seedTuple[0], seedTuple[2]);
    this.#options = options;
    this.listener.capture([{ chat: { id: this.chatId } }]);
  }

  async run(): Promise<void> {
    const secret = 1 + Math.floor(this.#options.random() * 100);
    await this.sender.sendMessage("I am thinking of a number from 1 to 100. Your guess?");
    // Only real guesses count as tries, not a word or a sticker.
    for (let tries = 0;;) {
      let msg: Message;
      try {
        msg = await this.listener.wait({ timeout: this.#options.patience }) as Message;
      } catch (e) {
        if (!(e instanceof WaitTooLong)) throw e;
        await this.sender.sendMessage(`Time is up: it was ${secret}. Write again for a new game.`);
        return;
      }
      const guess = Number(msg.text);
      if (!Number.isInteger(guess)) {
        await this.sender.sendMessage("Whole numbers only, please.");
        continue;
      }
      tries += 1;
      if (guess < secret) {
        await this.sender.sendMessage(`Higher than ${guess}.`);
      } else if (guess > secret) {
        await this.sender.sendMessage(`Lower than ${guess}.`);
      } else {
        await this.sender.sendMessage(`${secret} it is! Found in ${tries} tries. Write again to play again.`);
        return;
      }
    }
  }
}

/** The number guessing example. */
export const example: Example = {
  summary: "a conversation with Listener.wait: guess the number, one game per chat",
  start({ token, apiRoot, random }) {
    const bot = new DelegatorBot(token, [[perChatId(), createRun(GuessGame, { random, patience: 60 })]], {
      apiRoot,
    });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "Let's play");
    await scene.exchange(alice, "fifty");
    let low = 1;
    let high = 100;
    for (;;) {
      const guess = Math.floor((low + high) / 2);
      await scene.say(alice, String(guess));
      const answer = String((await scene.reply(alice.id)).text);
      if (answer.startsWith("Higher")) low = guess + 1;
      else if (answer.startsWith("Lower")) high = guess - 1;
      else break;
    }
    await scene.exchange(alice, "Again!");
  },
};
