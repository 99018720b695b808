import { BadInput } from "../exception/bad_input.ts";
import { holdsSpentSource } from "./input_file.ts";
import { encodeParams, type RequestBody } from "./request_body.ts";

// One encoding per parameters object that uploads files: a transformer that repeats a call (retry)
// passes the same object again, and a one-shot stream in it can be read only once. A JSON body is
// simply encoded again.
const bodies = new WeakMap<object, RequestBody>();

/**
 * The encoded body of `params`: JSON at once; multipart (files to read) later, and then kept for
 * when the same object is sent again.
 *
 * @throws {BadInput} when `params` uploads a one-shot stream and was sent already.
 */
export function bodyOf(params: Readonly<Record<string, unknown>>): RequestBody | Promise<RequestBody> {
  const known = bodies.get(params);
  if (known !== undefined) {
    if (!known.replayable) {
      throw new BadInput("params", "parameters sent once: a one-shot stream in them cannot be sent again");
    }
    return known;
  }
  const body = encodeParams(params);
  if (!(body instanceof Promise)) return body;
  return body.then((encoded) => {
    bodies.set(params, encoded);
    return encoded;
  });
}

/**
 * Whether `params` may be sent (again): false once they, or a one-shot stream or open file in them,
 * were sent.
 */
export function canResend(params: Readonly<Record<string, unknown>>): boolean {
  return (bodies.get(params)?.replayable ?? true) && !holdsSpentSource(params);
}
