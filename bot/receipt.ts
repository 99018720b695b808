/** An already settled promise, returned where nothing is left to wait for (callers may compare against it). */
export const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Counts who still holds one message unhandled: the sender while it hands the message out, then each
 * delegate that received it until it has handled it. {@link settled} resolves when the count reaches
 * zero, which is when `DelegatorBot.handle` tells the loop the message may be confirmed.
 *
 * @example
 * ```ts
 * import { Receipt } from "@telepot/telepot-ts/delegate";
 * const receipt = new Receipt(); // held by its sender
 * receipt.hold(); // a delegate received it
 * receipt.release(); // the sender is done handing it out
 * const done = receipt.settled();
 * receipt.release(); // the delegate has handled it: `done` resolves
 * await done;
 * ```
 */
export class Receipt {
  #holds = 1;
  #settle: (() => void) | undefined;

  /** One more holder. */
  hold(): void {
    this.#holds++;
  }

  /** One holder fewer; the last one settles the receipt. */
  release(): void {
    if (--this.#holds === 0) this.#settle?.();
  }

  /** Resolves once every holder has released it (at once when none is left). Ask once. */
  settled(): Promise<void> {
    if (this.#holds === 0) return RESOLVED;
    return new Promise<void>((resolve) => (this.#settle = resolve));
  }
}
