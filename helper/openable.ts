import { BadInput } from "../exception/bad_input.ts";
import { StopListening } from "../exception/stop_listening.ts";

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

// A stand-in `listener` that says what is missing when read; assigning one (in a constructor) makes it
// an ordinary property of that instance.
const listenerProperty: PropertyDescriptor = {
  get(): never {
    throw new BadInput(
      "listener",
      "a listener on the delegate (e.g. createListener(bot) in its constructor)",
    );
  },
  set(this: object, listener: unknown): void {
    Object.defineProperty(this, "listener", { value: listener, writable: true, configurable: true });
  },
  configurable: true,
};

/**
 * Fills in what `createOpen` needs on a class that does not define it: `open` (does nothing), `onMessage`
 * (throws), `onClose` (does nothing; the loop reports unexpected errors itself), `close` (throws its
 * argument or `StopListening`) and a `listener` property (reading it throws `BadInput` until the
 * instance assigns its own). Returns the class.
 */
export function openable<C extends Ctor>(cls: C): C {
  const proto = cls.prototype as Record<string, unknown>;
  for (const [name, fn] of Object.entries(defaults)) {
    if (typeof proto[name] !== "function") {
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    }
  }
  if (!("listener" in proto)) Object.defineProperty(proto, "listener", listenerProperty);
  return cls;
}
