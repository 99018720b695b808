import type { Nullable } from "../api/nullable.ts";
import { isPlainObject } from "../api/plain_object.ts";
import { METHODS } from "../api/spec.gen.ts";
import type { InlineQueryResult } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { AnswerOptions } from "./answerer.ts";

/**
 * The parameters of `answerInlineQuery` after `results`, in spec order: the positions of telepot's
 * tuple form `[results, cache_time, is_personal, next_offset, …]`.
 */
const TRAILING_PARAMS: readonly string[] = (() => {
  const names = METHODS.answerInlineQuery.params.map((p) => p.name);
  return names.slice(names.indexOf("results") + 1);
})();

const EXPECTED = "an array of inline results, [results, ...answerInlineQuery arguments after results], "
  + "or { results, ...options }";

function isResultList(value: unknown): value is readonly Nullable<InlineQueryResult>[] {
  return Array.isArray(value) && value.every((r) => typeof r === "object" && r !== null && !Array.isArray(r));
}

/**
 * What a compute function returned, as `answerInlineQuery`'s results and options. The three forms are
 * telepot's: a list of results; a tuple `[results, cache_time, is_personal, next_offset, button]`
 * (positional arguments after `results`, in the Bot API's order); or `{ results, ...options }`.
 *
 * @throws {BadInput} on anything else, including telepot's `switch_pm_text` string where the Bot API
 *   now takes `button` (an `InlineQueryResultsButton` object).
 */
export function computedAnswer(
  ans: unknown,
): [results: readonly Nullable<InlineQueryResult>[], options: AnswerOptions | undefined] {
  if (Array.isArray(ans) && Array.isArray(ans[0])) {
    const [results, ...positional] = ans;
    if (!isResultList(results)) {
      throw new BadInput("compute function result[0]", "an array of inline results");
    }
    if (typeof positional[TRAILING_PARAMS.indexOf("button")] === "string") {
      throw new BadInput(
        "compute function result",
        "a button object { text, start_parameter } after next_offset: the Bot API replaced "
          + "switch_pm_text and switch_pm_parameter with button",
      );
    }
    if (positional.length > TRAILING_PARAMS.length) throw new BadInput("compute function result", EXPECTED);
    const options: Record<string, unknown> = {};
    positional.forEach((value, i) => {
      if (value !== undefined && value !== null) options[TRAILING_PARAMS[i]] = value;
    });
    return [results, options as AnswerOptions];
  }
  if (isResultList(ans)) return [ans, undefined];
  if (isPlainObject(ans) && isResultList(ans.results)) {
    const { results, ...options } = ans;
    return [results, options as AnswerOptions];
  }
  throw new BadInput("compute function result", EXPECTED);
}
