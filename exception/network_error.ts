import { TelepotException } from "./telepot_exception.ts";

/** Options of a {@link NetworkError}: the standard `cause`, and the failed call's parameters. */
export interface NetworkErrorOptions extends ErrorOptions {
  /** The call's parameters, redacted (no token, files shown as short descriptions). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * The request to the Bot API did not get an HTTP answer: connection refused or reset, DNS failure,
 * TLS error. `cause` holds the underlying error with the bot token removed from its message and stack.
 */
export class NetworkError extends TelepotException {
  /** The Bot API method being called, or `"downloadFile"` for the download itself. */
  readonly method: string;
  /** The call's parameters, redacted (no token, files shown as short descriptions), when known. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Creates the error.
   *
   * @param method the Bot API method being called, or `"downloadFile"` for the download itself.
   * @param message what went wrong, free of the token.
   * @param options `cause`: the token-free underlying error; `params`: the call's redacted parameters.
   */
  constructor(method: string, message: string, options?: NetworkErrorOptions) {
    super(message, options);
    this.method = method;
    // Set only when known, as TelegramError does.
    if (options?.params !== undefined) this.params = options.params;
  }
}
