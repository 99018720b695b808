import { UPDATE_KINDS } from "../api/classification.gen.ts";
import { refuseUnknownOptions } from "../api/option_names.ts";
import { isPlainObject } from "../api/plain_object.ts";
import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { checkJournal } from "./journal_option.ts";
import type { MessageLoopOptions } from "./loop_options.ts";
import { UpdateQueue } from "./update_queue.ts";

type Check = (value: unknown, name: string) => void;

const seconds: Check = (value, name) => void checkSeconds(value, name, true);

function boolean(value: unknown, name: string): void {
  if (typeof value !== "boolean") throw new BadInput(name, "true or false");
}

function integer(low: number, high: number): Check {
  return (value, name) => {
    if (!Number.isInteger(value) || (value as number) < low || (value as number) > high) {
      throw new BadInput(name, high === Infinity ? `an integer ≥ ${low}` : `an integer ${low}–${high}`);
    }
  };
}

function isSource(value: unknown): boolean {
  if (value instanceof UpdateQueue) return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string | symbol, unknown>;
  return typeof candidate[Symbol.asyncIterator] === "function"
    || typeof candidate[Symbol.iterator] === "function" || typeof candidate.get === "function";
}

const KINDS: ReadonlySet<string> = new Set(UPDATE_KINDS);

// One check per option. The mapped type makes it exhaustive: an option added to MessageLoopOptions
// without a check here fails the type check, so no option goes unchecked.
const CHECKS: { readonly [K in keyof Required<MessageLoopOptions>]: Check } = {
  relax: seconds,
  timeout: (value, name) => {
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new BadInput(name, "a whole number of seconds ≥ 0");
    }
  },
  source: (value, name) => {
    if (!isSource(value)) {
      throw new BadInput(name, "an UpdateQueue, an (async) iterable of updates, or an object with get()");
    }
  },
  ordered: boolean,
  maxhold: seconds,
  runForever: (value, name) => {
    if (typeof value !== "boolean" && typeof value !== "string") {
      throw new BadInput(name, "a boolean or a string");
    }
  },
  allowedUpdates: (value, name) => {
    if (!Array.isArray(value) || !value.every((kind) => KINDS.has(kind))) {
      throw new BadInput(name, "an array of Update kinds (message, callback_query, chat_member, …)");
    }
  },
  signal: (value, name) => {
    if (!(value instanceof AbortSignal)) throw new BadInput(name, "an AbortSignal");
  },
  onError: (value, name) => {
    if (typeof value !== "function") throw new BadInput(name, "a function");
  },
  stopTimeout: seconds,
  backoff: (value, name) => {
    if (!isPlainObject(value)) throw new BadInput(name, "{ initial?, max? } in seconds");
    for (const [key, bound] of Object.entries(value)) {
      if (key !== "initial" && key !== "max") {
        throw new BadInput(`${name}.${key}`, "no such option: initial or max");
      }
      checkSeconds(bound, `${name}.${key}`);
    }
  },
  limit: integer(1, 100),
  maxInFlight: integer(1, Infinity),
  maxAttempts: integer(1, Infinity),
  journal: (value) => checkJournal(value),
  stuckAfter: (value, name) => {
    if (value !== Infinity) checkSeconds(value, name, true);
  },
  handleSignals: boolean,
};

/** Whether `name` is an option of `messageLoop`. */
export function isLoopOption(name: string): boolean {
  return Object.hasOwn(CHECKS, name);
}

/**
 * Checks `messageLoop`'s options before anything starts, as telepot refuses a bad `source` at once:
 * an unknown option name (a typo, or a telepot keyword spelled snake_case) or a value of the wrong
 * kind is a {@link BadInput} naming the option.
 *
 * @throws {BadInput} on the first bad option.
 */
export function checkLoopOptions(options: unknown): MessageLoopOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new BadInput("options", "an object of messageLoop options");
  refuseUnknownOptions(options, CHECKS, "options.", "messageLoop");
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) CHECKS[name as keyof MessageLoopOptions](value, `options.${name}`);
  }
  return options as MessageLoopOptions;
}
