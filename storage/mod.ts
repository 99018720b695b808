/**
 * Persistence: a small {@link Storage} interface (versioned get/set/delete, scan by prefix, expiry)
 * with a memory implementation here and a SQLite one at the `./storage/sqlite` entry point;
 * `persist(bot, storage)` for delegate state, scheduled events and idle timeouts that survive
 * restarts; `withSession` for per-chat state of plain handlers.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from "@telepot/telepot-ts";
 * const storage = new MemoryStorage();
 * storage.set("k", 1, { version: 0, ttl: 60 });
 * console.log(storage.scan("k").length); // 1
 * ```
 *
 * @module
 */
export { MemoryStorage, memoryStorage } from "./memory_storage.ts";
export {
  type DelegateRecord,
  EVENT_PREFIX,
  persist,
  type PersistableBot,
  Persistence,
  persistenceOf,
  STATE_PREFIX,
} from "./persistence.ts";
export {
  chatSessionKey,
  type Session,
  type SessionHandler,
  type SessionOptions,
  withSession,
} from "./session.ts";
export type { SetOptions, Storage, StoredEntry, Versioned } from "./storage.ts";
