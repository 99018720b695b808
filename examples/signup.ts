/**
 * A conversation that survives restarts: the step it is at is kept in the delegate's `state`, which
 * `persist(bot, storage)` loads when the chat's delegate opens and saves after every message, so a bot
 * restarted mid-conversation asks the next question instead of starting over. (A conversation written
 * with `listener.wait()` cannot do that: a restart cannot resume the middle of a function.)
 *
 * Set `DB` to a file to keep the state in SQLite (default: in memory). `deno task example signup --emulator`
 *
 * @module
 */
import {
  ChatHandler,
  createOpen,
  DelegatorBot,
  MemoryStorage,
  type Message,
  paveEventSpace,
  perChatId,
} from "../mod.ts";
import { persist } from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Where a chat's sign-up stands. */
interface Signup {
  step: "start" | "name" | "age" | "done";
  name?: string;
  age?: number;
}

/** Asks a name, then an age, one message at a time; the step lives in `state`. */
export class SignupConversation extends ChatHandler {
  /** The conversation's state: the default for a new chat, replaced by the stored one. */
  state: Signup = { step: "start" };

  /** Answers according to the step the chat is at. */
  async onChatMessage(msg: Message): Promise<void> {
    const text = msg.text?.trim() ?? "";
    const s = this.state;
    if (text === "/reset") this.state = { step: "start" };
    if (this.state.step === "start") {
      this.state = { step: "name" };
      await this.sender.sendMessage("Welcome! What is your name?");
    } else if (s.step === "name") {
      // A photo or a sticker has no text, and a name must fit in the replies that quote it.
      if (text === "" || text.length > 64) {
        await this.sender.sendMessage("Please write your name (up to 64 characters).");
        return;
      }
      this.state = { step: "age", name: text };
      await this.sender.sendMessage(`How old are you, ${text}?`);
    } else if (s.step === "age") {
      const age = Number(text);
      if (!Number.isInteger(age) || age <= 0) {
        await this.sender.sendMessage("Please answer with a number.");
        return;
      }
      this.state = { ...s, step: "done", age };
      await this.sender.sendMessage(`Thanks, ${s.name}: you are signed up.`);
    } else {
      await this.sender.sendMessage(`You are signed up as ${s.name}, ${s.age}. /reset starts over.`);
    }
  }
}

/** The sign-up example. */
export const example: Example = {
  summary: "a conversation whose step is kept in persistent delegate state (persist, SQLite with DB=file)",
  async start({ token, apiRoot, env }) {
    const bot = new DelegatorBot(token, [
      paveEventSpace()(perChatId(), createOpen, SignupConversation, { timeout: 600 }),
    ], { apiRoot });
    await persist(bot, env("DB") ?? new MemoryStorage());
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    for (const text of ["hi", "Alice", "many", "31", "hello again"]) await scene.exchange(alice, text);
  },
};
