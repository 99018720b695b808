/**
 * The live side of the web UI: every open page holds a Server-Sent Events stream, and each change of the
 * world is written to all of them as one JSON event.
 *
 * @module
 */

/** Seconds between comments that keep idle streams (and the proxies between) from timing out. */
const KEEPALIVE_SECONDS = 15;

/**
 * Bytes of events a stream may hold unread before it is ended: a page that stopped reading (a frozen tab,
 * a stalled proxy) must not make the server keep every later event. Its EventSource reconnects and the
 * page fetches the open chat again, so only the backlog is lost.
 */
const MAX_BACKLOG_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * One page's stream. Events wait in `backlog` until the server reads them, so what is held is counted
 * here, not in the stream's own queue (which cannot be emptied without an error the server would log).
 */
interface Tap {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  readonly backlog: Uint8Array[];
  backlogBytes: number;
  /** Whether the server waits for the next event (it has read the backlog). */
  reading: boolean;
}

/** The open event streams. */
export class EventHub {
  readonly #taps = new Set<Tap>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * A new event stream for a page; it ends when the hub closes, the page goes away (`gone` aborts) or it
   * stops reading for longer than its backlog allows.
   */
  stream(gone: AbortSignal): Response {
    let tap!: Tap;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        tap = { controller, backlog: [], backlogBytes: 0, reading: false };
        this.#taps.add(tap);
        this.#offer(tap, encoder.encode("retry: 1000\n\n"));
        this.#timer ??= setInterval(() => this.#write(": keepalive\n\n"), KEEPALIVE_SECONDS * 1000);
      },
      pull: () => {
        const next = tap.backlog.shift();
        if (next === undefined) {
          tap.reading = true;
          return;
        }
        tap.backlogBytes -= next.byteLength;
        tap.controller.enqueue(next);
      },
      cancel: () => this.#drop(tap),
      // Nothing is queued inside the stream: a chunk is handed over only when the server asks for one.
    }, { highWaterMark: 0 });
    const end = () => this.#end(tap);
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
    for (const tap of [...this.#taps]) this.#end(tap);
  }

  #write(text: string): void {
    if (this.#taps.size === 0) return;
    const bytes = encoder.encode(text);
    for (const tap of [...this.#taps]) this.#offer(tap, bytes);
  }

  #offer(tap: Tap, bytes: Uint8Array): void {
    if (!tap.reading) {
      tap.backlog.push(bytes);
      tap.backlogBytes += bytes.byteLength;
      if (tap.backlogBytes > MAX_BACKLOG_BYTES) this.#end(tap);
      return;
    }
    tap.reading = false;
    try {
      tap.controller.enqueue(bytes);
    } catch {
      // The page went away between two events: forget its stream, keep serving the others.
      this.#drop(tap);
    }
  }

  #end(tap: Tap): void {
    if (!this.#taps.has(tap)) return;
    this.#drop(tap);
    try {
      tap.controller.close();
    } catch {
      // Already closed by the reader's side.
    }
  }

  #drop(tap: Tap): void {
    this.#taps.delete(tap);
    tap.backlog.length = 0;
    tap.backlogBytes = 0;
    if (this.#taps.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
