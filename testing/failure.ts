/**
 * A Bot API failure the emulator answers with, shaped as Telegram shapes it:
 * `{ ok: false, error_code, description, parameters }`. Handlers throw it; the HTTP layer turns it
 * into the response, so a bad request never escapes as a crash of the server.
 */
export class ApiFailure extends Error {
  /** HTTP status and `error_code`. */
  readonly errorCode: number;
  /** Telegram-style text. */
  readonly description: string;
  /** `retry_after` / `migrate_to_chat_id`. */
  readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number };
  /**
   * Creates a failure answer.
   * @param errorCode HTTP status and `error_code`.
   * @param description Telegram-style text.
   * @param parameters `retry_after` / `migrate_to_chat_id`.
   */
  constructor(
    errorCode: number,
    description: string,
    parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
    this.name = "ApiFailure";
  }
}

/** A 400 "Bad Request: …" failure. */
export function badRequest(reason: string): ApiFailure {
  return new ApiFailure(400, `Bad Request: ${reason}`);
}

/** A 403 "Forbidden: …" failure. */
export function forbidden(reason: string): ApiFailure {
  return new ApiFailure(403, `Forbidden: ${reason}`);
}

/** The 409 "Conflict: …" failure. */
export function conflict(reason: string): ApiFailure {
  return new ApiFailure(409, `Conflict: ${reason}`);
}

/** An awaited observation (the bot's next message, a query's answer) did not happen in time. */
export class ObservationTimeout extends Error {
  /** How long it was awaited. */
  readonly seconds: number;
  /**
   * Creates the timeout error.
   * @param what what was awaited.
   * @param seconds how long it was awaited.
   */
  constructor(what: string, seconds: number) {
    super(`${what} did not happen within ${seconds} s`);
    this.seconds = seconds;
    this.name = "ObservationTimeout";
  }
}

/**
 * A script asked the emulator for something its world does not allow or does not have: pressing a
 * button that is not there, joining a private chat, an unknown chat or bot, a taken id.
 */
export class ScriptError extends Error {
  /**
   * Creates the error.
   * @param message what the script asked for and why it cannot be.
   */
  constructor(message: string) {
    super(message);
    this.name = "ScriptError";
  }
}
