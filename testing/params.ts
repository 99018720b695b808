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

/** Bodies above this size are refused before they are read (Telegram's upload ceiling is 50 MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function tooLarge(): ApiFailure {
  return new ApiFailure(413, "Request Entity Too Large");
}

/** Reads the body as text; a declared length within bounds takes the fast native path. */
async function readText(request: Request, declared: number): Promise<string> {
  if (declared > 0) return await request.text();
  const body = request.body;
  if (body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * Reads a call's parameters from the query string and the body (JSON, urlencoded or multipart), as the
 * Bot API accepts all four. A body that cannot be parsed is a 400; it never takes the server down.
 */
export async function readCallInput(request: Request, query: string): Promise<CallInput> {
  let params: Obj = {};
  if (query !== "") { for (const [k, v] of new URLSearchParams(query)) params[k] = v; }
  const headers = request.headers;
  const length = Number(headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  const type = headers.get("content-type") ?? "";
  if (type.startsWith("application/json")) {
    const text = await readBody(request, length);
    if (text.trim() === "") return { params, files: NO_FILES };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw badRequest("JSON object expected");
    }
    // The parsed object becomes the parameters as is (no copy on the hot path); query values stay, the
    // body wins on a clash, as a merged copy would have it.
    if (query === "") params = parsed as Obj;
    else params = { ...params, ...parsed };
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(await readBody(request, length))) params[k] = v;
  } else if (type.startsWith("multipart/form-data")) {
    const form = await readMultipart(request, type);
    const files = new Map<string, File>();
    for (const [k, v] of form) {
      if (typeof v === "string") params[k] = v;
      else files.set(k, v);
    }
    return { params, files };
  }
  return { params, files: NO_FILES };
}

function multipartError(): ApiFailure {
  return badRequest("can't parse multipart/form-data request body");
}

/**
 * Parses a multipart body, refusing one that was cut short: the platform parser quietly drops an
 * unterminated last part, so the closing delimiter is checked on the raw bytes first.
 */
async function readMultipart(request: Request, type: string): Promise<FormData> {
  const at = type.indexOf("boundary=");
  if (at < 0) throw multipartError();
  let boundary = type.slice(at + 9);
  const semicolon = boundary.indexOf(";");
  if (semicolon >= 0) boundary = boundary.slice(0, semicolon);
  boundary = boundary.trim().replace(/^"(.*)"$/, "$1");
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw multipartError();
  }
  const closing = new TextEncoder().encode(`--${boundary}--`);
  let end = bytes.byteLength;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13)) end--;
  if (end < closing.byteLength) throw multipartError();
  for (let i = 0; i < closing.byteLength; i++) {
    if (bytes[end - closing.byteLength + i] !== closing[i]) throw multipartError();
  }
  try {
    return await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw multipartError();
  }
}

async function readBody(request: Request, declared: number): Promise<string> {
  try {
    return await readText(request, declared);
  } catch (e) {
    if (e instanceof ApiFailure) throw e;
    throw badRequest("can't read request body");
  }
}

/** The parameter as an integer, or undefined when absent; a non-integer is a 400. */
export function optInt(params: Obj, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw badRequest(`invalid ${name} specified`);
  return n;
}

/** The parameter as a number (Float), or undefined when absent. */
export function optFloat(params: Obj, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw badRequest(`invalid ${name} specified`);
  return n;
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
