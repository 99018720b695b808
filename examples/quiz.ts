/**
 * A quiz played on one message: `QuizStarter` (one per private chat) posts a Start button; the button's
 * callback queries are seeded by their origin message (`perCallbackQueryOrigin()`), so each quiz message
 * gets its own `Quizzer`, a `CallbackQueryOriginHandler` that edits that message with every question
 * through its `editor`. A quiz left alone closes by idle timeout.
 *
 * `deno task example quiz --emulator`
 *
 * @module
 */
import {
  type CallbackQuery,
  CallbackQueryOriginHandler,
  ChatHandler,
  createOpen,
  DelegatorBot,
  type HandlerOptions,
  IdleTerminate,
  type Message,
  paveEventSpace,
  perCallbackQueryOrigin,
  perChatId,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Questions per quiz. */
const QUESTIONS = 3;

/** Offers a quiz to whoever writes. */
class QuizStarter extends ChatHandler {
  async onChatMessage(_msg: Message): Promise<void> {
    await this.sender.sendMessage("Three sums, three buttons each. Ready?", {
      reply_markup: { inline_keyboard: [[{ text: "Start", callback_data: "start" }]] },
    });
  }
}

/** Options of a quizzer. */
interface QuizOptions extends HandlerOptions {
  /** Random numbers in [0, 1). */
  readonly random: () => number;
}

/** Runs the quiz on one message. */
class Quizzer extends CallbackQueryOriginHandler {
  readonly #random: () => number;
  #asked = 0;
  #answered = 0;
  #score = 0;
  #answer = 0;

  constructor(seedTuple: SeedTuple, options: QuizOptions) {
    super(seedTuple, options);
    this.#random = options.random;
  }

  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    let verdict: string | undefined;
    if (query.data !== "start" && this.#asked > 0) {
      const right = Number(query.data) === this.#answer;
      this.#answered += 1;
      if (right) this.#score += 1;
      verdict = right ? "Right!" : `No: ${this.#answer}`;
    }
    // The message is edited before the query is answered, so whoever sees the answer sees the new message.
    if (this.#asked === QUESTIONS) {
      await this.editor.editMessageText(`Quiz over: ${this.#score} of ${QUESTIONS} right`);
      await this.bot.answerCallbackQuery(query.id, { text: verdict });
      this.close();
    }
    await this.#ask();
    await this.bot.answerCallbackQuery(query.id, { text: verdict });
  }

  async #ask(): Promise<void> {
    const a = 1 + Math.floor(this.#random() * 20);
    const b = 1 + Math.floor(this.#random() * 20);
    this.#answer = a + b;
    this.#asked += 1;
    const offset = 1 + Math.floor(this.#random() * 3);
    const choices = [this.#answer - offset, this.#answer, this.#answer + offset];
    const first = Math.floor(this.#random() * 3);
    const row = [...choices.slice(first), ...choices.slice(0, first)].map((n) => ({
      text: String(n),
      callback_data: String(n),
    }));
    await this.editor.editMessageText(`Question ${this.#asked}: ${a} + ${b} = ?`, {
      reply_markup: { inline_keyboard: [row] },
    });
  }

  override async onClose(ex: unknown): Promise<void> {
    if (ex instanceof IdleTerminate) {
      // The question left open is not held against the player.
      await this.editor.editMessageText(`Too slow! ${this.#score} of ${this.#answered} right`);
    }
  }
}

/** The quiz example. */
export const example: Example = {
  summary: "a quiz per message: CallbackQueryOriginHandler seeded by perCallbackQueryOrigin",
  prepare: () => ({ QUIZ_TIMEOUT: "2" }),
  start({ token, apiRoot, random, env }) {
    const timeout = Number(env("QUIZ_TIMEOUT") ?? 30);
    const bot = new DelegatorBot(token, [
      paveEventSpace()(perChatId({ types: ["private"] }), createOpen, QuizStarter, { timeout: 10 }),
      paveEventSpace()(perCallbackQueryOrigin(), createOpen, Quizzer, { timeout, random }),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const quiz = await scene.exchange(alice, "quiz me");
    await scene.answer(await scene.press(alice, quiz, "Start"));
    for (let i = 0; i < QUESTIONS; i++) {
      const now = scene.show(alice.id, quiz.message_id);
      const [a, b] = (now?.text?.match(/(\d+) \+ (\d+)/)?.slice(1) ?? []).map(Number);
      // Alice knows her sums, except for the second question.
      const pick = i === 1 ? String(a + b + 1) : String(a + b);
      const button = now?.reply_markup?.inline_keyboard[0].find((b) => b.text === pick)?.text
        ?? now?.reply_markup?.inline_keyboard[0][0].text ?? "";
      await scene.answer(await scene.press(alice, quiz, button));
    }
    scene.show(alice.id, quiz.message_id);

    const second = await scene.exchange(alice, "again");
    await scene.answer(await scene.press(alice, second, "Start"));
    scene.note("(Alice walks away)");
    await scene.showChanged(alice.id, second.message_id);
  },
};
