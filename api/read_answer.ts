/**
 * Reading a Bot API answer's body with a cap on its size.
 *
 * @module
 */

// One deflate stream (gzip's too) inflates to at most about 1,032 times its size.
const DEFLATE_MAX_RATIO = 1032;
// A single gzip or deflate coding: two in a row would multiply the ratios.
const DEFLATED = /^\s*(?:x-)?(?:gzip|deflate)\s*$/i;

/**
 * The body of `response` as text, at most `limit` bytes of it. An answer that declares a longer
 * `Content-Length` is refused before anything is read; one that declares none, or is compressed (the
 * runtime's fetch inflates it, so a small body may become any size), is read chunk by chunk and
 * refused, its stream cancelled, once it passes `limit`. An uncompressed answer whose declared length
 * fits, and is its framing (no `Transfer-Encoding`), is read whole: the length ends it there; so is a
 * gzip or deflate answer too short to inflate
 * past `limit` (deflate inflates at most about 1,032 times), which is what a server compressing its
 * answers usually sends.
 *
 * @param tooLarge the error thrown for a body over `limit`.
 */
export async function readAnswerText(
  response: Response,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  const body = response.body;
  if (body === null) return "";
  const headers = response.headers;
  const declared = Number(headers.get("content-length") ?? NaN);
  if (declared > limit) {
    await body.cancel().catch(() => {});
    throw tooLarge();
  }
  // A chunked answer's Content-Length is not its framing (the runtime reads the chunks, however many).
  if (declared >= 0 && headers.get("transfer-encoding") === null) {
    const encoding = headers.get("content-encoding");
    if (encoding === null || (DEFLATED.test(encoding) && declared * DEFLATE_MAX_RATIO <= limit)) {
      return await response.text();
    }
  }
  const reader = body.getReader();
  // One decoder per read: a streaming decoder keeps the bytes of a character cut between chunks.
  const decoder = new TextDecoder();
  let text = "";
  let left = limit;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    left -= value.byteLength;
    if (left < 0) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}
