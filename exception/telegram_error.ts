import { TelepotException } from "./telepot_exception.ts";

/** The `parameters` object Telegram may attach to an error, telling how it can be recovered from. */
export interface ErrorParameters {
  /** The group was upgraded: repeat the request with this supergroup id. */
  readonly migrate_to_chat_id?: number;
  /** Flood control: seconds to wait before repeating the request. */
  readonly retry_after?: number;
  /** Fields added by newer Bot API versions. */
  readonly [key: string]: unknown;
}

/** The JSON envelope of a failed Bot API call. */
export interface ErrorEnvelope {
  /** Always `false` for an error. */
  readonly ok: boolean;
  /** Telegram's explanation, e.g. `"Forbidden: bot was blocked by the user"`. */
  readonly description?: string;
  /** An HTTP-like code, e.g. 400, 403, 429. */
  readonly error_code?: number;
  /** Recovery hints. */
  readonly parameters?: ErrorParameters;
  /** Fields added by newer Bot API versions. */
  readonly [key: string]: unknown;
}

/** Which call failed: the method name and its parameters with secrets and file contents replaced. */
export interface ErrorContext {
  /** The Bot API method that was called. */
  readonly method?: string;
  /** The call's parameters, redacted: no token, files shown as short descriptions. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * Telegram refused a call and said why. Catch this to handle every refusal, or one of its subclasses
 * (picked by {@link telegramErrorFrom} from the description) to handle a specific one.
 *
 * A subclass declares `static DESCRIPTION_PATTERNS`: when any of them matches an error's description,
 * the error is raised as that subclass. Custom subclasses are added with `registerTelegramError`.
 */
export class TelegramError extends TelepotException {
  /** Patterns a description must match to be raised as this class; the base class matches nothing. */
  static readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [];

  /** Recovery hints sent with the error (`retry_after`, `migrate_to_chat_id`), if any. */
  readonly parameters?: ErrorParameters;
  /** The Bot API method that failed, when known. */
  readonly method?: string;
  /** The failed call's parameters, redacted (no token, no file contents). */
  readonly params?: Readonly<Record<string, unknown>>;

  /** Telegram's explanation. */
  readonly description: string;
  /** Telegram's error code. */
  readonly errorCode: number;
  /** The whole error envelope as received. */
  readonly json: ErrorEnvelope;
  /**
   * Creates the error.
   *
   * @param description Telegram's explanation.
   * @param errorCode Telegram's error code.
   * @param json the whole error envelope as received.
   * @param context the failed call, already redacted.
   * @param options standard `ErrorOptions`: a `cause` (already free of the token) when the library
   *   explains an error of its own call in other words.
   */
  constructor(
    description: string,
    errorCode: number,
    json: ErrorEnvelope,
    context: ErrorContext = {},
    options?: ErrorOptions,
  ) {
    super(callMessage(context, `${description} (${errorCode})`), options);
    this.description = description;
    this.errorCode = errorCode;
    this.json = json;
    if (json.parameters !== undefined) this.parameters = json.parameters;
    if (context.method !== undefined) this.method = context.method;
    if (context.params !== undefined) this.params = context.params;
  }
}

/** The constructor shape every {@link TelegramError} subclass must keep so the factory can build it. */
export interface TelegramErrorClass {
  /** Builds the error. */
  new(description: string, errorCode: number, json: ErrorEnvelope, context?: ErrorContext): TelegramError;
  /** Patterns that select this class. */
  readonly DESCRIPTION_PATTERNS: readonly RegExp[];
}

/**
 * `text` prefixed with the call's method, so that a log line alone tells which call failed.
 *
 * @internal
 */
export function callMessage(context: ErrorContext, text: string): string {
  return context.method === undefined ? text : `${context.method}: ${text}`;
}
