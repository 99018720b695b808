import { BadInput } from "../exception/bad_input.ts";
import type { CallOptions } from "./call_options.ts";
import type { MethodName, MethodParams } from "./methods.gen.ts";
import type { Nullable } from "./nullable.ts";
import { isPlainObject } from "./plain_object.ts";

/** One outgoing Bot API call as a transformer sees it. */
export interface ApiCall {
  /** The Bot API method, e.g. `"sendMessage"`. */
  readonly method: string;
  /** Its parameters by their Bot API (snake_case) names. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The per-call abort signal and timeout. */
  readonly options: CallOptions;
}

/** A call to a method this library knows, its parameters typed (see {@link isCallTo}). */
export interface TypedApiCall<M extends MethodName> extends ApiCall {
  /** The Bot API method. */
  readonly method: M;
  /**
   * Its parameters; a transformer before this one may have left some out, and an optional one may be
   * `null` (how callers and `namedtuple` objects say "absent").
   */
  readonly params: Readonly<Partial<Nullable<MethodParams<M>>>>;
}

/** Hands a call on to the next transformer (the last one's `next` sends it); resolves to the `result`. */
export type CallNext = (call: ApiCall) => Promise<unknown>;

/**
 * A transformer of outgoing calls: it sees every call's method, parameters and options, and may
 * change them before calling `next`, call `next` several times (retry), or answer without calling it
 * (a cache, a dry run). What it resolves to is what the caller's promise resolves to.
 *
 * @example
 * ```ts
 * import type { ApiTransformer } from "@telepot/telepot-ts";
 * const quiet: ApiTransformer = (call, next) =>
 *   next({ ...call, params: { disable_notification: true, ...call.params } });
 * ```
 */
export type ApiTransformer = (call: ApiCall, next: CallNext) => Promise<unknown>;

/**
 * Whether `call` goes to `method`: narrows its `params` to that method's parameter types.
 *
 * @example
 * ```ts
 * import { type ApiTransformer, isCallTo } from "@telepot/telepot-ts";
 * const shout: ApiTransformer = (call, next) =>
 *   isCallTo(call, "sendMessage") && typeof call.params.text === "string"
 *     ? next({ ...call, params: { ...call.params, text: call.params.text.toUpperCase() } })
 *     : next(call);
 * ```
 *
 * @throws {BadInput} when `call` is not an object.
 */
export function isCallTo<M extends MethodName>(call: ApiCall, method: M): call is TypedApiCall<M> {
  if (typeof call !== "object" || call === null) {
    throw new BadInput("call", "an ApiCall: { method, params, options }");
  }
  return call.method === method;
}

function checkCall(call: unknown, by: number): ApiCall {
  const where = `the call transformer #${by + 1} passed on`;
  if (!isPlainObject(call) || typeof call.method !== "string" || !isPlainObject(call.params)) {
    throw new BadInput(where, "an ApiCall: { method, params, options }");
  }
  if (call.options !== undefined && (call.options === null || typeof call.options !== "object")) {
    throw new BadInput(`${where}: options`, "a CallOptions object");
  }
  // A call passed on without options has none: those after it read them all the same.
  return (call.options === undefined ? { ...call, options: {} } : call) as unknown as ApiCall;
}

/**
 * The transformers of one client, in the order they were added: the first added sees a call first
 * and its `next` leads to the second; the last one's `next` sends the request.
 */
export class TransformerChain {
  #transformers: readonly ApiTransformer[] = [];
  readonly #send: CallNext;

  /**
   * Creates a chain in front of `send`.
   *
   * @param send what the last transformer's `next` does: one request on the wire.
   */
  constructor(send: CallNext) {
    this.#send = send;
  }

  /**
   * Adds transformers after those already there (closer to the wire).
   *
   * @throws {BadInput} when one is not a function.
   */
  use(...transformers: ApiTransformer[]): this {
    for (const t of transformers) {
      if (typeof t !== "function") throw new BadInput("transformer", "a function (call, next) => Promise");
    }
    // Replaced, never changed in place: a call under way keeps the list it started with.
    this.#transformers = [...this.#transformers, ...transformers];
    return this;
  }

  /** The transformers, first to last. */
  get list(): readonly ApiTransformer[] {
    return [...this.#transformers];
  }

  /** Runs `call` through every transformer, then sends it. */
  run(call: ApiCall): Promise<unknown> {
    const transformers = this.#transformers;
    const step = (at: number, current: ApiCall): Promise<unknown> => {
      if (at === transformers.length) return this.#send(current);
      try {
        return Promise.resolve(transformers[at](current, (next) => step(at + 1, checkCall(next, at))));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return step(0, call);
  }
}
