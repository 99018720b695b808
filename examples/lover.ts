/**
 * A bot with a crush, for callback-query origin capture: each private chat gets a `Suitor`
 * (`InterceptCallbackQueryMixin(ChatHandler)`). Every message it sends with callback buttons is
 * captured, so presses on that message come back to it; taking the keyboard away releases the
 * message. The pattern is wrapped in `interceptCallbackQueryOrigin`, which routes those presses.
 *
 * `deno task example lover --emulator`
 *
 * @module
 */
import {
  type CallbackQuery,
  ChatHandler,
  type ChatHandlerOptions,
  createOpen,
  DelegatorBot,
  IdleTerminate,
  InterceptCallbackQueryMixin,
  interceptCallbackQueryOrigin,
  type Message,
  messageIdentifier,
  paveEventSpace,
  perChatId,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

const ANSWERS = {
  inline_keyboard: [[
    { text: "Yes", callback_data: "yes" },
    { text: "Maybe", callback_data: "maybe" },
    { text: "No", callback_data: "no" },
  ]],
};

/** Options of a suitor. */
interface SuitorOptions extends ChatHandlerOptions {
  /** Times each chat was asked, kept outside the suitor, which closes when the chat goes quiet. */
  readonly asked: Map<number | string, number>;
}

/** Asks one person out, again and again, until the answer is yes or the person goes quiet. */
class Suitor extends InterceptCallbackQueryMixin(ChatHandler) {
  readonly #asked: Map<number | string, number>;
  #pending: Message | undefined;

  constructor(seedTuple: SeedTuple, options: SuitorOptions) {
    super(seedTuple, options);
    this.#asked = options.asked;
  }

  async onChatMessage(_msg: Message): Promise<void> {
    await this.#withdraw();
    await this.#ask();
  }

  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    await this.#withdraw();
    if (query.data === "yes") {
      await this.bot.answerCallbackQuery(query.id, { text: "Really?!" });
      await this.sender.sendMessage("You made my day. See you at eight!");
      this.close();
    }
    await this.bot.answerCallbackQuery(query.id, { text: "I will not give up" });
    await this.#ask();
  }

  override async onClose(ex: unknown): Promise<void> {
    await this.#withdraw();
    if (ex instanceof IdleTerminate) await this.sender.sendMessage("Take your time. I will be here.");
  }

  async #ask(): Promise<void> {
    const asked = (this.#asked.get(this.chatId) ?? 0) + 1;
    this.#asked.set(this.chatId, asked);
    this.#pending = await this.sender.sendMessage(`Would you go out with me? (asking ${asked}x)`, {
      reply_markup: ANSWERS,
    });
  }

  /** Takes the buttons off the last question, which also stops capturing its callback queries. */
  async #withdraw(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) await this.bot.editMessageReplyMarkup(messageIdentifier(pending));
  }
}

/** The lover example. */
export const example: Example = {
  summary: "callback-query origin capture: interceptCallbackQueryOrigin + InterceptCallbackQueryMixin",
  prepare: () => ({ PATIENCE: "2" }),
  start({ token, apiRoot, env }) {
    const timeout = Number(env("PATIENCE") ?? 30);
    const bot = new DelegatorBot(token, [
      interceptCallbackQueryOrigin(paveEventSpace())(
        perChatId({ types: ["private"] }),
        createOpen,
        Suitor,
        { timeout, asked: new Map() },
      ),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const first = await scene.exchange(alice, "Hi there");
    await scene.answer(await scene.press(alice, first, "Maybe"));
    scene.show(alice.id, first.message_id);
    const second = await scene.reply(alice.id);
    await scene.answer(await scene.press(alice, second, "Yes"));
    await scene.reply(alice.id);

    const bob = scene.user("Bob");
    await scene.exchange(bob, "Hello");
    scene.note("(Bob does not answer)");
    await scene.reply(bob.id, { timeout: 5 });
  },
};
