import { describeUpload, isUpload } from "./input_file.ts";

/** What the bot token is replaced with wherever it could leak (messages, stacks, causes, params). */
export const TOKEN_PLACEHOLDER = "<token>";

/**
 * Removes every occurrence of `token` from `text`, including its percent-encoded form.
 * Uses plain string replacement, so it costs nothing when the token is absent.
 */
export function redactText(text: string, token: string): string {
  if (token === "") return text;
  let out = text.includes(token) ? text.replaceAll(token, TOKEN_PLACEHOLDER) : text;
  const encoded = encodeURIComponent(token);
  if (encoded !== token && out.includes(encoded)) out = out.replaceAll(encoded, TOKEN_PLACEHOLDER);
  return out;
}

const MAX_CAUSE_DEPTH = 8;

/**
 * A token-free copy of an error thrown by `fetch` or a stream: same name, message and stack with the
 * token replaced, and the `cause` chain copied the same way. The original is dropped because runtimes
 * put the request URL, which contains the token, into their messages.
 */
export function redactError(error: unknown, token: string, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redactText(String(error), token));
  const copy = new Error(redactText(error.message, token));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack, token);
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = redactError(error.cause, token, depth + 1);
  }
  return copy;
}

function holdsToken(text: string | undefined, token: string): boolean {
  return text !== undefined && token !== ""
    && (text.includes(token) || text.includes(encodeURIComponent(token)));
}

/**
 * What a log may show of `error`: the error itself when neither its message nor its stack, nor those of
 * its causes, hold the token (so the log keeps its class and fields), else the copy {@link redactError}
 * makes. A thrown non-error is logged as its text, redacted when needed.
 */
export function loggable(error: unknown, token: string): unknown {
  if (!(error instanceof Error)) {
    return holdsToken(String(error), token) ? redactText(String(error), token) : error;
  }
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth <= MAX_CAUSE_DEPTH; depth++) {
    if (holdsToken(current.message, token) || holdsToken(current.stack, token)) {
      return redactError(error, token);
    }
    current = current.cause;
  }
  if (current !== undefined && !(current instanceof Error) && holdsToken(String(current), token)) {
    return redactError(error, token);
  }
  return error;
}

function redactValue(value: unknown, token: string): unknown {
  if (typeof value === "string") return redactText(value, token);
  if (isUpload(value)) return describeUpload(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, token));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, token);
    return out;
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
  return redactValue(params, token) as Record<string, unknown>;
}
