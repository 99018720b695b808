import { callMessage, type ErrorContext } from "./telegram_error.ts";
import { TelepotException } from "./telepot_exception.ts";

/**
 * A file on this machine that cannot be used. A SQLite file (an update journal, a storage): not a
 * database, not readable or writable, or holding a row this library did not write; nothing was changed
 * in it, and it was closed again. Or a file `downloadFile` reads (a local Bot API server's) or writes
 * (the destination path): missing, in a folder that does not exist, not readable or writable; the
 * error then carries the call's `method` (`"downloadFile"`) and `params`. `cause` is the file system's
 * (or SQLite's) own error.
 *
 * @example
 * ```ts
 * import { UnusableFile } from "@telepot/telepot-ts";
 * try {
 *   // await sqliteJournal("not-a-database.txt").open();
 * } catch (e) {
 *   if (e instanceof UnusableFile) console.error(`move ${e.path} aside: ${e.message}`);
 * }
 * ```
 */
export class UnusableFile extends TelepotException {
  /** The file's path, as given (the bot token, if a local server's folder holds it, replaced). */
  readonly path: string;
  /** The call that needed the file (`"downloadFile"`), when one did. */
  readonly method?: string;
  /** That call's parameters, redacted (no token), when one did. */
  readonly params?: Readonly<Record<string, unknown>>;

  /**
   * Creates the error.
   *
   * @param path the file's path, as given, free of the token.
   * @param cause what the file system or SQLite (or reading a row) threw, free of the token.
   * @param context the call that needed the file, already redacted; its method starts the message.
   */
  constructor(path: string, cause: unknown, context: ErrorContext = {}) {
    super(
      callMessage(
        context,
        `cannot use the file ${JSON.stringify(path)}: ${cause instanceof Error ? cause.message : cause}`,
      ),
      { cause },
    );
    this.path = path;
    // Set only when known, as TelegramError does.
    if (context.method !== undefined) this.method = context.method;
    if (context.params !== undefined) this.params = context.params;
  }
}
