import { TelepotException } from "./telepot_exception.ts";

/**
 * The request to the Bot API did not get an HTTP answer: connection refused or reset, DNS failure,
 * TLS error. `cause` holds the underlying error with the bot token removed from its message and stack.
 */
export class NetworkError extends TelepotException {
  /** The Bot API method being called, or `"downloadFile"` for the download itself. */
  readonly method: string;
  /**
   * Creates the error.
   *
   * @param method the Bot API method being called, or `"downloadFile"` for the download itself.
   * @param message what went wrong, free of the token.
   * @param options `cause`: the token-free underlying error.
   */
  constructor(method: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.method = method;
  }
}
