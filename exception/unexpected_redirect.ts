import { BadHTTPResponse } from "./bad_http_response.ts";
import { callMessage, type ErrorContext } from "./telegram_error.ts";

/**
 * The Bot API answered with a redirect. Bot API requests carry the token in their path, so telepot-ts
 * never follows one (a redirect to another host would hand it the token): point `apiRoot` at the
 * final address instead.
 */
export class UnexpectedRedirect extends BadHTTPResponse {
  /** The `Location` header with the token replaced, or `""` when there was none. */
  readonly location: string;

  /**
   * Creates the error.
   *
   * @param status the redirect's HTTP status (301, 302, 303, 307, 308).
   * @param location the `Location` header with the token replaced, or `""` when there was none.
   * @param response the answer's status line and headers, token-free, without body or URL.
   * @param context the call that got this answer, already redacted; its method starts the message.
   */
  constructor(status: number, location: string, response?: Response, context: ErrorContext = {}) {
    super(status, "", response, context);
    this.location = location;
    this.message = callMessage(
      context,
      `Bot API answered HTTP ${status} redirecting to ${
        originOf(location)
      }; redirects are not followed because the request path holds the bot token`,
    );
  }
}

function originOf(location: string): string {
  if (location === "") return "nowhere (no Location header)";
  try {
    const url = new URL(location);
    return url.origin === "null" ? "a non-HTTP location" : url.origin;
  } catch {
    return "a relative location on the same server";
  }
}
