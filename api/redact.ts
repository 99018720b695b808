import { BadInput } from "../exception/bad_input.ts";
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

/** The percent-encoding of `c` with either case of hex digits, as a regular expression. */
function escapePattern(c: string): string {
  const code = c.charCodeAt(0);
  const hex = (digit: string) => /[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit;
  return `%${hex(HEX[code >> 4])}${hex(HEX[code & 15])}`;
}

/** `c` or its percent-encoding with either case of hex digits, as a regular expression. */
function charPattern(c: string): string {
  const code = c.charCodeAt(0);
  const escaped = /[A-Za-z0-9_]/.test(c) ? c : `\\x${HEX[code >> 4]}${HEX[code & 15]}`;
  return `(?:${escaped}|${escapePattern(c)})`;
}

interface TokenPatterns {
  /**
   * The token with any of its characters percent-encoded (upper or lower case hex), which covers how a
   * URL echoed by a server, `encodeURIComponent` or a proxy log may spell it.
   */
  readonly whole: RegExp;
  /** The percent-encoding of any of the token's characters: the only escapes a piece of it can hold. */
  readonly escapes: RegExp;
}

// Few tokens live in one process; the cache only spares rebuilding the patterns on each error.
const patterns = new Map<string, TokenPatterns>();
const MAX_PATTERNS = 64;

function tokenPatterns(token: string): TokenPatterns {
  let found = patterns.get(token);
  if (found === undefined) {
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    found = {
      whole: new RegExp([...token].map(charPattern).join(""), "g"),
      escapes: new RegExp([...new Set(token)].map(escapePattern).join("|"), "g"),
    };
    patterns.set(token, found);
  }
  return found;
}

/**
 * Removes every occurrence of `token` from `text`, raw or percent-encoded (any character, any hex
 * case), and every piece of one cut short or quoted from its middle, in either spelling: a run of the
 * token's characters from its start through four characters of its secret (the part after the bot
 * id's colon), or from anywhere holding eight characters of the secret. A text without a `%` and
 * without the token costs a substring search per five characters of the secret.
 *
 * @throws {BadInput} when `text` or `token` is not a string.
 */
export function redactText(text: string, token: string): string {
  if (typeof text !== "string") throw new BadInput("text", "a string");
  if (typeof token !== "string") throw new BadInput("token", "a string");
  if (token === "") return text;
  let out = text.includes(token) ? text.replaceAll(token, TOKEN_PLACEHOLDER) : text;
  if (out.includes("%")) out = out.replace(tokenPatterns(token).whole, TOKEN_PLACEHOLDER);
  return redactPieces(out, token);
}

/**
 * The fewest characters of the secret a piece of the token that is not its start must hold to be cut
 * out. A server that quotes a line from an offset of its own (a chunk-size line, a path cut to 40
 * characters) may begin or end it anywhere in the token, so no fixed part of it can be searched for.
 * Shorter runs are left: they also occur in ordinary text, and seven characters of a 35-character
 * secret leave 28 unknown (168 bits).
 */
const LEAST_SECRET_PIECE = 8;
/**
 * What a token is made of. A piece from inside the token is a quote cut there, so it meets the token's
 * own end or something no token holds on each side: a run inside a longer word ("elegator" of
 * "DelegatorBot" for a secret holding "delegator") is ordinary text.
 */
const TOKEN_CHAR = /[A-Za-z0-9_:-]/;
/** Characters of an anchor: every run of {@link LEAST_SECRET_PIECE} holds one at a multiple of the stride. */
const ANCHOR = 4;
const ANCHOR_STRIDE = LEAST_SECRET_PIECE - ANCHOR + 1;

/**
 * `text` with each `%XX` that encodes one of the token's characters taken as that character, and where
 * in that the decoded characters are (ascending), to map positions back; `undefined` when there is
 * nothing to decode. Other escapes are left: no piece of the token holds them.
 */
function decoded(text: string, token: string): { plain: string; escapes: number[] } | undefined {
  if (!text.includes("%")) return undefined;
  const escapes: number[] = [];
  const plain = text.replace(tokenPatterns(token).escapes, (escape: string, at: number) => {
    escapes.push(at - 2 * escapes.length);
    return String.fromCharCode(parseInt(escape.slice(1), 16));
  });
  return { plain, escapes };
}

/** Where position `at` of the decoded text is in the text: two characters on for each escape before it. */
function inText(at: number, escapes: readonly number[]): number {
  let low = 0;
  let high = escapes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (escapes[mid] < at) low = mid + 1;
    else high = mid;
  }
  return at + 2 * low;
}

// Each piece is found from an anchor (four characters of the secret at a multiple of the stride),
// then grown to both sides for as long as the text goes on as the token does.
function redactPieces(text: string, token: string): string {
  const secret = token.indexOf(":") + 1;
  const view = decoded(text, token);
  const plain = view?.plain ?? text;
  const pieces: [number, number][] = [];
  for (let anchor = secret; anchor + ANCHOR <= token.length; anchor += ANCHOR_STRIDE) {
    const needle = token.slice(anchor, anchor + ANCHOR);
    for (let at = plain.indexOf(needle); at >= 0; at = plain.indexOf(needle, at + 1)) {
      let start = at;
      let from = anchor;
      while (start > 0 && from > 0 && plain[start - 1] === token[from - 1]) start--, from--;
      const end = Math.min(plain.length, at + token.length - anchor);
      let length = at + ANCHOR - start;
      while (start + length < end && plain[start + length] === token[from + length]) length++;
      const secretHeld = from + length - Math.max(from, secret);
      const cutAtStart = from === 0 || !TOKEN_CHAR.test(plain[start - 1] ?? "");
      const cutAtEnd = from + length === token.length || !TOKEN_CHAR.test(plain[start + length] ?? "");
      if (
        (secretHeld >= LEAST_SECRET_PIECE && cutAtStart && cutAtEnd)
        || (from === 0 && secret > 0 && secretHeld >= 4)
      ) {
        pieces.push([start, start + length]);
      }
    }
  }
  if (pieces.length === 0) return text;
  pieces.sort((a, b) => a[0] - b[0]);
  let out = "";
  let kept = 0;
  for (const [start, end] of pieces) {
    const [first, last] = view === undefined
      ? [start, end]
      : [inText(start, view.escapes), inText(end, view.escapes)];
    if (last <= kept) continue;
    out += text.slice(kept, Math.max(kept, first)) + (first < kept ? "" : TOKEN_PLACEHOLDER);
    kept = last;
  }
  return out + text.slice(kept);
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
