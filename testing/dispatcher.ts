import type { CallContext, Handler, Services } from "./context.ts";
import { ApiFailure } from "./failure.ts";
import type { CallInput } from "./params.ts";
import type { BotState } from "./world.ts";

/** Checks and coerces a call's parameters before its handler runs; throws ApiFailure. */
export type Validator = (method: string, input: CallInput) => void;

/** Routes calls to handlers by method name, which Telegram matches case-insensitively. */
export class Dispatcher {
  #handlers = new Map<string, Handler>();
  #names = new Map<string, string>();
  #validator: Validator | null = null;

  /** Registers (or replaces) the handler of a method. */
  register(method: string, handler: Handler): void {
    this.#handlers.set(method, handler);
    this.#names.set(method.toLowerCase(), method);
  }

  /** Registers a handler for each listed method that has none yet. */
  registerMissing(methods: Iterable<string>, handlerFor: (method: string) => Handler): void {
    for (const method of methods) if (!this.#handlers.has(method)) this.register(method, handlerFor(method));
  }

  /** Installs the parameter validator. */
  setValidator(validator: Validator): void {
    this.#validator = validator;
  }

  /** Canonical spelling of a method name given in any case, or undefined when unknown. */
  canonical(name: string): string | undefined {
    return this.#handlers.has(name) ? name : this.#names.get(name.toLowerCase());
  }

  /** Validates and runs a call; failures come back as thrown ApiFailure. */
  call(
    services: Services,
    bot: BotState,
    method: string,
    input: CallInput,
    signal?: AbortSignal,
  ): unknown {
    const handler = this.#handlers.get(method);
    if (handler === undefined) throw new ApiFailure(404, "Not Found");
    this.#validator?.(method, input);
    const ctx: CallContext = {
      services,
      world: services.world,
      bot,
      params: input.params,
      files: input.files,
      method,
      ...(signal !== undefined ? { signal } : {}),
    };
    return handler(ctx);
  }
}
