import type { DatabaseSync } from "node:sqlite";
import { TelepotException } from "../exception/telepot_exception.ts";
import { UnusableFile } from "../exception/unusable_file.ts";

/**
 * Opens (or creates) the SQLite file at `path` and runs `schema` on it. `node:sqlite` is loaded only
 * now, so that importing (or bundling) a module that uses it never needs a runtime that has it.
 *
 * @throws {UnusableFile} when the file cannot be opened or the schema not applied (it is closed again).
 * @throws {TelepotException} when the runtime has no `node:sqlite`.
 */
export async function openSqlite(path: string, schema: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await import("node:sqlite").catch((error) => {
    throw new TelepotException(
      "SQLite journals and storages need node:sqlite, which this runtime lacks: it comes with Deno 2.2+, "
        + "Bun, and Node 22.13+ (22.5 to 22.12 with --experimental-sqlite). Use the memory journal or a "
        + "Journal of your own here.",
      { cause: error },
    );
  });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw new UnusableFile(path, error);
  }
  return setUp(db, path, () => {
    db.exec(schema);
    return db;
  });
}

/**
 * Runs `work` on the freshly opened `db`; when it throws, closes `db` (so that a file that cannot be
 * used holds no connection) and throws {@link UnusableFile}.
 */
export function setUp<T>(db: DatabaseSync, path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    try {
      db.close();
    } catch {
      // Closing is all that is left to do; the error that matters is the one thrown below.
    }
    throw new UnusableFile(path, error);
  }
}
