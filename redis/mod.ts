/**
 * Scale-out on Redis Streams: many receiving processes and many worker processes share one bot's
 * updates through Redis 7, each chat handled in order by one worker at a time, nothing lost when a
 * process dies. Its own entry point (`@telepot/telepot-ts/redis`), because it needs a Redis client
 * (`ioredis`, from npm): the rest of the library stays free of dependencies.
 *
 * - Receiving processes append: webhook servers (any number) run
 *   `messageLoop(() => {}, { journal: redisReceiverJournal(options) })` beside their `webhookHandler`
 *   and answer Telegram once an update is in Redis; for polling, exactly one process polls at a time,
 *   holding a {@link PollingLeadership}, and confirms the offset once a batch is in Redis.
 * - Workers handle: `messageLoop(handler, { journal: redisJournal(options) })`, or a `DelegatorBot`'s
 *   `messageLoop` the same way. Each holds a share of the partition streams (by chat), so a chat's
 *   updates, and its delegates, live in one worker at a time; a stopped worker hands its partitions
 *   over once its running handlers finished, a dead one's are taken over when its lease expires.
 * - Persistent state: `persist(bot, redisStorage(options))` keeps delegate state, scheduled events
 *   and sessions in the same Redis, written with an atomic compare-and-set.
 *
 * @example
 * ```ts ignore
 * import { Bot } from "@telepot/telepot-ts";
 * import { redisJournal } from "@telepot/telepot-ts/redis";
 *
 * const bot = new Bot(Deno.env.get("BOT_TOKEN")!);
 * bot.messageLoop((msg) => bot.sendMessage(msg.chat.id, "hi"), {
 *   journal: redisJournal({ url: "redis://127.0.0.1:6379", name: "mybot" }),
 *   runForever: true,
 * });
 * ```
 *
 * @module
 */
import { RedisReceiverJournal } from "./appender.ts";
import type { RedisJournalOptions } from "./options.ts";
import { RedisWorkerJournal } from "./worker.ts";

export type { Update } from "../api/types.gen.ts";
export type { Awaitable, DeadLetter, Journal, JournalRecord, TakenRecord } from "../bot/journal.ts";
export type { SetOptions, Storage, StoredEntry, Versioned } from "../storage/storage.ts";
export { RedisReceiverJournal } from "./appender.ts";
export type { Connection, Reply } from "./connection.ts";
export type { Keys } from "./keys.ts";
export { PollingLeadership } from "./leader.ts";
export type { RedisJournalOptions, RedisSettings } from "./options.ts";
export { RedisStorage, redisStorage, type RedisStorageOptions } from "./redis_storage.ts";
export { RedisWorkerJournal } from "./worker.ts";

/**
 * A worker's journal: the loop using it handles its share of the bot's updates from Redis (it does not
 * poll).
 *
 * @throws {BadInput} on malformed options.
 */
export function redisJournal(options: RedisJournalOptions): RedisWorkerJournal {
  return new RedisWorkerJournal(options);
}

/**
 * A receiving process's journal (webhook server or polling leader): it appends to Redis and handles
 * nothing.
 *
 * @throws {BadInput} on malformed options.
 */
export function redisReceiverJournal(options: RedisJournalOptions): RedisReceiverJournal {
  return new RedisReceiverJournal(options);
}
