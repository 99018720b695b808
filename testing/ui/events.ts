/**
 * The live side of the web UI: every open page holds a Server-Sent Events stream, and each change of the
 * world is written to all of them as one JSON event.
 *
 * @module
 */

/** Seconds between comments that keep idle streams (and the proxies between) from timing out. */
const KEEPALIVE_SECONDS = 15;

const encoder = new TextEncoder();

/** The open event streams. */
export class EventHub {
  readonly #streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * A new event stream for a page; it ends when the hub closes or the page goes away (`gone` aborts).
   */
  stream(gone: AbortSignal): Response {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        this.#streams.add(c);
        c.enqueue(encoder.encode("retry: 1000\n\n"));
        this.#timer ??= setInterval(() => this.#write(": keepalive\n\n"), KEEPALIVE_SECONDS * 1000);
      },
      cancel: () => this.#drop(controller),
    });
    const end = () => this.#end(controller);
    if (gone.aborted) end();
    else gone.addEventListener("abort", end, { once: true });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }

  /** Sends one event to every stream. */
  send(event: unknown): void {
    this.#write(`data: ${JSON.stringify(event)}\n\n`);
  }

  /** Ends every stream. */
  close(): void {
    for (const controller of [...this.#streams]) this.#end(controller);
  }

  #write(text: string): void {
    if (this.#streams.size === 0) return;
    const bytes = encoder.encode(text);
    for (const controller of [...this.#streams]) {
      try {
        controller.enqueue(bytes);
      } catch {
        // The page went away between two events: forget its stream, keep serving the others.
        this.#drop(controller);
      }
    }
  }

  #end(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (!this.#streams.has(controller)) return;
    this.#drop(controller);
    try {
      controller.close();
    } catch {
      // Already closed by the reader's side.
    }
  }

  #drop(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#streams.delete(controller);
    if (this.#streams.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
