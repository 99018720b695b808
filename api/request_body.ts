import { BadInput } from "../exception/bad_input.ts";
import {
  discardAll,
  isUpload,
  oneShotSourceOf,
  toUploadPart,
  type Upload,
  type UploadPart,
} from "./input_file.ts";
import { multipartBody, type MultipartField } from "./multipart.ts";
import { isPlainObject } from "./plain_object.ts";

/** A body ready to hand to `fetch`, with its Content-Type. */
export interface EncodedBody {
  /** The request body. */
  readonly body: string | Blob | ReadableStream<Uint8Array>;
  /** The Content-Type header value. */
  readonly contentType: string;
}

/** A call's parameters encoded for the wire; `encode` builds a fresh body for each attempt. */
export interface RequestBody {
  /** Whether `encode` may be called more than once (false when a one-shot stream is uploaded). */
  readonly replayable: boolean;
  /** Builds the body for one attempt. */
  readonly encode: () => EncodedBody;
  /**
   * Lets go of the one-shot sources no attempt opened (open files are closed), for a call that ended
   * without sending them. Never rejects.
   */
  readonly discard?: (reason?: unknown) => Promise<void>;
}

/** A file to upload as its own part; `fallbackName` names it when the upload carries no file name. */
interface Attachment {
  readonly name: string;
  readonly upload: Upload;
  readonly fallbackName: string;
}

/**
 * Far deeper than any Bot API value (a keyboard is four levels): deeper is a cycle or a mistake, refused
 * (or, in a redacted copy, cut off) before a walk could exhaust the stack.
 */
export const MAX_PARAM_DEPTH = 64;

// The integers a BigInt can be sent as: a JSON number the server reads back exactly. Telegram's ids
// are at most 52 bits, so a larger one is a bug in the caller, not an id.
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const EXACT_INTEGER =
  `an integer within ±${Number.MAX_SAFE_INTEGER} (a BigInt outside it cannot be sent exactly)`;
const JSON_VALUE =
  `a value JSON can encode (no cycles, at most ${MAX_PARAM_DEPTH} levels deep, BigInts only in plain objects and arrays)`;

const PARAM_VALUE =
  "a Bot API value (a string, number, boolean, object, array or file), not a function or symbol";

// Thrown inside the walk below; the caller turns them into a BadInput naming the parameter.
const UNSAFE_BIGINT = Symbol("unsafe BigInt");
const TOO_DEEP = Symbol("too deep");
const NOT_A_VALUE = Symbol("not a value");

/** A function or symbol: JSON leaves it out (or writes `null` in an array), so the call would go without it. */
function notAValue(value: unknown): boolean {
  return typeof value === "function" || typeof value === "symbol";
}

/** Whether a BigInt parameter can be sent as the JSON number it stands for. */
export function isExact(value: bigint): boolean {
  return value <= MAX_EXACT && value >= -MAX_EXACT;
}

/** A BigInt as the number it stands for: the JSON and multipart text of both is the same decimal. */
function exactNumber(value: bigint): number {
  if (!isExact(value)) throw UNSAFE_BIGINT;
  return Number(value);
}

/**
 * Replaces uploads nested anywhere inside `value` (InputMedia arrays, InputPaidMedia, InputSticker,
 * …) with `attach://<name>` and records them, leaves `null` fields out, and writes BigInts as numbers.
 * Copies only the containers it changes, so the caller's objects are never changed.
 */
function attachNested(value: unknown, key: string, attachments: Attachment[], depth: number): unknown {
  if (typeof value === "bigint") return exactNumber(value);
  if (notAValue(value)) throw NOT_A_VALUE;
  if (depth > MAX_PARAM_DEPTH) throw TOO_DEEP;
  if (isUpload(value)) {
    const name = `file${attachments.length}`;
    attachments.push({ name, upload: value, fallbackName: key });
    return `attach://${name}`;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const replaced = attachNested(value[i], key, attachments, depth + 1);
      if (replaced !== value[i]) (copy ??= [...value])[i] = replaced;
    }
    return copy ?? value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const field in value) {
      if (value[field] === null) {
        // null means absent (namedtuple objects are full of them): the Bot API gets no such field.
        delete (copy ??= { ...value })[field];
        continue;
      }
      const replaced = attachNested(value[field], field, attachments, depth + 1);
      if (replaced !== value[field]) (copy ??= { ...value })[field] = replaced;
    }
    return copy ?? value;
  }
  return value;
}

/**
 * `attachNested` for the parameter `key`, its failures as the BadInput `call` documents for malformed
 * parameters, naming where the BigInt, function or symbol is (found again only now, on the error path).
 */
function nestedParam(value: unknown, key: string, attachments: Attachment[]): unknown {
  try {
    return attachNested(value, key, attachments, 1);
  } catch (error) {
    if (error === UNSAFE_BIGINT) {
      throw new BadInput(`params.${key}${pathTo(value, isUnsafeBigInt, 1)}`, EXACT_INTEGER);
    }
    if (error === NOT_A_VALUE) throw new BadInput(`params.${key}${pathTo(value, notAValue, 1)}`, PARAM_VALUE);
    if (error === TOO_DEEP) throw new BadInput(`params.${key}`, JSON_VALUE);
    throw error;
  }
}

function isUnsafeBigInt(value: unknown): boolean {
  return typeof value === "bigint" && !isExact(value);
}

/** Where inside `value` the first value `found` picks is, as `.field[index]…`. */
function pathTo(value: unknown, found: (value: unknown) => boolean, depth: number): string | undefined {
  if (found(value)) return "";
  if (depth > MAX_PARAM_DEPTH || isUpload(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = pathTo(value[i], found, depth + 1);
      if (inner !== undefined) return `[${i}]${inner}`;
    }
  } else if (isPlainObject(value)) {
    for (const field in value) {
      const inner = pathTo(value[field], found, depth + 1);
      if (inner !== undefined) return `.${field}${inner}`;
    }
  }
  return undefined;
}

/**
 * JSON of what `attachNested` left (BigInts already numbers), or a BadInput naming the parameter JSON
 * cannot encode (a BigInt or a cycle inside a class instance, which the walk does not enter), never
 * the bare TypeError `JSON.stringify` throws.
 */
function jsonOf(value: unknown, key?: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    if (key !== undefined) throw new BadInput(`params.${key}`, JSON_VALUE);
    const fields = value as Record<string, unknown>;
    for (const field in fields) jsonOf(fields[field], field);
    throw new BadInput("params", JSON_VALUE);
  }
}

function fieldText(value: unknown, key: string): string {
  return typeof value === "string" ? value : jsonOf(value, key);
}

/**
 * Encodes a call's parameters: JSON when nothing is uploaded, else `multipart/form-data` in which a
 * top-level file is its own part, a nested file becomes an `attach://` reference plus a part, strings
 * go as they are and everything else as JSON. `undefined` and `null` parameters are left out. A
 * BigInt goes as the number it stands for.
 *
 * @throws {BadInput} when a local file does not exist or a stream is already used, a BigInt is outside
 *   ±`Number.MAX_SAFE_INTEGER`, a value is a function or symbol, or one JSON cannot encode (a cycle).
 */
export function encodeParams(params: Readonly<Record<string, unknown>>): RequestBody | Promise<RequestBody> {
  if (onlyScalars(params)) return jsonBody(JSON.stringify(params));
  const plain: Record<string, unknown> = {};
  const direct: Attachment[] = [];
  const attachments: Attachment[] = [];
  for (const key in params) {
    const value = params[key];
    if (value === undefined || value === null) continue;
    if (isUpload(value)) direct.push({ name: key, upload: value, fallbackName: key });
    else if (isScalar(value)) plain[key] = value;
    else plain[key] = nestedParam(value, key, attachments);
  }
  if (direct.length === 0 && attachments.length === 0) return jsonBody(jsonOf(plain));
  return multipartOf(plain, [...direct, ...attachments]);
}

// Most calls (a chat id and a text) hold strings, numbers and booleans only: nothing to upload, leave
// out or look into, so the parameters are their own JSON.
function onlyScalars(params: Readonly<Record<string, unknown>>): boolean {
  for (const key in params) if (!isScalar(params[key])) return false;
  return true;
}

// What JSON writes as it is; anything else (an object, a BigInt, a function…) goes through nestedParam.
function isScalar(value: unknown): boolean {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean";
}

function jsonBody(json: string): RequestBody {
  return { replayable: true, encode: () => ({ body: json, contentType: "application/json" }) };
}

async function multipartOf(plain: Record<string, unknown>, uploads: Attachment[]): Promise<RequestBody> {
  const fields: MultipartField[] = [];
  for (const key in plain) fields.push({ name: key, value: fieldText(plain[key], key) });
  const parts: UploadPart[] = [];
  const sources = new Set<object>();
  // A refusal here fails the call, which lets go of its one-shot sources (`Api.call`).
  for (const { name, upload, fallbackName } of uploads) {
    // Read once, a source given twice would leave the second part empty.
    const source = oneShotSourceOf(upload);
    if (source !== undefined && sources.has(source)) {
      throw new BadInput(fallbackName, "a ReadableStream or open file given once per call");
    }
    if (source !== undefined) sources.add(source);
    const part = await toUploadPart(upload, fallbackName);
    parts.push(part);
    fields.push({ name, part });
  }
  const replayable = parts.every((part) => part.replayable);
  return { replayable, encode: () => multipartBody(fields), discard: (reason) => discardAll(parts, reason) };
}
