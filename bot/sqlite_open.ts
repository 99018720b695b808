import type { DatabaseSync } from "node:sqlite";
import { UnusableFile } from "../exception/unusable_file.ts";

/**
 * Opens (or creates) the SQLite file at `path` and runs `schema` on it. `node:sqlite` is loaded only
 * now, so that importing (or bundling) a module that uses it never needs a runtime that has it.
 *
 * @throws {UnusableFile} when the file cannot be opened or the schema not applied (it is closed again).
 */
export async function openSqlite(path: string, schema: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await import("node:sqlite");
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
