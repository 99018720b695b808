import { TelepotException } from "./telepot_exception.ts";

/**
 * A SQLite file (an update journal, a storage) that cannot be used: not a database, not readable or
 * writable, or holding a row this library did not write. Nothing was changed in it, and it was closed
 * again; `cause` is SQLite's own error.
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
  /** The file's path, as given. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param path the file's path, as given.
   * @param cause what SQLite (or reading a row) threw.
   */
  constructor(path: string, cause: unknown) {
    super(
      `cannot use the SQLite file ${JSON.stringify(path)}: ${cause instanceof Error ? cause.message : cause}`,
      {
        cause,
      },
    );
    this.path = path;
  }
}
