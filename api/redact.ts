import { describeUpload, isUpload } from "./input_file.ts";
import { isExact, MAX_PARAM_DEPTH } from "./request_body.ts";

/** What the bot token is replaced with wherever it could leak (messages, stacks, causes, params). */
export const TOKEN_PLACEHOLDER = "<token>";

/**
 * A bot token as `new Api()` accepts it: characters that the URL parser keeps as they are in a path
 * (so the token is sent, and can be searched for, in one spelling), and not a dot segment (`.`/`..`),
 * which the parser would resolve away. Real tokens (`123456:AA…`) use only digits, letters, `:`, `_`
 * and `-`.
 */
export const TOKEN_SHAPE: RegExp = /^(?!\.{1,2}$)[A-Za-z0-9_:.~!$&'()*+,;=@-]+$/;

const HEX = "0123456789ABCDEF";

/** `c` or its percent-encoding with either case of hex digits, as a regular expression. */
function charPattern(c: string): string {
  const code = c.charCodeAt(0);
  const escaped = /[A-Za-z0-9_]/.test(c) ? c : `\\x${HEX[code >> 4]}${HEX[code & 15]}`;
  const hex = (digit: string) => /[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit;
  return `(?:${escaped}|%${hex(HEX[code >> 4])}${hex(HEX[code & 15])})`;
}

// Few tokens live in one process; the cache only spares rebuilding the pattern on each error.
const patterns = new Map<string, RegExp>();
const MAX_PATTERNS = 64;

/**
 * Matches the token with any of its characters percent-encoded (upper or lower case hex), which
 * covers how a URL echoed by a server, `encodeURIComponent` or a proxy log may spell it.
 */
function tokenPattern(token: string): RegExp {
  let pattern = patterns.get(token);
  if (pattern === undefined) {
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    pattern = new RegExp([...token].map(charPattern).join(""), "g");
    patterns.set(token, pattern);
  }
  return pattern;
}

/**
 * Removes every occurrence of `token` from `text`, raw or percent-encoded (any character, any hex
 * case), and what is left of one cut short (a quoted line shortened inside the token) from its bot id
 * and four characters of its secret on. A text without a `%` and without the token costs three
 * substring searches.
 */
export function redactText(text: string, token: string): string {
  if (token === "") return text;
  let out = text.includes(token) ? text.replaceAll(token, TOKEN_PLACEHOLDER) : text;
  if (out.includes("%")) out = out.replace(tokenPattern(token), TOKEN_PLACEHOLDER);
  return redactCutShort(out, token);
}

// Every remaining start of the token long enough to hold part of its secret, with as much of the
// token as follows it.
function redactCutShort(text: string, token: string): string {
  const colon = token.indexOf(":");
  const least = colon >= 0 ? colon + 5 : 12;
  if (least >= token.length) return text;
  const head = token.slice(0, least);
  let out = text;
  for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, at + TOKEN_PLACEHOLDER.length)) {
    let end = at + head.length;
    while (end < out.length && end - at < token.length && out[end] === token[end - at]) end++;
    out = out.slice(0, at) + TOKEN_PLACEHOLDER + out.slice(end);
  }
  return out;
}

/** Whether `text` holds the token in any spelling {@link redactText} removes. */
export function holdsToken(text: string | undefined, token: string): boolean {
  return text !== undefined && token !== "" && redactText(text, token) !== text;
}

const MAX_CAUSE_DEPTH = 8;

/**
 * A token-free copy of an error thrown by `fetch` or a stream: same name, message and stack with the
 * token replaced, and the `cause` chain copied the same way. The original is dropped because runtimes
 * put the request URL, which contains the token, into their messages.
 */
export function redactError(error: unknown, token: string, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redactText(String(error), token));
  const copy = error instanceof AggregateError && depth < MAX_CAUSE_DEPTH
    ? new AggregateError(
      Array.from(error.errors, (inner: unknown) => redactError(inner, token, depth + 1)),
      redactText(error.message, token),
    )
    : new Error(redactText(error.message, token));
  copy.name = redactText(error.name, token);
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack, token);
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = redactError(error.cause, token, depth + 1);
  }
  return copy;
}

/**
 * Whether the token is anywhere in `value`: strings, an error's message, stack and cause, and the own
 * enumerable fields of errors, arrays and objects (a thrown object may carry a URL in any field).
 */
function mentionsToken(value: unknown, token: string, depth: number): boolean {
  if (typeof value === "string") return holdsToken(value, token);
  if (value === null || typeof value !== "object" || depth > MAX_CAUSE_DEPTH) return false;
  if (value instanceof Error) {
    if (holdsToken(value.message, token) || holdsToken(value.stack, token)) return true;
    if (value.cause !== undefined && mentionsToken(value.cause, token, depth + 1)) return true;
    // Not enumerable, so not among the fields below.
    if (value instanceof AggregateError && mentionsToken(value.errors, token, depth + 1)) return true;
  }
  for (const key of Object.keys(value)) {
    if (holdsToken(key, token)) return true;
    if (mentionsToken((value as Record<string, unknown>)[key], token, depth + 1)) return true;
  }
  return false;
}

/**
 * What a log may show of `error`: the error itself when the token is nowhere in it (so the log keeps
 * its class and fields), else a token-free copy: for an error, the copy {@link redactError} makes (name,
 * message, stack and causes; other fields dropped), for any other value its redacted JSON-like copy.
 */
export function loggable(error: unknown, token: string): unknown {
  if (!mentionsToken(error, token, 0)) return error;
  if (error instanceof Error) return redactError(error, token);
  return typeof error === "object" && error !== null
    ? redactJson(error, token)
    : redactText(String(error), token);
}

function redactValue(value: unknown, token: string, depth: number): unknown {
  if (typeof value === "string") return redactText(value, token);
  // As the call sent it (a number), so that the error holding it can still be written as JSON.
  if (typeof value === "bigint") return isExact(value) ? Number(value) : String(value);
  if (isUpload(value)) return describeUpload(value);
  // Deeper than any Bot API value: cut off rather than walk a hostile nesting.
  if (depth > MAX_PARAM_DEPTH) return value !== null && typeof value === "object" ? "<too deep>" : value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, token, depth + 1));
  if (value !== null && typeof value === "object") {
    // fromEntries defines each key as an own property, so a "__proto__" key stays data, never a prototype.
    return Object.fromEntries(
      Object.entries(value).map((
        [key, item],
      ) => [redactText(key, token), redactValue(item, token, depth + 1)]),
    );
  }
  return value;
}

/**
 * A copy of a call's parameters that is safe to keep in an error or log: the token removed from every
 * string (a webhook URL often embeds it) and every uploaded file replaced by a short description.
 */
export function redactParams(
  params: Readonly<Record<string, unknown>>,
  token: string,
): Record<string, unknown> {
  return redactValue(params, token, 0) as Record<string, unknown>;
}

/**
 * A copy of a JSON value a server answered, with the token removed from every string and key: a
 * server or proxy that echoes the request URL puts it into any field, not only the description.
 */
export function redactJson<T>(value: T, token: string): T {
  return redactValue(value, token, 0) as T;
}

/**
 * A copy of `headers` (a `Headers`, or header fields as name/value pairs) with the token removed from
 * every value (a `Location` or echo header holds it).
 */
export function redactHeaders(headers: Iterable<[string, string]>, token: string): Headers {
  const out = new Headers();
  for (const [name, value] of headers) {
    // A header named after the token has no token-free spelling that is still a valid name: left out.
    if (!holdsToken(name, token)) out.append(name, redactText(value, token));
  }
  return out;
}
