import { AnswerTooLarge } from "../exception/answer_too_large.ts";
import { BadHTTPResponse } from "../exception/bad_http_response.ts";
import { BadInput } from "../exception/bad_input.ts";
import { NetworkError } from "../exception/network_error.ts";
import { RequestTimeout } from "../exception/request_timeout.ts";
import type { ErrorContext, ErrorEnvelope } from "../exception/telegram_error.ts";
import { telegramErrorFrom } from "../exception/telegram_error_registry.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { UnexpectedRedirect } from "../exception/unexpected_redirect.ts";
import { UnusableFile } from "../exception/unusable_file.ts";
import { readFileStream } from "../platform/files.ts";
import { BodyTooLarge } from "../platform/http1_connection.ts";
import { ConnectionPool, pooledAnswer, poolUsable } from "../platform/http1_pool.ts";
import { withoutUrlRecording } from "../platform/telemetry.ts";
import { observedSend } from "./call_observer.ts";
import type { CallOptions } from "./call_options.ts";
import { checkDestination, type DownloadDestination, isLocalFilePath, openDestination } from "./download.ts";
import { bodyOf } from "./encoded_bodies.ts";
import { refusedUploadIn, releaseUnsent } from "./input_file.ts";
import { checkLogger, debugFromEnvironment, type LoggingOptions, RedactingLogger } from "./logger.ts";
import { ApiMethods } from "./methods.gen.ts";
import { readAnswerText } from "./read_answer.ts";
import {
  loggable,
  redactError,
  redactHeaders,
  redactJson,
  redactParams,
  redactText,
  TOKEN_SHAPE,
} from "./redact.ts";
import type { RetryOptions } from "./retry.ts";
import { retryTransformer } from "./retry_transformer.ts";
import { checkSeconds } from "./seconds.ts";
import { later } from "./timer.ts";
import { type ApiCall, TransformerChain } from "./transformers.ts";
import type { File } from "./types.gen.ts";

/** Settings of an {@link Api} client. Times are in seconds. */
export interface ApiOptions extends LoggingOptions {
  /**
   * Root URL of the Bot API server. Default `"https://api.telegram.org"`; point it at a local Bot API
   * server or at the testing emulator.
   */
  readonly apiRoot?: string;
  /** Use Telegram's test environment (`/bot<token>/test/<method>`). Default false. */
  readonly testEnvironment?: boolean;
  /**
   * Seconds one request may take, upload and answer included; none by default. For `getUpdates` the
   * call's own long-polling `timeout` parameter is added on top.
   */
  readonly timeout?: number;
  /** Aborts every request of this client (e.g. on shutdown). */
  readonly signal?: AbortSignal;
  /**
   * Replaces the global `fetch`, e.g. to add a proxy or instrumentation. Given (even as the global
   * `fetch` itself), it carries every request, and {@link Api.keepConnections} keeps no pool.
   */
  readonly fetch?: typeof fetch;
  /**
   * Repeat failed calls automatically: `true` for the defaults, or {@link RetryOptions}. Off by default.
   * Flood control (429) waits `retry_after` and repeats any method; 5xx answers and network errors
   * repeat only idempotent methods. Calls that upload a one-shot stream are never repeated. This
   * installs `retryTransformer(options.retry)` as the first of {@link Api.transformers}.
   */
  readonly retry?: boolean | RetryOptions;
  /**
   * Whether {@link Api.downloadFile} copies an absolute `file_path` (what a local Bot API server run
   * with `--local` answers) from this machine's disk. Default: true when `apiRoot` is on this machine
   * (`localhost`, `127.0.0.0/8`, `::1`), false otherwise, so that a remote server or a proxy naming a
   * path here is refused rather than read. Set it for a local server reached by another name whose
   * files this machine shares.
   */
  readonly localFiles?: boolean;
  /**
   * The most bytes of an answer the client reads (after decompression); a longer one fails the call
   * with {@link AnswerTooLarge}, so that a broken or hostile server, or a proxy, cannot make the bot
   * hold an answer of any size. Default 64 MiB, far above what the Bot API answers (a `getUpdates`
   * batch of 100 large messages is a few MiB). Downloads (`downloadFile`) stream to their destination
   * and are not limited by it.
   */
  readonly maxAnswerSize?: number;
}

/** The default {@link ApiOptions.maxAnswerSize}: 64 MiB. */
const DEFAULT_MAX_ANSWER_SIZE = 64 * 1024 * 1024;

export type { CallOptions } from "./call_options.ts";

const DEFAULT_API_ROOT = "https://api.telegram.org";
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A redirect answer: a 3xx with a target, or what a browser's fetch makes of one under `redirect: "manual"`. */
function isRedirect(response: Response): boolean {
  if (response.type === "opaqueredirect") return true;
  return response.status >= 300 && response.status < 400 && response.status !== 304;
}

function isEnvelope(value: unknown): value is ErrorEnvelope & { result?: unknown } {
  return value !== null && typeof value === "object" && typeof (value as { ok?: unknown }).ok === "boolean";
}

function innermostMessage(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

/** One request in flight: the call its failures are reported under, and what may cut it short. */
interface Attempt {
  /** The Bot API method, or `"downloadFile"`. */
  readonly method: string;
  /** The call's parameters as given (redacted only when an error is made of them). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The caller's and the client's signals: an abort by them rejects with their reason as is. */
  readonly external: AbortSignal | undefined;
  /** `external` plus the timeout: what fetch and the body reads listen to. */
  readonly signal: AbortSignal | undefined;
  /** The timeout, in seconds. */
  readonly seconds: number | undefined;
  /** Cancels the timeout's timer, once the request is over, so that none outlives it. */
  readonly timer: (() => void) | undefined;
}

/**
 * The status line and headers of a response without its body or URL (the URL contains the token), and
 * with the token cut out of every header value (a server or proxy may echo the URL into one).
 */
function headersOnly(
  response: Pick<Response, "status" | "statusText"> & { readonly headers: Iterable<[string, string]> },
  token: string,
): Response | undefined {
  try {
    return new Response(null, {
      status: response.status,
      statusText: redactText(response.statusText, token),
      headers: redactHeaders(response.headers, token),
    });
  } catch {
    // A status the Response constructor refuses (outside 200-599) cannot be copied; status stays on the error.
    return undefined;
  }
}

/**
 * The Bot API client: `call` for any method, one typed wrapper per method (inherited from the
 * generated `ApiMethods`), and `downloadFile`.
 *
 * The token is kept in a private field and replaced by `<token>` in every error's message, stack,
 * cause, JSON and recorded parameters.
 *
 * @example
 * ```ts
 * import { Api } from "@telepot/telepot-ts";
 * const api = new Api(Deno.env.get("BOT_TOKEN") ?? "", { timeout: 30 });
 * // await api.sendMessage(chatId, "hi", { parse_mode: "HTML" });
 * ```
 */
export class Api extends ApiMethods {
  /** Root URL of the Bot API server, without a trailing slash. */
  readonly apiRoot: string;
  /** Whether calls go to Telegram's test environment. */
  readonly testEnvironment: boolean;
  readonly #token: string;
  readonly #methodBase: string;
  readonly #fileBase: string;
  readonly #fetch: typeof fetch;
  readonly #fetchGiven: boolean;
  readonly #localFiles: boolean;
  readonly #maxAnswerSize: number;
  #pool: ConnectionPool | undefined;
  #poolLeases = 0;
  readonly #timeout: number | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #log: RedactingLogger;
  /**
   * The transformers every call goes through before it is sent (`use` adds one): they may change a
   * call, repeat it or answer it themselves. See `defaults` and `retryTransformer`.
   */
  readonly transformers: TransformerChain;

  /**
   * Creates a client.
   *
   * @param token the bot token from @BotFather.
   * @param options server, timeout, abort signal, fetch and retry settings.
   * @throws {BadInput} on an empty token or a malformed option.
   */
  constructor(token: string, options: ApiOptions = {}) {
    super();
    if (typeof token !== "string" || !TOKEN_SHAPE.test(token)) {
      // The token itself is never echoed: a mistyped one is still mostly secret.
      throw new BadInput(
        "token",
        "a bot token as @BotFather gives it (digits, ':', letters, '_' and '-'; no spaces, '/', '?', '#', '%' or other characters a URL would encode)",
      );
    }
    if (options === null || typeof options !== "object") {
      throw new BadInput("options", "an object of ApiOptions");
    }
    for (const flag of ["testEnvironment", "debug"] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== "boolean") {
        throw new BadInput(`options.${flag}`, "true or false");
      }
    }
    checkLogger(options.logger);
    let root: URL;
    try {
      root = new URL(options.apiRoot ?? DEFAULT_API_ROOT);
    } catch {
      throw new BadInput("options.apiRoot", "an absolute http(s) URL");
    }
    if (root.protocol !== "http:" && root.protocol !== "https:") {
      throw new BadInput("options.apiRoot", "an absolute http(s) URL");
    }
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new BadInput("options.fetch", "a fetch-compatible function");
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new BadInput("options.signal", "an AbortSignal");
    }
    this.apiRoot = root.href.replace(/\/+$/, "");
    this.testEnvironment = options.testEnvironment === true;
    const test = this.testEnvironment ? "test/" : "";
    this.#token = token;
    this.#methodBase = `${this.apiRoot}/bot${token}/${test}`;
    this.#fileBase = `${this.apiRoot}/file/bot${token}/${test}`;
    this.#fetch = options.fetch ?? fetch;
    this.#fetchGiven = options.fetch !== undefined;
    this.#timeout = checkSeconds(options.timeout, "options.timeout");
    this.#signal = options.signal;
    if (options.localFiles !== undefined && typeof options.localFiles !== "boolean") {
      throw new BadInput("options.localFiles", "a boolean");
    }
    this.#localFiles = options.localFiles ?? isLoopback(root.hostname);
    const maxAnswerSize = options.maxAnswerSize ?? DEFAULT_MAX_ANSWER_SIZE;
    if (!Number.isSafeInteger(maxAnswerSize) || maxAnswerSize <= 0) {
      throw new BadInput("options.maxAnswerSize", "a positive integer number of bytes");
    }
    this.#maxAnswerSize = maxAnswerSize;
    this.#log = new RedactingLogger(
      options.logger ?? console,
      token,
      options.debug ?? debugFromEnvironment(),
    );
    this.transformers = new TransformerChain(observedSend((call) => this.#transport(call), this.#log));
    if (options.retry !== undefined && options.retry !== false) {
      this.transformers.use(retryTransformer(options.retry));
    }
  }

  /** Where this client logs, the token cut out; its `debug` writes only when debugging is on. */
  get logger(): RedactingLogger {
    return this.#log;
  }

  /**
   * Sends this client's JSON calls over a pool of keep-alive HTTP/1.1 connections of its own (Deno's
   * `Deno.connect`/`Deno.connectTls`) until every lease taken is released, then closes them. Each
   * call then costs about half the CPU of a `fetch` (on loopback). A message loop
   * holds a lease while it runs; take one yourself for a busy stretch of calls outside a loop.
   *
   * Uploads, downloads and anything not a JSON `POST` still go through `fetch`. Where the pool cannot
   * do what `fetch` would (not Deno; a proxy variable set, or not readable without
   * `--allow-env`; OpenTelemetry exporting `fetch` spans; `options.fetch` given), calls keep using
   * `fetch` and the lease changes nothing.
   *
   * @returns the release: call it once; the last release closes the pool's connections.
   *
   * @example
   * ```ts
   * import { Api } from "@telepot/telepot-ts";
   * const api = new Api("123:abc", { apiRoot: "http://127.0.0.1:8081" });
   * const release = api.keepConnections();
   * try {
   *   // for (const chatId of chats) await api.sendMessage(chatId, "news");
   * } finally {
   *   release();
   * }
   * ```
   */
  keepConnections(): () => void {
    if (this.#poolLeases++ === 0 && !this.#fetchGiven && poolUsable()) {
      this.#pool = new ConnectionPool(undefined, this.#maxAnswerSize);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#poolLeases > 0) return;
      this.#pool?.close();
      this.#pool = undefined;
    };
  }

  /**
   * Calls a Bot API method by name, for methods newer than the typed wrappers too.
   *
   * @param method the Bot API method name, e.g. `"sendMessage"`.
   * @param params the method's parameters with their snake_case names; files anywhere inside make the
   *   request multipart.
   * @param options per-call abort signal and timeout.
   * @returns the `result` of Telegram's answer.
   * @throws {TelegramError} (or the subclass matching the description) when Telegram refuses the call.
   * @throws {BadHTTPResponse} when the answer is not the Bot API's JSON.
   * @throws {NetworkError} when no answer arrives; {@link RequestTimeout} when the timeout runs out.
   * @throws {BadInput} on a malformed method name, parameters or option.
   */
  override call<T = unknown>(
    method: string,
    params: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<T> {
    // Bad input rejects, as a failed call does, rather than throwing.
    try {
      if (typeof method !== "string" || !METHOD_NAME.test(method)) {
        throw new BadInput("method", "a Bot API method name such as sendMessage");
      }
      if (params === null || typeof params !== "object" || Array.isArray(params)) {
        throw new BadInput("params", "an object of Bot API parameters");
      }
      if (options === null || typeof options !== "object") {
        throw new BadInput("options", "a CallOptions object");
      }
      checkSeconds(options.timeout, "options.timeout");
      if (options.beforeSend !== undefined && typeof options.beforeSend !== "function") {
        throw new BadInput("options.beforeSend", "a function");
      }
      const signal = this.#externalSignal(options.signal);
      // A fresh params object per call: its encoding is reused only by repeats of this very call.
      const call: ApiCall = { method, params: { ...params }, options: { ...options, signal } };
      const result = this.transformers.run(call) as Promise<T>;
      // Uploads a request never took (the call refused or given up before one) are let go of too.
      if (!mayUpload(call.params)) return result;
      return result.catch(async (error) => {
        await releaseUnsent(call.params, error);
        throw error;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * One request for a call that went through the transformers: one async step from the parameters to
   * the result, since every call takes it.
   */
  async #transport({ method, params, options }: ApiCall): Promise<unknown> {
    let seconds = checkSeconds(options.timeout, "options.timeout") ?? this.#timeout;
    if (seconds !== undefined && method === "getUpdates" && typeof params.timeout === "number") {
      seconds += params.timeout;
    }
    const external = this.#externalSignal(options.signal);
    const encoding = bodyOf(params);
    const body = encoding instanceof Promise ? await encoding : encoding;
    // If it throws, the call fails, which lets go of its one-shot sources (see `call`).
    if (options.beforeSend !== undefined) await options.beforeSend();
    const attempt = this.#attempt(method, params, external, seconds);
    try {
      const encoded = body.encode();
      const init = {
        method: "POST",
        headers: { "content-type": encoded.contentType },
        body: encoded.body,
        signal: attempt.signal,
        // The path holds the token: a redirect is reported, never followed (see #answer).
        redirect: "manual",
        // Required by the fetch standard for a streamed request body.
        duplex: "half",
      } as RequestInit;
      let response: Response;
      let text: string;
      try {
        const fetchFn = this.#pool?.fetch ?? this.#fetch;
        response = await fetchFn(this.#methodBase + method, withoutUrlRecording(init));
        if (isRedirect(response)) await this.#refuseRedirect(response, attempt);
        text = await this.#readText(response, attempt);
      } catch (error) {
        // A one-shot source the request never read is let go of now: no attempt will read it.
        if (!body.replayable) await body.discard?.(error);
        throw this.#failure(error, attempt);
      }
      return this.#unwrap(response, text, attempt);
    } finally {
      attempt.timer?.();
    }
  }

  /**
   * Logs a failure through the client's logger (default `console`) with this bot's token cut out of it
   * (message, stack and causes). The
   * library's background work (delegates, scheduled events, inline answers) reports through here.
   *
   * @param what what failed, e.g. `"delegate closed by an error"`.
   * @param error what was thrown.
   */
  logError(what: string, error: unknown): void {
    this.#log.error(`telepot-ts: ${what}:`, error);
  }

  /**
   * Downloads a file by its `file_id` (telepot's `download_file`): asks getFile for its path, then
   * streams it into `dest` without holding it in memory. A local Bot API server's absolute
   * `file_path` is copied from disk (see {@link ApiOptions.localFiles}).
   *
   * @param fileId the file to fetch.
   * @param dest a path (created or truncated), an open file or a WritableStream (both left open).
   * @param options abort signal and timeout for each of the two requests.
   * @returns the File object getFile answered.
   * @throws {BadInput} on a bad `dest`, when Telegram gives no `file_path` (files above the
   *   server's download limit), or an absolute one while `localFiles` is off.
   */
  async downloadFile(fileId: string, dest: DownloadDestination, options: CallOptions = {}): Promise<File> {
    checkDestination(dest);
    const file = await this.call<File>("getFile", { file_id: fileId }, options);
    const path = file.file_path;
    if (typeof path !== "string" || path === "") {
      throw new BadInput("fileId", "a file the server lets bots download (getFile returned no file_path)");
    }
    const local = isLocalFilePath(path);
    if (local && !this.#localFiles) {
      throw new BadInput(
        "options.localFiles",
        "true to copy files from this machine's disk: getFile answered a path here, as only a local Bot "
          + "API server does, and this client's apiRoot is elsewhere",
      );
    }
    const external = this.#externalSignal(options.signal);
    const seconds = checkSeconds(options.timeout, "options.timeout") ?? this.#timeout;
    const call = { method: "downloadFile", params: { file_id: fileId } };
    const sink = await openDestination(dest).catch((error) => {
      throw typeof dest === "string" ? this.#unusable(dest, error, call) : error;
    });
    const attempt = this.#attempt(call.method, call.params, external, seconds);
    const { signal } = attempt;
    try {
      let source: ReadableStream<Uint8Array>;
      if (local) {
        source = await readFileStream(path).catch((error) => {
          throw this.#unusable(path, error, call);
        });
      } else {
        // A file's name may give its path a `#`, `?` or `%`, which are the path's own characters.
        const response = await this.#send(attempt, this.#fileBase + pathForUrl(path), {
          method: "GET",
          signal,
          redirect: "manual",
        });
        if (!response.ok || response.body === null) {
          await this.#answer(response, attempt);
          // A success envelope where file bytes were expected is not a download either.
          throw new BadHTTPResponse(
            response.status,
            "",
            headersOnly(response, this.#token),
            this.#context(attempt),
          );
        }
        source = response.body;
      }
      await source.pipeTo(sink.writable, { signal }).catch(async (error) => {
        if (signal?.aborted) throw this.#failure(error, attempt);
        // A source that failed is left errored by the pipe; one cancelled because the destination failed is closed.
        const readFailed = await source.getReader().closed.then(() => false, () => true);
        const failed = readFailed ? (local ? path : undefined) : typeof dest === "string" ? dest : undefined;
        throw failed === undefined ? this.#failure(error, attempt) : this.#unusable(failed, error, call);
      });
      return file;
    } catch (error) {
      await sink.discard(error);
      throw error;
    } finally {
      attempt.timer?.();
    }
  }

  /**
   * A file of a download that could not be opened, read or written. A local server keeps its files in
   * a folder named after the token, so the path and the file system's error naming it are redacted.
   */
  #unusable(path: string, error: unknown, call: Pick<Attempt, "method" | "params">): UnusableFile {
    return new UnusableFile(redactText(path, this.#token), loggable(error, this.#token), this.#context(call));
  }

  #externalSignal(callSignal: AbortSignal | undefined): AbortSignal | undefined {
    if (callSignal !== undefined && !(callSignal instanceof AbortSignal)) {
      throw new BadInput("options.signal", "an AbortSignal");
    }
    if (this.#signal && callSignal) return AbortSignal.any([this.#signal, callSignal]);
    return this.#signal ?? callSignal;
  }

  /**
   * Starts one request: its signal is the external one plus the timeout. A plain timer (cleared when
   * the request is over) rather than AbortSignal.timeout, so no timer outlives the request.
   */
  #attempt(
    method: string,
    params: Readonly<Record<string, unknown>>,
    external: AbortSignal | undefined,
    seconds: number | undefined,
  ): Attempt {
    if (seconds === undefined) {
      return { method, params, external, signal: external, seconds, timer: undefined };
    }
    const controller = new AbortController();
    const timer = later(seconds * 1000, () => controller.abort());
    const signal = external ? AbortSignal.any([external, controller.signal]) : controller.signal;
    return { method, params, external, signal, seconds, timer };
  }

  /**
   * Which call an error is about: its method and its parameters with the token and file contents taken
   * out. Made only once an error is, so a call that succeeds pays nothing for it.
   */
  #context({ method, params }: Pick<Attempt, "method" | "params">): ErrorContext {
    return { method, params: redactParams(params, this.#token) };
  }

  async #send(attempt: Attempt, url: string, init: RequestInit): Promise<Response> {
    const fetchFn = this.#fetch;
    try {
      return await fetchFn(url, withoutUrlRecording(init));
    } catch (error) {
      throw this.#failure(error, attempt);
    }
  }

  /** Reads an answer to the end (keeping the connection reusable) and unwraps Telegram's envelope. */
  async #answer(response: Response, attempt: Attempt): Promise<unknown> {
    if (isRedirect(response)) await this.#refuseRedirect(response, attempt);
    let text: string;
    try {
      text = await this.#readText(response, attempt);
    } catch (error) {
      throw this.#failure(error, attempt);
    }
    return this.#unwrap(response, text, attempt);
  }

  #readText(response: Response, attempt: Attempt): Promise<string> {
    if (pooledAnswer(response)) return response.text();
    const limit = this.#maxAnswerSize;
    return readAnswerText(
      response,
      limit,
      () =>
        new AnswerTooLarge(
          response.status,
          limit,
          headersOnly(response, this.#token),
          this.#context(attempt),
        ),
    );
  }

  /** A redirect is reported, never followed: the path holds the token. */
  async #refuseRedirect(response: Response, attempt: Attempt): Promise<never> {
    await response.body?.cancel().catch(() => {});
    const location = redactText(response.headers.get("location") ?? "", this.#token);
    throw new UnexpectedRedirect(
      response.status,
      location,
      headersOnly(response, this.#token),
      this.#context(attempt),
    );
  }

  /** Telegram's envelope around an answer read to its end: the result, or the error it describes. */
  #unwrap(response: Response, text: string, attempt: Attempt): unknown {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: handled below like JSON that is not the envelope.
    }
    if (!isEnvelope(json)) {
      throw new BadHTTPResponse(
        response.status,
        redactText(text, this.#token),
        headersOnly(response, this.#token),
        this.#context(attempt),
      );
    }
    if (json.ok) return json.result;
    // Every field, not only the description: a server echoing the URL may put it anywhere.
    const { method, params } = this.#context(attempt);
    throw telegramErrorFrom(redactJson(json, this.#token), method, params);
  }

  /** Maps a thrown error: the caller's abort reason as is, a timeout, or a token-free NetworkError. */
  #failure(error: unknown, attempt: Attempt): unknown {
    const { method, external, signal, seconds } = attempt;
    if (external?.aborted) return external.reason;
    if (signal?.aborted && seconds !== undefined) {
      return new RequestTimeout(method, seconds, this.#context(attempt).params);
    }
    if (error instanceof TelepotException) return this.#adopt(error, attempt);
    // An upload's content refused while the body was being written (a stream of text chunks): the
    // transport reports a failed body, but it is the caller's input, not the network.
    const refusedInput = refusedUploadIn(attempt.params);
    if (refusedInput !== undefined) return refusedInput;
    // The pooled transport stops reading there too; its error keeps the head, so the AnswerTooLarge
    // is the one `fetch` gives (`#readText`), whichever transport carried the call.
    if (error instanceof BodyTooLarge) {
      return new AnswerTooLarge(
        error.status,
        error.limit,
        headersOnly(error, this.#token),
        this.#context(attempt),
      );
    }
    const cause = redactError(error, this.#token);
    return new NetworkError(method, `${method}: ${innermostMessage(cause)}`, {
      cause,
      params: this.#context(attempt).params,
    });
  }

  /**
   * A library error thrown from outside the client, by a custom `fetch` or the body of a response it
   * made: the client's own errors carry the call's method and parameters and no token, and come back
   * as they are; any other comes back as a copy of its class with the token cut out of every field (a
   * fetch quoting the URL puts it there) and the method and parameters filled in where its class has
   * them and they are missing.
   */
  #adopt(error: TelepotException, attempt: Attempt): TelepotException {
    const fields = error as unknown as Record<string, unknown>;
    const lacksCall = Object.hasOwn(error, "params") && fields.params === undefined;
    if (!lacksCall && loggable(error, this.#token) === error) return error;
    // A real Error (as Error.isError and inspection tell), of the original's class.
    const copy = Object.setPrototypeOf(new Error(), Object.getPrototypeOf(error)) as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(error)) {
      const value = fields[key];
      // A data property even where the runtime keeps `stack` as an accessor, which reads only the original.
      Object.defineProperty(copy, key, {
        value: value instanceof Error
          ? redactError(value, this.#token)
          : value instanceof Response
          ? headersOnly(value, this.#token)
          : redactJson(value, this.#token),
        enumerable: Object.getOwnPropertyDescriptor(error, key)?.enumerable,
        writable: true,
        configurable: true,
      });
    }
    if (lacksCall) {
      const context = this.#context(attempt);
      if (Object.hasOwn(error, "method")) copy.method ??= context.method;
      copy.params = context.params;
    }
    return copy as unknown as TelepotException;
  }
}

/** A relative `file_path` as the path of a URL: each segment percent-encoded, the slashes kept. */
function pathForUrl(filePath: string): string {
  return filePath.split("/").map(encodeURIComponent).join("/");
}

/** Whether `hostname` (as `URL` gives it) names this machine. */
function isLoopback(hostname: string): boolean {
  // `URL` lowercases names and normalises addresses: 127.1 is 127.0.0.1, ::ffff:127.0.0.1 ::ffff:7f00:1.
  return hostname === "localhost" || hostname === "localhost." || hostname === "[::1]"
    || hostname === "0.0.0.0" || /^127\.\d+\.\d+\.\d+$/.test(hostname)
    || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}

// Most calls hold strings, numbers and booleans only: nothing in them is an upload.
function mayUpload(params: Readonly<Record<string, unknown>>): boolean {
  for (const key in params) if (typeof params[key] === "object" && params[key] !== null) return true;
  return false;
}
