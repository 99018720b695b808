import type { UploadPart } from "./input_file.ts";

/** One field of a multipart body: a text value or a file. */
export type MultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly part: UploadPart };

/** A multipart body and the Content-Type header that goes with it. */
export interface MultipartBody {
  /** A Blob when every file is in memory (sent with a Content-Length), else a stream (sent chunked). */
  readonly body: Blob | ReadableStream<Uint8Array>;
  /** `multipart/form-data; boundary=…`. */
  readonly contentType: string;
}

const encoder = new TextEncoder();
const NON_ASCII = /[^\x20-\x7e]/;
// The Bot API server percent-decodes a quoted value, so `%` is escaped too; `\\`, which its parser takes
// for an escape (a Windows path lost its separators, a trailing one left the quote unclosed); and `;`,
// which it took for the parameter's end, inside quotes too, before 2021.
const QUOTED_UNSAFE = /["\r\n;%\\]/g;
const QUOTED_ESCAPES: Record<string, string> = {
  "\"": "%22",
  "\r": "%0D",
  "\n": "%0A",
  ";": "%3B",
  "%": "%25",
  "\\": "%5C",
};
const RFC5987_EXTRA = /['()*]/g;

/**
 * Quoted-string value for a Content-Disposition parameter, escaped the way browsers do (RFC 7578 §2),
 * and a `;` and `%` too.
 */
function quote(value: string): string {
  return `"${value.replace(QUOTED_UNSAFE, (c) => QUOTED_ESCAPES[c])}"`;
}

/** RFC 8187 ext-value: UTF-8, percent-encoded outside attr-char. */
function extValue(value: string): string {
  return "UTF-8''"
    + encodeURIComponent(value).replace(
      RFC5987_EXTRA,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    );
}

/**
 * The part header. A non-ASCII file name is sent raw in UTF-8 inside `filename` (what RFC 7578 and
 * browsers do) and again as `filename*` for parsers that only trust the RFC 8187 form.
 */
function partHeader(boundary: string, name: string, part?: UploadPart): Uint8Array {
  let disposition = `form-data; name=${quote(name)}`;
  let type = "";
  if (part) {
    disposition += `; filename=${quote(part.filename)}`;
    if (NON_ASCII.test(part.filename)) disposition += `; filename*=${extValue(part.filename)}`;
    type = `Content-Type: ${part.contentType}\r\n`;
  }
  return encoder.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`);
}

/** A boundary that cannot plausibly occur inside the content. */
export function newBoundary(): string {
  return `----telepot-ts-${crypto.randomUUID()}`;
}

type Segment = Uint8Array | UploadPart;

function segmentsOf(fields: readonly MultipartField[], boundary: string): Segment[] {
  const crlf = encoder.encode("\r\n");
  const segments: Segment[] = [];
  for (const field of fields) {
    if ("part" in field) {
      segments.push(partHeader(boundary, field.name, field.part), field.part, crlf);
    } else {
      segments.push(partHeader(boundary, field.name), encoder.encode(field.value), crlf);
    }
  }
  segments.push(encoder.encode(`--${boundary}--\r\n`));
  return segments;
}

/** Pulls one chunk per `pull`, so at most one chunk of any file is held in memory at a time. */
function streamOf(segments: Segment[]): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (index < segments.length) {
        const segment = segments[index];
        if (segment instanceof Uint8Array) {
          index++;
          controller.enqueue(segment);
          return;
        }
        reader ??= (await segment.open()).getReader();
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        reader.releaseLock();
        reader = undefined;
        index++;
      }
      controller.close();
    },
    async cancel(reason) {
      // The parts after this one were never opened: the failed request lets go of them.
      await reader?.cancel(reason);
    },
  });
}

/**
 * Encodes fields as `multipart/form-data` (RFC 7578) without reading any file into memory: streamed
 * files are read chunk by chunk while the request is sent.
 *
 * @param fields text fields and files, in the order they are written.
 * @param boundary the part delimiter; {@link newBoundary} by default.
 */
export function multipartBody(
  fields: readonly MultipartField[],
  boundary: string = newBoundary(),
): MultipartBody {
  const segments = segmentsOf(fields, boundary);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const inMemory = segments.every((s) => s instanceof Uint8Array || s.blob !== undefined);
  if (inMemory) {
    // A Blob made of Blobs references its parts instead of copying them.
    const parts = segments.map((s) =>
      s instanceof Uint8Array ? s as Uint8Array<ArrayBuffer> : s.blob as Blob
    );
    return { body: new Blob(parts), contentType };
  }
  return { body: streamOf(segments), contentType };
}
