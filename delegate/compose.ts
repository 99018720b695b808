import { isPlainObject } from "../api/plain_object.ts";
import type { DelegationPattern, Delegator, Seeder } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { InterceptCallbackQuery, OriginNotifier } from "../helper/callback_query.ts";
import { perCallbackQueryChatId, perCallbackQueryOrigin, perEventSourceId } from "./seeders.ts";
import type { ChatTypesOptions, OriginsOptions } from "./seeders.ts";

// Seeders run at every message: one that is not a function is named when the pattern is made.
function checkSeeders(fns: unknown, name: string): asserts fns is readonly Seeder[] {
  if (!Array.isArray(fns) || !fns.every((fn) => typeof fn === "function")) {
    throw new BadInput(name, "an array of seeder functions");
  }
}

/**
 * A composite seeder: tries each seeder in turn and returns the first seed meeting `condition`, else `null`.
 *
 * @throws {BadInput} when `condition` is not a function or `fns` not an array of functions.
 */
export function until(condition: (seed: unknown) => boolean, fns: readonly Seeder[]): Seeder {
  if (typeof condition !== "function") throw new BadInput("condition", "a function (seed) => boolean");
  checkSeeders(fns, "fns");
  return (msg) => {
    for (const fn of fns) {
      const seed = fn(msg);
      if (condition(seed)) return seed;
    }
    return null;
  };
}

/**
 * A composite seeder returning the first seed that is not `null`/`undefined`.
 *
 * @throws {BadInput} when one of `fns` is not a function.
 */
export function chain(...fns: Seeder[]): Seeder {
  checkSeeders(fns, "fns");
  if (fns.length === 2) {
    const [a, b] = fns;
    return (msg) => a(msg) ?? b(msg) ?? null;
  }
  return until((seed) => seed !== null && seed !== undefined, fns);
}

/**
 * Makes a delegator from the arguments after it in a pair producer call (`createOpen`, `createRun`,
 * `call`…): the first of them of type `F`, the rest `R`.
 */
// deno-lint-ignore no-explicit-any
export type DelegatorFactory<F = any, R extends unknown[] = any[]> = (first: F, ...rest: R) => Delegator;

/**
 * The arguments a pair producer takes after a delegator factory's first argument `F`: when `F` is a
 * delegate class, the rest of its constructor's parameters (so a handler's options type is checked,
 * required options included); otherwise whatever follows (`R`).
 */
export type ArgsAfter<F, R extends unknown[]> =
  // deno-lint-ignore no-explicit-any
  F extends abstract new(seedTuple: any, ...args: infer P) => any ? P : R;

/**
 * A pair producer: from seeders, a delegator factory and its arguments, a delegation pattern.
 * Pair producers wrap each other (`includeCallbackQueryChatId(paveEventSpace())`). When the first
 * argument is a delegate class, the arguments after it are type-checked against its constructor.
 */
export type PairProducer = <F, R extends unknown[]>(
  seeders: Seeder | readonly Seeder[],
  // Typed with F: the factory's own constraint applies to the class (createOpen takes only openable
  // delegate classes, createRun only runnable ones).
  delegatorFactory: DelegatorFactory<F, ArgsAfter<F, R>>,
  first?: F,
  ...rest: ArgsAfter<F, R>
) => DelegationPattern;

// What pair producers are underneath: the type check lives in PairProducer's signature only.
type UncheckedPairProducer = (
  seeders: Seeder | readonly Seeder[],
  // deno-lint-ignore no-explicit-any
  delegatorFactory: (...args: any[]) => Delegator,
  ...args: unknown[]
) => DelegationPattern;

function checked(producer: UncheckedPairProducer): PairProducer {
  return producer as PairProducer;
}

function unchecked(producer: PairProducer): UncheckedPairProducer {
  return producer as UncheckedPairProducer;
}

function asList(seeders: Seeder | readonly Seeder[]): readonly Seeder[] {
  const list = typeof seeders === "function" ? [seeders] : seeders;
  checkSeeders(list, "seeders");
  return list;
}

/**
 * The basic pair producer: `[seeder, delegatorFactory(...args)]`, several seeders chained into one.
 *
 * @throws {BadInput} when `seeders` is neither a seeder nor an array of them, or `delegatorFactory` is
 *   not a function.
 */
export const pair: PairProducer = checked((seeders, delegatorFactory, ...args): DelegationPattern => {
  const list = asList(seeders);
  if (typeof delegatorFactory !== "function") {
    throw new BadInput("delegatorFactory", "a function making the delegator (createOpen, createRun, call…)");
  }
  return [list.length === 1 ? list[0] : chain(...list), delegatorFactory(...args)];
});

/**
 * The delegator factory's arguments with `extra` merged into the trailing options object (appended when
 * there is none; the first argument, the class or function, is never taken for options).
 */
export function withOptions(args: readonly unknown[], extra: Record<string, unknown>): unknown[] {
  const last = args[args.length - 1];
  if (args.length >= 2 && isPlainObject(last)) return [...args.slice(0, -1), { ...last, ...extra }];
  return [...args, extra];
}

// What every wrapping pair producer does: `fn`'s pattern, with one more seeder and more handler options.
function extending(fn: PairProducer, seeder: Seeder, extra: Record<string, unknown>): PairProducer {
  if (typeof fn !== "function") throw new BadInput("fn", "a pair producer (pair, or one wrapping it)");
  const inner = unchecked(fn);
  return checked((seeders, delegatorFactory, ...args) =>
    inner([...asList(seeders), seeder], delegatorFactory, ...withOptions(args, extra))
  );
}

let lastEventSpace = 0;

/**
 * A pair producer giving the seeder and the delegates a shared, new event space: the delegates'
 * events come back to them through `perEventSourceId`, and handlers get `eventSpace` in their options.
 * Spaces are numbered in the order this is called; `name` gives the space a name instead, which stays
 * the same whatever the order (what stored events need across restarts when patterns are reordered).
 *
 * @throws {BadInput} when `fn` is not a pair producer or `name` not a non-empty string.
 */
export function paveEventSpace(fn: PairProducer = pair, name?: string): PairProducer {
  if (name !== undefined && (typeof name !== "string" || name === "")) {
    throw new BadInput("name", "a non-empty string naming the event space");
  }
  const eventSpace = name ?? ++lastEventSpace;
  return extending(fn, perEventSourceId(eventSpace), { eventSpace });
}

/**
 * A pair producer that also seeds callback queries by their message's chat id (for chat types in
 * `types`) and tells handlers `includeCallbackQuery: true`.
 *
 * @throws {BadInput} when `fn` is not a pair producer or an option is not of its type.
 */
export function includeCallbackQueryChatId(
  fn: PairProducer = pair,
  options?: ChatTypesOptions,
): PairProducer {
  return extending(fn, perCallbackQueryChatId(options), { includeCallbackQuery: true });
}

/**
 * A pair producer for dynamic callback-query routing: a delegate using `InterceptCallbackQueryMixin`
 * registers the messages it sends or edits with callback buttons, and callback queries from those
 * messages are seeded with that delegate's id. `origins` limits it to `chat` and/or `inline` origins.
 *
 * @throws {BadInput} when `fn` is not a pair producer or an option is not of its type.
 */
export function interceptCallbackQueryOrigin(
  fn: PairProducer = pair,
  options?: OriginsOptions,
): PairProducer {
  const origins = options?.origins ?? "all";
  const originMap = new Map<string, unknown>();
  const originSeeder = perCallbackQueryOrigin({ origins });
  const seeder: Seeder = (msg) => {
    const origin = originSeeder(msg);
    return origin === null ? null : originMap.get(JSON.stringify(origin)) ?? null;
  };
  const notify: OriginNotifier = (origin, dest, adding) => {
    const key = JSON.stringify(origin);
    if (adding) originMap.set(key, dest);
    else originMap.delete(key);
  };
  const intercept: InterceptCallbackQuery = origins === "all"
    ? notify
    : [origins.includes("chat") ? notify : false, origins.includes("inline") ? notify : false];
  return extending(fn, seeder, { interceptCallbackQuery: intercept });
}
