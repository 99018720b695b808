import type { ResponseParameters } from "../api/types.gen.ts";
import { ScriptError } from "./failure.ts";

/** A Telegram-style error a fault answers with. */
export interface FaultError {
  /** HTTP status and `error_code`. */
  readonly error_code: number;
  /** Description, e.g. "Too Many Requests: retry after 3". */
  readonly description: string;
  /** `parameters` of the error (`retry_after`, `migrate_to_chat_id`). */
  readonly parameters?: ResponseParameters;
}

/** What to break, how often, and how. Several effects may be combined (latency then an error). */
export interface FaultSpec {
  /** Method the fault applies to (case-insensitive); every method when absent. */
  readonly method?: string;
  /** How many matching requests it hits; unlimited when absent and `probability` is set, else 1. */
  readonly times?: number;
  /** Chance (0..1) that a matching request is hit; 1 when absent. */
  readonly probability?: number;
  /** Seconds to wait before answering (or before the other effects). */
  readonly latency?: number;
  /** Answer with this HTTP status and a Telegram-shaped body with the status' reason. */
  readonly status?: number;
  /** Answer with this Telegram error. */
  readonly error?: FaultError;
  /** Break the connection instead of answering. */
  readonly drop?: boolean;
  /** Answer with an HTML page instead of JSON (a string is the page), status `status` or 502. */
  readonly html?: boolean | string;
  /** Run the method first, then apply the fault: the effect happened but the answer is lost or wrong. */
  readonly performed?: boolean;
}

/** A fault that is in force; `hits` counts the requests it has affected. */
export interface Fault {
  /** The spec it was created from. */
  readonly spec: FaultSpec;
  /** Requests affected so far. */
  readonly hits: number;
  /** Requests it may still affect (Infinity for unlimited). */
  readonly remaining: number;
  /** Takes it out of force. */
  remove(): void;
}

class ActiveFault implements Fault {
  hits = 0;
  remaining: number;
  readonly method: string | undefined;
  readonly spec: FaultSpec;
  readonly owner: FaultInjector;
  constructor(spec: FaultSpec, owner: FaultInjector) {
    this.spec = spec;
    this.owner = owner;
    this.method = spec.method?.toLowerCase();
    this.remaining = spec.times ?? (spec.probability !== undefined ? Infinity : 1);
  }
  remove(): void {
    this.owner.remove(this);
  }
}

/** 429 with `retry_after`, as Telegram's flood control answers. */
export function tooManyRequests(retryAfter: number): FaultError {
  return {
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  };
}

/** 400 "message is not modified", the answer to an edit that changes nothing. */
export function notModified(): FaultError {
  return {
    error_code: 400,
    description:
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  };
}

/** 403 "bot was blocked by the user". */
export function blockedByUser(): FaultError {
  return { error_code: 403, description: "Forbidden: bot was blocked by the user" };
}

/** Faults in force, matched per request in the order they were added. */
export class FaultInjector {
  #faults: ActiveFault[] = [];

  /** Puts a fault in force and returns its handle. */
  add(spec: FaultSpec): Fault {
    if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
      throw new ScriptError("probability must be between 0 and 1");
    }
    const fault = new ActiveFault(spec, this);
    // `times: 0` asks for no hit at all.
    if (fault.remaining > 0) this.#faults.push(fault);
    return fault;
  }

  /** Takes a fault out of force. */
  remove(fault: Fault): void {
    const i = this.#faults.indexOf(fault as ActiveFault);
    if (i >= 0) this.#faults.splice(i, 1);
  }

  /** Takes every fault out of force. */
  clear(): void {
    this.#faults.length = 0;
  }

  /** The fault that hits a call of `method`, if any (consumes one of its `times`). */
  match(method: string): FaultSpec | undefined {
    if (this.#faults.length === 0) return undefined;
    const lowerMethod = method.toLowerCase();
    for (const fault of this.#faults) {
      if (fault.method !== undefined && fault.method !== lowerMethod) continue;
      const p = fault.spec.probability;
      if (p !== undefined && Math.random() >= p) continue;
      fault.hits++;
      if (--fault.remaining <= 0) this.remove(fault);
      return fault.spec;
    }
    return undefined;
  }
}
