import { readCapped } from "../bot/capped_read.ts";
import { ApiFailure, badRequest } from "./failure.ts";
import type { Obj } from "./types.ts";

/** Parameters of one call plus the uploaded files it may reference with `attach://<name>`. */
export interface CallInput {
  /** Parameters by name; values from query strings and forms arrive as strings. */
  readonly params: Obj;
  /** Uploaded files by multipart field name. */
  readonly files: ReadonlyMap<string, File>;
}

const NO_FILES: ReadonlyMap<string, File> = new Map();

/** How the emulator reads request bodies. Sizes in bytes, times in seconds. */
export interface RequestLimits {
  /** Largest body of one call, declared or counted (chunked); above it, 413. */
  readonly maxBodyBytes: number;
  /** Bytes one bot's calls may be reading at the same time; above it, 429 with `retry_after`. */
  readonly maxBytesPerBot: number;
  /** Seconds a body may take to arrive; a slower one is cut off with 408. */
  readonly bodyTimeout: number;
  /** Parts of one multipart body (counted before it is parsed); above it, 413. */
  readonly maxParts: number;
  /** Size of one uploaded file part (Telegram's upload limit, 50 MB); above it, 413. */
  readonly maxFileBytes: number;
}

/** Telegram's upload ceiling is 50 MB; a little room is left for the multipart framing. */
export const DEFAULT_BODY_LIMITS: RequestLimits = {
  maxBodyBytes: 64 * 1024 * 1024,
  maxBytesPerBot: 256 * 1024 * 1024,
  bodyTimeout: 60,
  maxParts: 1000,
  maxFileBytes: 50 * 1000 * 1000,
};

function tooLarge(): ApiFailure {
  return new ApiFailure(413, "Request Entity Too Large");
}

/**
 * Bytes being read per bot: one client cannot hold more than `maxBytesPerBot` of memory in bodies,
 * however many connections it opens, and other bots are never refused because of it.
 */
export class BodyBudget {
  readonly #reading = new WeakMap<object, number>();

  /** The limits enforced. */
  readonly limits: RequestLimits;

  /** @param limits the limits to enforce. */
  constructor(limits: RequestLimits = DEFAULT_BODY_LIMITS) {
    this.limits = limits;
  }

  /** Takes `bytes` for `owner`; throws 429 when that would pass its share. */
  take(owner: object, bytes: number): void {
    const now = (this.#reading.get(owner) ?? 0) + bytes;
    if (now > this.limits.maxBytesPerBot) {
      throw new ApiFailure(429, "Too Many Requests: retry after 1", { retry_after: 1 });
    }
    this.#reading.set(owner, now);
  }

  /** Gives `bytes` of `owner` back. */
  give(owner: object, bytes: number): void {
    this.#reading.set(owner, Math.max(0, (this.#reading.get(owner) ?? 0) - bytes));
  }
}

/**
 * Reads a whole body (see {@link readCapped}: one buffer grown by doubling); the size limit holds for
 * chunked bodies (no declared length) too. The buffer's bytes count against the bot's share of the
 * budget while it is read.
 */
async function readBytes(
  request: Request,
  declared: number,
  budget: BodyBudget,
  owner: object,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBodyBytes, bodyTimeout } = budget.limits;
  const body = request.body;
  if (body === null) return new Uint8Array();
  let held = 0;
  try {
    return await readCapped(body, {
      maxBytes: maxBodyBytes,
      timeout: bodyTimeout,
      declared,
      tooLarge,
      timedOut: () => new ApiFailure(408, "Request Timeout"),
      unreadable: () => badRequest("can't read request body"),
      allocate: (bytes) => {
        budget.take(owner, bytes);
        held += bytes;
      },
      release: (bytes) => {
        budget.give(owner, bytes);
        held -= bytes;
      },
    });
  } finally {
    budget.give(owner, held);
  }
}

/**
 * Reads a call's parameters from the query string and the body (JSON, urlencoded or multipart), as the
 * Bot API accepts all four. A body that cannot be parsed is a 400; it never takes the server down.
 * Parameters from the query, a form or multipart fields land in a null-prototype object, so a name
 * such as `__proto__` or `constructor` is a parameter like any other (and an unknown one).
 *
 * @param owner whose share of `budget` the body counts against (the calling bot).
 */
export async function readCallInput(
  request: Request,
  query: string,
  budget: BodyBudget = new BodyBudget(),
  owner: object = budget,
): Promise<CallInput> {
  let params: Obj = Object.create(null);
  if (query !== "") addFirst(params, new URLSearchParams(query));
  const headers = request.headers;
  const declared = headers.get("content-length");
  const length = declared === null ? NaN : Number(declared);
  if (declared !== null && !(length <= budget.limits.maxBodyBytes)) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  // Media types are case-insensitive (Application/JSON is JSON); a multipart boundary is not.
  const declaredType = headers.get("content-type") ?? "";
  const kind = bodyKind(declaredType);
  const read = () => readBytes(request, length, budget, owner);
  if (kind === "multipart") {
    return await readMultipartInput(await read(), declaredType, budget.limits, params);
  }
  if (kind === "json") {
    const text = decoder.decode(await read());
    if (text.trim() === "") return { params, files: NO_FILES };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The server reads what it can and goes on with it (the method then says what is missing).
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) parsed = jsonMembers(text);
    // The parsed object becomes the parameters as is (no copy on the hot path); JSON.parse makes every
    // key, "__proto__" too, an own property. A query value wins over the body's.
    if (query === "") params = parsed as Obj;
    else addFirst(params, Object.entries(parsed as Obj));
  } else if (kind === "form") {
    addFirst(params, new URLSearchParams(decoder.decode(await read())));
  } else {
    await request.body?.cancel().catch(() => {});
  }
  return { params, files: NO_FILES };
}

const decoder = new TextDecoder();

/**
 * Adds the parameters `params` lacks: of two with one name, the first counts, as the server looks a
 * parameter up (query string first, then the body, each in order).
 */
export function addFirst(params: Obj, entries: Iterable<[string, unknown]>): void {
  for (const [k, v] of entries) if (!(k in params)) params[k] = v;
}

/**
 * What a body holds, by its content type as td's HttpReader (the Bot API server's reader of calls and of
 * webhook answers alike) tells: the type contains `multipart/form-data`, else
 * `application/x-www-form-urlencoded`, else `application/json`, in any case and wherever in it; any
 * other body carries no parameters.
 */
export function bodyKind(contentType: string): "multipart" | "form" | "json" | undefined {
  const type = contentType.toLowerCase();
  if (type.includes("multipart/form-data")) return "multipart";
  if (type.includes("application/x-www-form-urlencoded")) return "form";
  if (type.includes("application/json")) return "json";
  return undefined;
}

/**
 * Reads a multipart body into call input: its fields are added to `params` (after any from the query
 * string), its files kept by field name. Method calls and webhook replies both come here, so one reading
 * holds for both: the boundary as {@link multipartBoundary} finds it, a body cut short or of more than
 * `maxParts` parts refused, and file names as the server reads them.
 */
export async function readMultipartInput(
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
  limits: RequestLimits = DEFAULT_BODY_LIMITS,
  params: Obj = Object.create(null),
): Promise<CallInput> {
  const form = await readMultipart(bytes, multipartBoundary(contentType), limits.maxParts);
  const files = new Map<string, File>();
  for (const [k, v] of form) {
    if (typeof v === "string") addFirst(params, [[k, v]]);
    else if (v.size > limits.maxFileBytes) throw tooLarge();
    else if (!files.has(k)) files.set(k, v);
  }
  return { params, files };
}

// RFC 1341's longest boundary, which td's reader holds to.
const MAX_BOUNDARY_LENGTH = 70;

/**
 * The boundary in a multipart content type as td's HttpReader finds it: after the first `boundary` in any
 * case, from the next `=` up to the next `;` (or the end), untrimmed, without the double quotes when it
 * has one at each end. None, an empty one or one over 70 characters is the reader's 400.
 */
function multipartBoundary(contentType: string): string {
  const at = contentType.search(/boundary/i);
  if (at < 0) throw badRequest("boundary not found");
  const equals = contentType.indexOf("=", at + 8);
  if (equals < 0) throw badRequest("boundary value not found");
  const semicolon = contentType.indexOf(";", equals + 1);
  let boundary = contentType.slice(equals + 1, semicolon < 0 ? undefined : semicolon);
  if (boundary.length > 1 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
    boundary = boundary.slice(1, -1);
  }
  if (boundary === "" || boundary.length > MAX_BOUNDARY_LENGTH) throw badRequest("boundary too big or empty");
  return boundary;
}

function multipartError(): ApiFailure {
  return badRequest("can't parse multipart/form-data request body");
}

/** Where `needle` occurs in `bytes`, from `from` on. */
function* positionsOf(bytes: Uint8Array, needle: Uint8Array, from = 0): Generator<number> {
  const first = needle[0];
  for (let at = bytes.indexOf(first, from); at >= 0; at = bytes.indexOf(first, at + 1)) {
    let i = 1;
    while (i < needle.byteLength && bytes[at + i] === needle[i]) i++;
    if (i === needle.byteLength) yield at;
  }
}

/** How many times `needle` occurs in `bytes`, counting no further than `limit + 1`. */
function occurrences(bytes: Uint8Array, needle: Uint8Array, limit: number): number {
  let count = 0;
  for (const _ of positionsOf(bytes, needle)) if (++count > limit) break;
  return count;
}

/**
 * Parses a multipart body, refusing one that was cut short: the platform parser quietly drops an
 * unterminated last part, so the closing delimiter is checked on the raw bytes first.
 */
async function readMultipart(
  bytes: Uint8Array<ArrayBuffer>,
  boundary: string,
  maxParts: number,
): Promise<FormData> {
  const closing = new TextEncoder().encode(`--${boundary}--`);
  let end = bytes.byteLength;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13)) end--;
  if (end < closing.byteLength) throw multipartError();
  for (let i = 0; i < closing.byteLength; i++) {
    if (bytes[end - closing.byteLength + i] !== closing[i]) throw multipartError();
  }
  // Counted on the raw bytes: a body of a million empty parts would cost far more once parsed.
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  if (occurrences(bytes, delimiter, maxParts) > maxParts) throw tooLarge();
  let form: FormData;
  try {
    // The platform parser is handed the boundary found above, quoted, so it cannot read another one.
    const type = `multipart/form-data; boundary="${boundary.replace(/["\\]/g, "\\$&")}"`;
    form = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw multipartError();
  }
  return await withServerFileNames(form, fileNames(bytes, boundary));
}

const utf8 = new TextDecoder();
const HEAD_END = new TextEncoder().encode("\r\n\r\n");
// A part's head is a few lines: one far longer is no head this reader names files from.
const MAX_PART_HEAD = 16 * 1024;

/**
 * The `filename` of every part the runtime's parser makes a file of (one with `filename` or
 * `filename*`), in order, as the Bot API server reads it (td's HttpReader): null when the server sees
 * no `filename` (it ignores `filename*`), so that part is a plain field there.
 */
function fileNames(bytes: Uint8Array, boundary: string): (string | null)[] {
  const names: (string | null)[] = [];
  const delimiter = new TextEncoder().encode(`--${boundary}\r\n`);
  for (const at of positionsOf(bytes, delimiter)) {
    const start = at + delimiter.byteLength;
    const head = bytes.subarray(start, start + MAX_PART_HEAD);
    const end = positionsOf(head, HEAD_END).next();
    if (end.done) continue;
    for (const [name, value] of partHeaders(utf8.decode(head.subarray(0, end.value)))) {
      if (name !== "content-disposition") continue;
      const parameters = dispositionParameters(value);
      // The runtime's parser, unlike the server's, reads keys in any case.
      if (![...parameters.keys()].some((key) => /^filename\*?$/i.test(key))) continue;
      names.push(parameters.get("filename") ?? null);
    }
  }
  return names;
}

/**
 * A part's headers as HttpReader splits them: a line starting with a space or tab continues the one
 * before (its line break kept), a name ends at the first `:` and is lower-cased, both are trimmed.
 */
function partHeaders(head: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of head.split("\r\n")) {
    const last = out[out.length - 1];
    if (last !== undefined && /^[ \t]/.test(line)) last[1] += `\r\n${line}`;
    else {
      const colon = line.indexOf(":");
      out.push([colon < 0 ? line : line.slice(0, colon), colon < 0 ? "" : line.slice(colon + 1)]);
    }
  }
  return out.map(([name, value]) => [tdTrim(name).toLowerCase(), tdTrim(value)]);
}

// td's is_space: what its trim() strips.
const TD_SPACE = /^[ \t\r\n\0\v]+|[ \t\r\n\0\v]+$/g;

function tdTrim(text: string): string {
  return text.replace(TD_SPACE, "");
}

/**
 * A Content-Disposition's parameters as HttpReader reads them: after `form-data;`, a key runs to the
 * next `=` (case kept) and its value is a quoted string up to the closing quote, `\` escaping the next
 * character (so a `;` or `=` inside is part of it), or else a token up to the next `;`; every value is
 * then percent-decoded (RFC 7578 §2; `+` stays). A later key wins. Malformed quoting is the server's 400.
 */
function dispositionParameters(header: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!header.startsWith("form-data;")) throw badRequest("expected form-data content disposition");
  let rest = header.slice(10);
  while (true) {
    rest = tdTrim(rest);
    const equals = rest.indexOf("=");
    if (equals < 0) break;
    const key = tdTrim(rest.slice(0, equals));
    rest = rest.slice(equals + 1).replace(/^[ \t\r\n\0\v]+/, "");
    let value = "";
    if (rest.startsWith("\"")) {
      let at = 1;
      while (true) {
        if (at === rest.length) throw badRequest("unclosed quoted string in Content-Disposition header");
        let c = rest[at++];
        if (c === "\"") break;
        if (c === "\\") {
          if (at === rest.length) throw badRequest("wrong escape sequence in Content-Disposition header");
          c = rest[at++];
        }
        value += c;
      }
      rest = rest.slice(at).replace(/^[ \t\r\n\0\v]+/, "");
      if (rest !== "") {
        if (rest[0] !== ";") throw badRequest("expected ';' in Content-Disposition header");
        rest = rest.slice(1);
      }
    } else {
      const semicolon = rest.indexOf(";");
      value = tdTrim(semicolon < 0 ? rest : rest.slice(0, semicolon));
      rest = semicolon < 0 ? "" : rest.slice(semicolon + 1);
    }
    out.set(key, percentDecoded(value));
  }
  return out;
}

/** td's url_decode without `+` as space: each `%` and two hex digits is that byte, anything else stays. */
function percentDecoded(value: string): string {
  if (!value.includes("%")) return value;
  const from = new TextEncoder().encode(value);
  const to = new Uint8Array(from.byteLength);
  let n = 0;
  for (let i = 0; i < from.byteLength; i++) {
    const high = hexDigit(from[i + 1]);
    const low = hexDigit(from[i + 2]);
    if (from[i] === 37 && i + 2 < from.byteLength && high < 16 && low < 16) {
      to[n++] = high * 16 + low;
      i += 2;
    } else to[n++] = from[i];
  }
  return utf8.decode(to.subarray(0, n));
}

function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return 16;
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : 16;
}

/**
 * The runtime's form with the server's file names; a part the server sees no `filename` in is a plain
 * field there, its content the value.
 */
async function withServerFileNames(form: FormData, names: (string | null)[]): Promise<FormData> {
  let next = 0;
  const renamed = new FormData();
  for (const [key, value] of form) {
    if (typeof value === "string") {
      renamed.append(key, value);
      continue;
    }
    const name = names[next++];
    if (name === null) renamed.append(key, await value.text());
    else renamed.append(key, value, name ?? value.name);
  }
  return renamed;
}

// A number or its text, or undefined when absent; one that `valid` refuses is a 400.
function optNumber(params: Obj, name: string, valid: (n: number) => boolean): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!valid(n)) throw badRequest(`invalid ${name} specified`);
  return n;
}

/** The parameter as an integer, or undefined when absent; a non-integer is a 400. */
export function optInt(params: Obj, name: string): number | undefined {
  return optNumber(params, name, Number.isSafeInteger);
}

/** The parameter as a number (Float), or undefined when absent. */
export function optFloat(params: Obj, name: string): number | undefined {
  return optNumber(params, name, Number.isFinite);
}

/** The parameter as a string, or undefined when absent. */
export function optStr(params: Obj, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw badRequest(`invalid ${name} specified`);
}

/** The parameter as a non-empty string; absent or empty is a 400. */
export function reqStr(params: Obj, name: string, emptyReason = `${name} is empty`): string {
  const s = optStr(params, name);
  if (s === undefined || s === "") throw badRequest(emptyReason);
  return s;
}

/** The parameter as a boolean (accepts true/false, "true"/"false", 1/0). */
export function optBool(params: Obj, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (v === true || v === "true" || v === 1 || v === "1" || v === "True") return true;
  if (v === false || v === "false" || v === 0 || v === "0" || v === "False") return false;
  throw badRequest(`invalid ${name} specified`);
}

/** The parameter as a JSON value: objects pass through, strings are parsed (form bodies send JSON text). */
export function optJson(params: Obj, name: string): unknown {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") return v;
  try {
    const parsed = JSON.parse(v);
    params[name] = parsed;
    return parsed;
  } catch {
    throw badRequest(`can't parse ${name} JSON object`);
  }
}

/** The parameter as a JSON object. */
export function optObj(params: Obj, name: string): Obj | undefined {
  const v = optJson(params, name);
  if (v === undefined) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw badRequest(`${name} must be an object`);
  return v as Obj;
}

/** The parameter as a JSON array. */
export function optArray(params: Obj, name: string): unknown[] | undefined {
  const v = optJson(params, name);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badRequest(`${name} must be an Array`);
  return v;
}

/**
 * The top-level members of a JSON object, read as td's HttpReader::parse_json_parameters reads them:
 * member by member, so a body that goes wrong part way (a syntax error, data after the object) still
 * yields the members read before it, and a repeated name keeps its first value (HttpQuery::get_arg
 * finds the first). Anything but an object yields no members. What a call's JSON body falls back to when
 * `JSON.parse` refuses it, and how a webhook reply is read.
 */
export function jsonMembers(text: string): Obj {
  const params: Obj = Object.create(null);
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && " \t\r\n".includes(text[at])) at++;
  };
  // A JSON value starting at `at`, parsed, with `at` moved past it; undefined when it is not one.
  const value = (): { ok: true; value: unknown } | { ok: false } => {
    const start = at;
    if (text[at] === "\"") {
      at++;
      while (at < text.length && text[at] !== "\"") at += text[at] === "\\" ? 2 : 1;
      at++;
    } else if (text[at] === "{" || text[at] === "[") {
      let depth = 0;
      do {
        const c = text[at];
        if (c === "\"") {
          at++;
          while (at < text.length && text[at] !== "\"") at += text[at] === "\\" ? 2 : 1;
        } else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") depth--;
        at++;
      } while (depth > 0 && at < text.length);
    } else {
      while (at < text.length && !",}] \t\r\n".includes(text[at])) at++;
    }
    try {
      return { ok: true, value: JSON.parse(text.slice(start, at)) };
    } catch {
      return { ok: false };
    }
  };
  skipSpace();
  if (text[at] !== "{") return params;
  at++;
  while (true) {
    skipSpace();
    if (at >= text.length || text[at] === "}") return params;
    if (text[at] !== "\"") return params;
    const key = value();
    if (!key.ok) return params;
    skipSpace();
    if (text[at] !== ":") return params;
    at++;
    skipSpace();
    const member = value();
    if (!member.ok) return params;
    const name = key.value as string;
    if (!(name in params)) params[name] = member.value;
    skipSpace();
    if (text[at] === ",") at++;
    else if (text[at] !== "}") return params;
  }
}
