import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { FIRST_BUFFER, readCapped } from "./capped_read.ts";

/** How webhook request bodies are read. Sizes in bytes, times in seconds. */
export interface BodyLimits {
  /** Largest accepted body; larger ones are refused with 413. */
  readonly maxBodySize: number;
  /** Seconds the whole body may take to arrive; a slower one is refused with 408 and its connection cut. */
  readonly bodyTimeout: number;
  /** Bodies read at the same time; a request beyond them is refused with 503 before its body is read. */
  readonly maxConcurrentBodies: number;
}

/** The limits a webhook handler uses unless told otherwise. */
export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBodySize: 1 << 20,
  bodyTimeout: 10,
  maxConcurrentBodies: 100,
};

/** Checks user-given limits and fills in the defaults. @throws {BadInput} on a malformed limit. */
export function bodyLimits(options: Partial<BodyLimits>): BodyLimits {
  const maxBodySize = options.maxBodySize ?? DEFAULT_BODY_LIMITS.maxBodySize;
  if (!Number.isSafeInteger(maxBodySize) || maxBodySize <= 0) {
    throw new BadInput("options.maxBodySize", "a positive integer number of bytes");
  }
  const maxConcurrentBodies = options.maxConcurrentBodies ?? DEFAULT_BODY_LIMITS.maxConcurrentBodies;
  if (!Number.isSafeInteger(maxConcurrentBodies) || maxConcurrentBodies <= 0) {
    throw new BadInput("options.maxConcurrentBodies", "a positive integer");
  }
  const bodyTimeout = checkSeconds(options.bodyTimeout, "options.bodyTimeout")
    ?? DEFAULT_BODY_LIMITS.bodyTimeout;
  return { maxBodySize, bodyTimeout, maxConcurrentBodies };
}

/** Why a body was not read: the HTTP status to answer with. */
export class BodyRefused extends Error {
  /**
   * Creates the refusal.
   *
   * @param status 400 (unreadable), 408 (too slow), 413 (too large) or 503 (too many at once).
   */
  /** The HTTP status to answer with. */
  readonly status: 400 | 408 | 413 | 503;

  constructor(status: 400 | 408 | 413 | 503) {
    super(`request body refused with HTTP ${status}`);
    this.status = status;
  }
}

/** Counts the bodies being read, so that many slow senders cannot each hold a reader and a buffer. */
export class BodyGate {
  #reading = 0;

  /** How many bodies may be read at the same time. */
  readonly capacity: number;

  /** @param capacity how many bodies may be read at the same time. */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /**
   * Reads a body within `limits`, or refuses it with 503 at once when `capacity` bodies are being
   * read already.
   *
   * @throws {BodyRefused} with the status to answer.
   */
  read(
    body: ReadableStream<Uint8Array> | null,
    declaredLength: string | null,
    limits: BodyLimits,
  ): Promise<Uint8Array> {
    if (this.#reading >= this.capacity) return refuse(body, 503);
    this.#reading++;
    const reading = readBody(body, declaredLength, limits);
    reading.then(this.#leave, this.#leave);
    return reading;
  }

  readonly #leave = (): void => {
    this.#reading--;
  };
}

/** Cancels what is left of `body` (so its sender is not read any further) and refuses it. */
async function refuse(
  body: ReadableStream<Uint8Array> | null,
  status: BodyRefused["status"],
): Promise<never> {
  await body?.cancel().catch(() => {});
  throw new BodyRefused(status);
}

/**
 * Reads a request body within `limits` (see {@link readCapped}: one buffer grown by doubling, at most
 * twice the bytes received). A declared length over `maxBodySize` is refused before reading. The bytes
 * are for parsing at once, not keeping: a body that arrived in one chunk is returned as that chunk.
 *
 * @throws {BodyRefused} 413 over `maxBodySize` (declared or counted), 408 after `bodyTimeout`,
 *   400 when the stream fails.
 */
export function readBody(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  limits: Pick<BodyLimits, "maxBodySize" | "bodyTimeout">,
): Promise<Uint8Array> {
  const { maxBodySize } = limits;
  const declared = declaredLength === null ? NaN : Number(declaredLength);
  if (Number.isFinite(declared) && declared > maxBodySize) return refuse(body, 413);
  if (body === null) return Promise.resolve(new Uint8Array());
  const expected = Number.isSafeInteger(declared) && declared >= 0 ? declared : FIRST_BUFFER;
  return readCapped(body, {
    maxBytes: maxBodySize,
    timeout: limits.bodyTimeout,
    firstBuffer: Math.min(expected, FIRST_BUFFER, maxBodySize),
    transient: true,
    tooLarge,
    timedOut,
    unreadable,
  });
}

const tooLarge = () => new BodyRefused(413);
const timedOut = () => new BodyRefused(408);
const unreadable = () => new BodyRefused(400);
