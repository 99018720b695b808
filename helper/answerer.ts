import type { ApiMethods } from "../api/methods.gen.ts";
import type { Nullable } from "../api/nullable.ts";
import type { InlineQuery, InlineQueryResult } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { checkBot } from "./bot_argument.ts";
import { computedAnswer } from "./computed_answer.ts";
import type { ListenerContext } from "./contexts.ts";
import { checkBase, type Constructor } from "./mixin.ts";
import { reportFailure } from "./report.ts";

/** Options of `answerInlineQuery` besides the query id and the results. */
export type AnswerOptions = NonNullable<Parameters<ApiMethods["answerInlineQuery"]>[2]>;

/**
 * What a compute function returns: the results, telepot's tuple `[results, cache_time, is_personal,
 * next_offset, button]` (any prefix of it), or `{ results, ...answerInlineQuery options }`. The results
 * may have `null` fields, as `answerInlineQuery` accepts them: the `namedtuple` factories make such
 * results.
 */
export type ComputedAnswer =
  | readonly Nullable<InlineQueryResult>[]
  | readonly [
    results: readonly Nullable<InlineQueryResult>[],
    cacheTime?: AnswerOptions["cache_time"] | null,
    isPersonal?: AnswerOptions["is_personal"] | null,
    nextOffset?: AnswerOptions["next_offset"] | null,
    button?: AnswerOptions["button"] | null,
  ]
  | ({ results: readonly Nullable<InlineQueryResult>[] } & AnswerOptions);

/**
 * Computes the answer to an inline query. It receives the extra arguments given to `answer`, then an
 * `AbortSignal` that aborts when a newer query from the same user supersedes this one.
 */
// deno-lint-ignore no-explicit-any
export type ComputeFunction<A extends any[] = any[]> = (
  ...args: [...A, AbortSignal]
) => ComputedAnswer | Promise<ComputedAnswer>;

/**
 * Answers inline queries with at most one computation per user: a newer query from a user aborts the
 * older computation (through its `AbortSignal`), and a superseded result is never sent.
 *
 * @example
 * ```ts ignore
 * const answerer = new Answerer(bot);
 * answerer.answer(query, (signal) => [{ type: "article", id: "1", title: query.query,
 *   input_message_content: { message_text: query.query } }]);
 * ```
 */
export class Answerer {
  readonly #working = new Map<number, AbortController>();

  /** The bot whose `answerInlineQuery` sends the results. */
  readonly bot: Pick<ApiMethods, "answerInlineQuery">;
  /**
   * Creates an instance.
   *
   * @param bot the bot whose `answerInlineQuery` sends the results.
   * @throws {BadInput} when `bot` has no `answerInlineQuery` method.
   */
  constructor(bot: Pick<ApiMethods, "answerInlineQuery">) {
    checkBot(bot, "answerInlineQuery");
    this.bot = bot;
  }

  /** Users with a computation in progress. */
  get pending(): number {
    return this.#working.size;
  }

  /**
   * Computes and sends the answer to `inlineQuery`, aborting the same user's previous computation.
   * Resolves `true` once answered, `false` when superseded; never rejects: a failing computation or
   * request is reported on the console.
   *
   * @throws {BadInput} at the call, when `inlineQuery` has no sender (`from.id`) or `computeFn` is not a
   *   function.
   */
  // deno-lint-ignore no-explicit-any
  answer<A extends any[]>(
    inlineQuery: InlineQuery,
    // The extra arguments alone fix A: inferred from computeFn too, a function that leaves out the
    // trailing signal would make A empty and refuse the arguments.
    computeFn: NoInfer<ComputeFunction<A>>,
    ...computeArgs: A
  ): Promise<boolean> {
    const fromId = (inlineQuery as { from?: { id?: unknown } } | null)?.from?.id;
    // A newer query supersedes the same sender's: without one, there is no user to answer for.
    if (typeof fromId !== "number") throw new BadInput("inlineQuery", "an inline query (with from.id)");
    if (typeof computeFn !== "function") throw new BadInput("computeFn", "a function computing the results");
    this.#working.get(fromId)?.abort();
    const controller = new AbortController();
    this.#working.set(fromId, controller);
    const signal = controller.signal;
    const run = async (): Promise<boolean> => {
      try {
        const ans = await computeFn(...computeArgs, signal);
        if (signal.aborted) return false;
        const [results, options] = computedAnswer(ans);
        await this.bot.answerInlineQuery(inlineQuery.id, results, options);
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        reportFailure(this.bot, "answering inline query failed", err);
        return false;
      } finally {
        if (this.#working.get(fromId) === controller) this.#working.delete(fromId);
      }
    };
    return run();
  }
}

/** What {@link AnswererMixin} adds. */
export interface Answering {
  /** This delegate's {@link Answerer} (made on first use). */
  readonly answerer: Answerer;
}

/** Adds an {@link Answerer} for the delegate's bot. */
export function AnswererMixin<B extends Constructor<ListenerContext>>(Base: B): B & Constructor<Answering> {
  checkBase(Base);
  return class WithAnswerer extends Base {
    #answerer: Answerer | undefined;

    get answerer(): Answerer {
      return this.#answerer ??= new Answerer(this.bot);
    }
  };
}
