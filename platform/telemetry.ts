/**
 * OpenTelemetry through the host's built-in support (Deno's `OTEL_DENO=true`), without a dependency:
 * spans of the library's own, and a way to keep the host's fetch instrumentation from recording the
 * Bot API URL, which carries the bot token. Elsewhere (Node, Bun, Deno without telemetry) every
 * function here does nothing.
 *
 * @module
 */
import { readEnv } from "./env.ts";

/** The part of an OpenTelemetry span used here. */
export interface TelemetrySpan {
  /** Sets an attribute. */
  setAttribute(key: string, value: string | number | boolean): unknown;
  /** Marks the span failed (code 2) with a message. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

interface Context {
  getValue(key: symbol): unknown;
}

interface Telemetry {
  tracerProvider?: {
    getTracer(name: string): {
      startActiveSpan<T>(name: string, fn: (span: TelemetrySpan) => T): T;
    };
  };
  contextManager?: { active(): Context | undefined };
}

// The key OpenTelemetry's JavaScript API keeps the current span under; Deno's context uses it too.
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");

let enabled: boolean | undefined;

/** Deno's telemetry when it exports (`OTEL_DENO` set); before that its tracer refuses to start spans. */
function telemetry(): Telemetry | undefined {
  enabled ??= /^(true|1)$/i.test(readEnv("OTEL_DENO") ?? "");
  return enabled ? (globalThis as { Deno?: { telemetry?: Telemetry } }).Deno?.telemetry : undefined;
}

/** Whether spans are exported (Deno with `OTEL_DENO=true`). */
export function tracing(): boolean {
  return telemetry()?.tracerProvider !== undefined;
}

function activeSpan(): unknown {
  try {
    return telemetry()?.contextManager?.active()?.getValue(SPAN_KEY);
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` inside a new span named `name` (the current span of whatever `fn` starts, so API calls
 * made while handling an update are its children), or with `undefined` where the host has no
 * telemetry. The span is ended when `fn`'s promise settles.
 */
export function inSpan<T>(name: string, fn: (span: TelemetrySpan | undefined) => Promise<T>): Promise<T> {
  const tracer = telemetry()?.tracerProvider?.getTracer("telepot-ts");
  if (tracer === undefined) return fn(undefined);
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: 2, message: error instanceof Error ? error.name : "failure" });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A copy of `init` for one `fetch` whose URL must not be recorded: Deno's fetch instrumentation opens
 * a client span and then records the URL on it; reading the request's `signal` happens in between,
 * while that span is current, so ending it there leaves the URL unrecorded (an ended span takes no
 * attributes). Only a span the fetch itself opened is ended: one that was current before is left.
 */
export function withoutUrlRecording(init: RequestInit): RequestInit {
  if (telemetry()?.contextManager === undefined) return init;
  const before = activeSpan();
  const { signal, ...rest } = init;
  let ended = false;
  return Object.defineProperty(rest, "signal", {
    enumerable: true,
    get() {
      const span = activeSpan() as TelemetrySpan | undefined;
      if (!ended && span !== undefined && span !== before && typeof span.end === "function") {
        ended = true;
        span.end();
      }
      return signal;
    },
  });
}
