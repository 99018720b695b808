import { BadHTTPResponse } from "./bad_http_response.ts";
import { callMessage, type ErrorContext } from "./telegram_error.ts";

/**
 * The Bot API's answer was longer than the client reads (`ApiOptions.maxAnswerSize`): reading stopped
 * there, so a broken or hostile server, or a proxy in between, cannot make the bot hold an answer of
 * any size in memory. Its `text` is empty.
 */
export class AnswerTooLarge extends BadHTTPResponse {
  /** The most bytes an answer may have (`ApiOptions.maxAnswerSize`). */
  readonly limit: number;

  /**
   * Creates the error.
   *
   * @param status the answer's HTTP status.
   * @param limit the most bytes an answer may have.
   * @param response the answer's status line and headers, token-free, without body or URL, when known.
   * @param context the call that got this answer, already redacted; its method starts the message.
   */
  constructor(status: number, limit: number, response?: Response, context: ErrorContext = {}) {
    super(status, "", response, context);
    this.limit = limit;
    this.message = callMessage(
      context,
      `Bot API answered HTTP ${status} with a body over ${limit} bytes (maxAnswerSize); it was not read further`,
    );
  }
}
