/**
 * Inline queries handled per user: `perInlineFromId()` gives each user their own `QueryCounter`
 * (an `InlineUserHandler` with an `Answerer`), so each user's count is their own, and it starts over
 * after the user has been idle for `timeout` seconds.
 *
 * `deno task example inline_per_user --emulator`
 *
 * @module
 */
import {
  AnswererMixin,
  type ChosenInlineResult,
  createOpen,
  DelegatorBot,
  glance,
  type HandlerOptions,
  type InlineQuery,
  InlineUserHandler,
  paveEventSpace,
  perInlineFromId,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Options of a query counter. */
interface CounterOptions extends HandlerOptions {
  /** Where to log chosen results. */
  readonly log: (line: string) => void;
}

/** Counts one user's inline queries and answers each with the count so far. */
class QueryCounter extends AnswererMixin(InlineUserHandler) {
  #count = 0;
  readonly #log: (line: string) => void;

  constructor(seedTuple: SeedTuple, options: CounterOptions) {
    super(seedTuple, options);
    this.#log = options.log;
  }

  onInlineQuery(msg: InlineQuery): void {
    const [, , text] = glance(msg, "inline_query");
    this.#count += 1;
    const line = `${this.#count}. ${text}`;
    void this.answerer.answer(msg, () => [{
      type: "article",
      id: `q${this.#count}`,
      title: line,
      input_message_content: { message_text: line },
    }]);
  }

  onChosenInlineResult(msg: ChosenInlineResult): void {
    const [resultId, fromId, text] = glance(msg, "chosen_inline_result");
    this.#log(`user ${fromId} chose ${resultId} for "${text}"`);
  }
}

/** The inline handler per user example. */
export const example: Example = {
  summary: "InlineUserHandler + Answerer per user (perInlineFromId), with an idle timeout",
  start({ token, apiRoot, log }) {
    const bot = new DelegatorBot(token, [
      paveEventSpace()(perInlineFromId(), createOpen, QueryCounter, { timeout: 10, log }),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    await scene.answer(await scene.ask(alice, "lunch"));
    await scene.answer(await scene.ask(alice, "lunch at noon"));
    await scene.answer(await scene.ask(bob, "coffee"));
    const query = await scene.ask(alice, "lunch at noon?");
    await scene.answer(query);
    await scene.choose(alice, query, "q3");
    await scene.settle();
  },
};
