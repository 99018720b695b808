import type { Msg } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import { StopListening } from "../exception/stop_listening.ts";
import type { Listener } from "./listener.ts";

/** What `createOpen` needs from a delegate object. */
export interface Openable {
  /** Reads the delegate's next messages. */
  readonly listener: Listener;
  /** Called with the first message and the seed; a truthy result means the message was fully handled. */
  open(initialMsg: Msg, seed: unknown): unknown;
  /** Called with each message (the first one too, unless `open` handled it). */
  onMessage(msg: Msg): unknown;
  /** Called once when the delegate ends, with the reason. */
  onClose(ex: unknown): unknown;
  /** Ends the delegate: throws `ex`, or `StopListening`. */
  close(ex?: unknown): never;
}

/** Any class, as {@link openable} takes it. */
// deno-lint-ignore no-explicit-any
export type Ctor = abstract new(...args: any[]) => object;

const defaults: Record<string, (this: unknown, ...args: unknown[]) => unknown> = {
  open(): undefined {
    return undefined;
  },
  onMessage(): never {
    throw new BadInput("onMessage", "an onMessage method on the delegate class");
  },
  onClose(): undefined {
    return undefined;
  },
  close(ex?: unknown): never {
    throw ex ?? new StopListening();
  },
};

/**
 * Fills in what `createOpen` needs on a class that does not define it: `open` (does nothing), `onMessage`
 * (throws), `onClose` (does nothing; the loop reports unexpected errors itself) and `close` (throws its
 * argument or `StopListening`). Returns the class.
 */
export function openable<C extends Ctor>(cls: C): C {
  const proto = cls.prototype as Record<string, unknown>;
  for (const [name, fn] of Object.entries(defaults)) {
    if (typeof proto[name] !== "function") {
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    }
  }
  return cls;
}
