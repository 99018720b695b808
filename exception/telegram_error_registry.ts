import { BadInput } from "./bad_input.ts";
import {
  type ErrorContext,
  type ErrorEnvelope,
  TelegramError,
  type TelegramErrorClass,
} from "./telegram_error.ts";
import {
  BotWasBlockedError,
  BotWasKickedError,
  ConflictError,
  MigratedToSupergroupChatError,
  NotEnoughRightsError,
  TooManyRequestsError,
  UnauthorizedError,
} from "./telegram_error_subclasses.ts";

// The built-ins are tried first, as telepot tries its own subclasses before any defined later: a custom
// class cannot take over a description a built-in already names. Custom classes follow in the order
// they were registered.
const registry: TelegramErrorClass[] = [
  UnauthorizedError,
  BotWasKickedError,
  BotWasBlockedError,
  TooManyRequestsError,
  MigratedToSupergroupChatError,
  NotEnoughRightsError,
  ConflictError,
];

/**
 * Adds a custom {@link TelegramError} subclass. telepot found its subclasses by itself; JavaScript cannot
 * list a class's subclasses, hence this explicit call. Classes are tried built-ins first, then custom
 * ones in registration order: the first whose `DESCRIPTION_PATTERNS` match wins, so a custom class
 * never replaces a built-in for the same description (registering a built-in is refused).
 *
 * @returns a function that removes the class again.
 * @throws {BadInput} when the class does not extend TelegramError, has no DESCRIPTION_PATTERNS, or is
 *   already registered.
 *
 * @example
 * ```ts
 * import { registerTelegramError, TelegramError } from "@telepot/telepot-ts";
 * class MessageNotModified extends TelegramError {
 *   static override readonly DESCRIPTION_PATTERNS = [/message is not modified/i];
 * }
 * registerTelegramError(MessageNotModified);
 * ```
 */
export function registerTelegramError(errorClass: TelegramErrorClass): () => void {
  if (!(errorClass?.prototype instanceof TelegramError)) {
    throw new BadInput("errorClass", "a subclass of TelegramError");
  }
  const patterns = errorClass.DESCRIPTION_PATTERNS;
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => p instanceof RegExp)) {
    throw new BadInput("errorClass.DESCRIPTION_PATTERNS", "a non-empty array of RegExp");
  }
  if (registry.includes(errorClass)) throw new BadInput("errorClass", "a class not registered yet");
  registry.push(errorClass);
  return () => {
    const at = registry.indexOf(errorClass);
    if (at >= 0) registry.splice(at, 1);
  };
}

/** The classes {@link telegramErrorFrom} chooses from, in the order they are tried. */
export function registeredTelegramErrors(): readonly TelegramErrorClass[] {
  return [...registry];
}

// Each pattern as it is tried: case-insensitive as telepot searches them (re.IGNORECASE), whatever its
// flags, and without /g or /y, whose state between calls would make the same pattern answer differently.
const asTried = new WeakMap<RegExp, RegExp>();

function tried(pattern: RegExp): RegExp {
  let regex = asTried.get(pattern);
  if (regex === undefined) {
    const flags = pattern.flags.replace(/[gy]/g, "");
    regex = new RegExp(pattern.source, flags.includes("i") ? flags : flags + "i");
    asTried.set(pattern, regex);
  }
  return regex;
}

function matches(patterns: readonly RegExp[], description: string): boolean {
  return patterns.some((pattern) => tried(pattern).test(description));
}

/**
 * Builds the most specific {@link TelegramError} for a failed call's JSON envelope: the first registered
 * class whose `DESCRIPTION_PATTERNS` match the description, else `TelegramError` itself.
 *
 * @param json the error envelope (`{ ok: false, error_code, description, parameters? }`).
 * @param method the Bot API method that failed.
 * @param params the call's parameters, already redacted.
 * @throws {BadInput} when `json` is not an object.
 */
export function telegramErrorFrom(
  json: ErrorEnvelope,
  method?: string,
  params?: Readonly<Record<string, unknown>>,
): TelegramError {
  if (typeof json !== "object" || json === null) {
    throw new BadInput("json", "a Bot API error envelope object");
  }
  const description = typeof json.description === "string" ? json.description : "Unknown error";
  const errorCode = typeof json.error_code === "number" ? json.error_code : 0;
  const context: ErrorContext = { method, params };
  for (const errorClass of registry) {
    if (matches(errorClass.DESCRIPTION_PATTERNS, description)) {
      return new errorClass(description, errorCode, json, context);
    }
  }
  return new TelegramError(description, errorCode, json, context);
}
