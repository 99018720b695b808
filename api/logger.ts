import { BadInput } from "../exception/bad_input.ts";
import { readEnv } from "../platform/env.ts";
import { loggable, redactText } from "./redact.ts";

/**
 * Where the library writes: `console` by default. `debug` receives the debug lines (each API call,
 * each received update) when debugging is on; `error` receives failures of background work.
 */
export interface Logger {
  /** A debug line. */
  debug(...data: unknown[]): void;
  /** A failure. */
  error(...data: unknown[]): void;
}

/**
 * Refuses a logger the library could not write to: one without `debug` or `error` would fail only when
 * the first failure is reported, inside the reporting, which hides that failure or, for background
 * work, crashes the process.
 *
 * @throws {BadInput} unless `logger` is undefined or has `debug` and `error` methods.
 */
export function checkLogger(logger: unknown): void {
  if (logger === undefined) return;
  const methods = logger as Partial<Record<keyof Logger, unknown>> | null;
  if (
    methods === null || (typeof methods !== "object" && typeof methods !== "function")
    || typeof methods.debug !== "function" || typeof methods.error !== "function"
  ) {
    throw new BadInput("options.logger", "a Logger: an object with debug and error methods, such as console");
  }
}

/** Logging settings of a client or bot. */
export interface LoggingOptions {
  /** Where to log; default `console`. Whatever is logged has the bot token cut out first. */
  readonly logger?: Logger;
  /**
   * Log each API call (method, status, milliseconds) and each received update id through
   * `logger.debug`. Default: on when the environment has `TELEPOT_DEBUG=1`, or `DEBUG` naming
   * `telepot` (`DEBUG=telepot*`, `DEBUG=app,telepot`).
   */
  readonly debug?: boolean;
}

/** Whether the environment asks for debug lines: `TELEPOT_DEBUG=1`, or `DEBUG` naming telepot. */
export function debugFromEnvironment(): boolean {
  const flag = readEnv("TELEPOT_DEBUG");
  if (flag !== undefined && flag !== "" && flag !== "0" && flag.toLowerCase() !== "false") return true;
  const patterns = (readEnv("DEBUG") ?? "").split(/[\s,]+/).filter((p) => p !== "");
  // As the `debug` package reads it: `*` is any text, and a `-` pattern excludes what it names.
  if (patterns.some((p) => p.startsWith("-") && namesTelepot(p.slice(1)))) return false;
  return patterns.some((p) => !p.startsWith("-") && namesTelepot(p));
}

function namesTelepot(pattern: string): boolean {
  if (/^telepot[-:]/.test(pattern)) return true;
  const parts = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`).test("telepot");
}

/** A logger that cuts the token out of everything before handing it to `target`. */
export class RedactingLogger implements Logger {
  readonly #target: Logger;
  readonly #token: string;
  /** Whether debug lines are written. */
  readonly debugging: boolean;

  /**
   * Wraps `target`.
   *
   * @param target where lines go.
   * @param token the secret to cut out.
   * @param debugging whether `debug` writes anything.
   */
  constructor(target: Logger, token: string, debugging: boolean) {
    this.#target = target;
    this.#token = token;
    this.debugging = debugging;
  }

  #clean(data: unknown[]): unknown[] {
    return data.map((item) =>
      typeof item === "string" ? redactText(item, this.#token) : loggable(item, this.#token)
    );
  }

  /** Writes a debug line when debugging is on. */
  debug(...data: unknown[]): void {
    if (this.debugging) this.#target.debug(...this.#clean(data));
  }

  /** Writes a failure. */
  error(...data: unknown[]): void {
    this.#target.error(...this.#clean(data));
  }
}
