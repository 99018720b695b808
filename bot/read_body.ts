import { checkSeconds } from "../api/seconds.ts";
import { BadInput } from "../exception/bad_input.ts";
import { madeFromNode } from "../platform/node_request.ts";
import { readCapped } from "./capped_read.ts";
import { deadlinesOf } from "./deadlines.ts";

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
  /** The HTTP status to answer with. */
  readonly status: 400 | 408 | 413 | 503;

  /**
   * Creates the refusal.
   *
   * @param status 400 (unreadable), 408 (too slow), 413 (too large) or 503 (too many at once).
   */
  constructor(status: 400 | 408 | 413 | 503) {
    super(`request body refused with HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Declared lengths up to this are read whole by the runtime (`Request.arrayBuffer`): one read into a
 * buffer of the body's size, where a stream read makes a 64 KiB buffer per chunk in Deno. Nearly every
 * update is far smaller. Larger or undeclared bodies are read as a stream by {@link readBody}.
 */
export const WHOLE_READ_MAX = 64 * 1024;

/**
 * Counts the bodies being read, so that many slow senders cannot each hold a reader and a buffer.
 *
 * A body of a declared length up to {@link WHOLE_READ_MAX} is read whole: HTTP's framing keeps it to
 * that length, and the runtime copies what arrives into one buffer. Such a read cannot be cancelled, so
 * one refused with 408 goes on until its sender finishes or leaves (Deno.serve keeps reading a refused
 * body in any case). The gate counts the whole reads that have not ended, abandoned ones included, and
 * while there are `capacity` of them, bodies are read as streams, which a refusal cancels: whole reads
 * never hold more than `capacity` × 64 KiB.
 */
export class BodyGate {
  #reading = 0;
  // Whole reads not ended yet (in progress, or abandoned), and the abandoned ones among them.
  #whole = 0;
  #abandoned = 0;

  /** How many bodies may be read at the same time. */
  readonly capacity: number;

  /** @param capacity how many bodies may be read at the same time. */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Abandoned whole reads still going: refused with 408, their sender neither done nor gone. */
  get abandoned(): number {
    return this.#abandoned;
  }

  /**
   * Reads the body of `req` within `limits`, or refuses it with 503 at once when `capacity` bodies are
   * being read already. The bytes are for parsing at once, not keeping.
   *
   * @throws {BodyRefused} with the status to answer: 503, 413 over `maxBodySize` (declared, or
   *   counted), 408 after `bodyTimeout`, 400 when the body fails.
   */
  read(req: Request, limits: BodyLimits): Promise<Uint8Array> {
    if (this.#reading >= this.capacity) return refuse(req.body, 503);
    const header = req.headers.get("content-length");
    const declared = header === null ? NaN : Number(header);
    const whole = Number.isSafeInteger(declared) && declared >= 0
      && declared <= Math.min(WHOLE_READ_MAX, limits.maxBodySize) && this.#whole < this.capacity
      && !madeFromNode(req);
    // A declared length over maxBodySize is refused by readBody before anything is read.
    const reading = whole ? this.#readWhole(req, limits) : readBody(req.body, declared, limits);
    this.#reading++;
    reading.then(this.#leave, this.#leave);
    return reading;
  }

  #readWhole(req: Request, limits: BodyLimits): Promise<Uint8Array> {
    this.#whole++;
    return new Promise((resolve, reject) => {
      const deadlines = deadlinesOf(limits.bodyTimeout);
      let refused = false;
      const deadline = deadlines.start(() => {
        refused = true;
        this.#abandoned++;
        reject(new BodyRefused(408));
      });
      const settle = (body: Uint8Array | BodyRefused): void => {
        deadlines.end(deadline);
        this.#whole--;
        if (refused) this.#abandoned--;
        else if (body instanceof BodyRefused) reject(body);
        // Longer than declared: not a body HTTP framing delivered (a Request made by hand). Read, but
        // still refused over the limit.
        else if (body.byteLength > limits.maxBodySize) reject(new BodyRefused(413));
        else resolve(body);
      };
      req.arrayBuffer().then((buffer) => settle(new Uint8Array(buffer)), () => settle(new BodyRefused(400)));
    });
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
 * twice the bytes received). A `declared` length (the `Content-Length` as a number, NaN without one)
 * over `maxBodySize` is refused before reading. The bytes are for parsing at once, not keeping: a body
 * that arrived in one chunk is returned as that chunk.
 *
 * @throws {BodyRefused} 413 over `maxBodySize` (declared or counted), 408 after `bodyTimeout`,
 *   400 when the stream fails.
 */
export function readBody(
  body: ReadableStream<Uint8Array> | null,
  declared: number,
  limits: Pick<BodyLimits, "maxBodySize" | "bodyTimeout">,
): Promise<Uint8Array> {
  const { maxBodySize } = limits;
  if (Number.isFinite(declared) && declared > maxBodySize) return refuse(body, 413);
  if (body === null) return Promise.resolve(new Uint8Array());
  return readCapped(body, {
    maxBytes: maxBodySize,
    timeout: limits.bodyTimeout,
    declared,
    transient: true,
    tooLarge,
    timedOut,
    unreadable,
  });
}

const tooLarge = () => new BodyRefused(413);
const timedOut = () => new BodyRefused(408);
const unreadable = () => new BodyRefused(400);
