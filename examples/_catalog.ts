/**
 * Every runnable example by name, loaded on demand (`deno task example <name>` and the tests use it).
 *
 * @module
 */
import type { Example } from "./_harness.ts";

/** A module holding one example. */
export interface ExampleModule {
  /** The example. */
  readonly example: Example;
}

/** Loaders of the examples, by the name `deno task example` takes. */
export const EXAMPLES: Readonly<Record<string, () => Promise<ExampleModule>>> = {
  alarm: () => import("./alarm.ts"),
  article_search: () => import("./article_search.ts"),
  chatbox: () => import("./chatbox.ts"),
  counter: () => import("./counter.ts"),
  counter_async: () => import("./counter_async.ts"),
  guess: () => import("./guess.ts"),
  inline_answerer: () => import("./inline_answerer.ts"),
  inline_keyboard: () => import("./inline_keyboard.ts"),
  inline_per_user: () => import("./inline_per_user.ts"),
  inline_query: () => import("./inline_query.ts"),
  lover: () => import("./lover.ts"),
  payment: () => import("./payment.ts"),
  quiz: () => import("./quiz.ts"),
  routing: () => import("./routing.ts"),
  signup: () => import("./signup.ts"),
  skeleton: () => import("./skeleton.ts"),
  vote: () => import("./vote.ts"),
  webhook: () => import("./webhook.ts"),
};
