import { callMessage, type ErrorContext } from "./telegram_error.ts";
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
  /** The Bot API method that was called (`"downloadFile"` for a download), when known. */
  readonly method?: string;
  /** The call's parameters, redacted (no token, files shown as short descriptions), when known. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Creates the error.
   *
   * @param status HTTP status code of the answer.
   * @param text the answer's body as text (the token, if it was echoed, already replaced).
   * @param response the answer's status line and headers. Its body has been consumed into `text`, and
   *   it carries no URL, because the request URL contains the bot token.
   * @param context the call that got this answer, already redacted; its method starts the message.
   */
  constructor(status: number, text: string, response?: Response, context: ErrorContext = {}) {
    super(callMessage(context, `Bot API answered HTTP ${status} with a body that is not JSON`));
    this.status = status;
    this.text = text;
    this.response = response;
    // Set only when known, as TelegramError does, so that an error made without a call shows no empty fields.
    if (context.method !== undefined) this.method = context.method;
    if (context.params !== undefined) this.params = context.params;
  }
}
