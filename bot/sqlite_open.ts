import type { DatabaseSync } from "node:sqlite";

/**
 * Opens (or creates) the SQLite file at `path` and runs `schema` on it. `node:sqlite` is loaded only
 * now, so that importing (or bundling) a module that uses it never needs a runtime that has it.
 */
export async function openSqlite(path: string, schema: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  db.exec(schema);
  return db;
}
