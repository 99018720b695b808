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
 * Replaces uploads nested anywhere inside `value` (InputMedia arrays, InputPaidMedia, InputSticker,
 * …) with `attach://<name>` and records them, and leaves `null` fields out. Copies only the containers
 * it changes, so the caller's objects are never changed.
 */
function attachNested(value: unknown, key: string, attachments: Attachment[]): unknown {
  if (isUpload(value)) {
    const name = `file${attachments.length}`;
    attachments.push({ name, upload: value, fallbackName: key });
    return `attach://${name}`;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const replaced = attachNested(value[i], key, attachments);
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
      const replaced = attachNested(value[field], field, attachments);
      if (replaced !== value[field]) (copy ??= { ...value })[field] = replaced;
    }
    return copy ?? value;
  }
  return value;
}

function fieldText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Encodes a call's parameters: JSON when nothing is uploaded, else `multipart/form-data` in which a
 * top-level file is its own part, a nested file becomes an `attach://` reference plus a part, strings
 * go as they are and everything else as JSON. `undefined` and `null` parameters are left out.
 *
 * @throws {BadInput} when a local file does not exist or a stream is already used.
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
    else plain[key] = typeof value === "object" ? attachNested(value, key, attachments) : value;
  }
  if (direct.length === 0 && attachments.length === 0) return jsonBody(JSON.stringify(plain));
  return multipartOf(plain, [...direct, ...attachments]);
}

// Most calls (a chat id and a text) hold strings, numbers and booleans only: nothing to upload, leave
// out or look into, so the parameters are their own JSON.
function onlyScalars(params: Readonly<Record<string, unknown>>): boolean {
  for (const key in params) {
    const type = typeof params[key];
    if (type !== "string" && type !== "number" && type !== "boolean") return false;
  }
  return true;
}

function jsonBody(json: string): RequestBody {
  return { replayable: true, encode: () => ({ body: json, contentType: "application/json" }) };
}

async function multipartOf(plain: Record<string, unknown>, uploads: Attachment[]): Promise<RequestBody> {
  const fields: MultipartField[] = [];
  for (const key in plain) fields.push({ name: key, value: fieldText(plain[key]) });
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
