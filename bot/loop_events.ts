/** Hands a due event to a handler; `report` receives what it throws or rejects with. */
export interface EventSink {
  /** The loop's handler (or the bot's `handle`). */
  readonly handle: (event: Record<string, unknown>) => unknown;
  /** Where a failure goes. */
  readonly report: (error: unknown) => void;
}

/**
 * Where a bot's scheduled events go, as in telepot, where the scheduler feeds the message loop: the
 * handler of the most recently started loop that still runs (a function, a routing table with an
 * `_alarm` entry, or the bot's `handle`), or `fallback` while no loop runs.
 */
export class EventRouting {
  readonly #sinks: EventSink[] = [];

  /** Used while no loop runs. */
  readonly fallback: EventSink;

  /** @param fallback used while no loop runs. */
  constructor(fallback: EventSink) {
    this.fallback = fallback;
  }

  /** Makes `sink` receive the events until the returned function is called. */
  attach(sink: EventSink): () => void {
    this.#sinks.push(sink);
    return () => {
      const at = this.#sinks.lastIndexOf(sink);
      if (at >= 0) this.#sinks.splice(at, 1);
    };
  }

  /**
   * Delivers one event; sync or async, a failure goes to the sink's `report`, never up. Returns a
   * promise of whether it was handled without failure when the handler is async, else that boolean.
   */
  deliver(event: Record<string, unknown>): boolean | Promise<boolean> {
    const sink = this.#sinks.at(-1) ?? this.fallback;
    try {
      const result = sink.handle(event);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
        return Promise.resolve(result).then(() => true, (error) => {
          sink.report(error);
          return false;
        });
      }
      return true;
    } catch (error) {
      sink.report(error);
      return false;
    }
  }
}
