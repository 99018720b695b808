import { TelepotException } from "./telepot_exception.ts";

/**
 * The Bot API answered with something that is not its JSON envelope, e.g. an HTML error page from a
 * gateway while Telegram is down, or a 404 page for a malformed token.
 */
export class BadHTTPResponse extends TelepotException {
  /** HTTP status code of the answer. */
  readonly status: number;
  /** The answer's body as text (the token, if it was echoed, already replaced). */
  readonly text: string;
  /** The answer's status line and headers. Its body has been consumed into `text`, and it carries no URL, because the request URL contains the bot token. */
  readonly response?: Response;
  /**
   * Creates the error.
   *
   * @param status HTTP status code of the answer.
   * @param text the answer's body as text (the token, if it was echoed, already replaced).
   * @param response the answer's status line and headers. Its body has been consumed into `text`, and
   *   it carries no URL, because the request URL contains the bot token.
   */
  constructor(status: number, text: string, response?: Response) {
    super(`Bot API answered HTTP ${status} with a body that is not JSON`);
    this.status = status;
    this.text = text;
    this.response = response;
  }
}
