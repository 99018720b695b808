import type { LoopMessage } from "../bot/handler.ts";
import { delivererOf, originOf } from "../bot/update_kind.ts";
import { BadInput } from "../exception/bad_input.ts";
import { type AppliedIds, keepApplied, liveApplied } from "./applied.ts";
import { checkKey, checkTtl } from "./memory_storage.ts";
import { isStorage, type Storage } from "./storage.ts";

/** One key's session, as a handler wrapped by {@link withSession} receives it. */
export interface Session<S> {
  /** The session key (by default the chat id). */
  readonly key: string;
  /** The state: change it, or replace it; `undefined` deletes the session. Saved when the handler ends. */
  state: S | undefined;
}

/** Options of {@link withSession}. */
export interface SessionOptions<S> {
  /** Where sessions are kept. */
  readonly storage: Storage;
  /** The state of a key without a session yet. */
  readonly initial: () => S;
  /**
   * Which session a message belongs to (`undefined` or `null`: none, the handler gets `undefined`).
   * Default {@link chatSessionKey}: the chat's id.
   */
  readonly key?: (msg: LoopMessage) => string | number | undefined | null;
  /** Keys are stored as `<name>:<key>`. Default `"session"`. */
  readonly name?: string;
  /** Seconds an untouched session lives. Default: for ever. */
  readonly ttl?: number;
}

/** A handler taking a message and its session (`undefined` for a message without a session key). */
export type SessionHandler<S> = (msg: LoopMessage, session: Session<S> | undefined) => unknown;

/** The default session key: the chat of a message, of a callback query's message, else the sender. */
export function chatSessionKey(msg: LoopMessage): number | string | undefined {
  return msg.chat?.id ?? msg.message?.chat?.id ?? msg.from?.id;
}

// A deleted session leaves a record without `state` for a while, naming the updates it included (the
// one that deleted it among them; see applied.ts).
interface SessionRecord<S> extends AppliedIds<number> {
  readonly state?: S;
}

// How long a deleted session's record stays without a `ttl`: a day, as long as Telegram keeps an update
// it has not seen confirmed.
const DELETED_KEPT_SECONDS = 24 * 60 * 60;

/**
 * Sessions for a plain `messageLoop` handler: per chat (or per `key`) state kept in a storage, loaded
 * before the handler runs and saved after it returns, before the update is acknowledged. The save is
 * a compare-and-set on the version read, so two processes never both write one session: the loser's
 * handler fails with `StateConflict` (reported, the update handled again from the stored session).
 * The session also records the updates it includes that may come again (the latest 16, and every one
 * its source may still send again: a whole polling window after a crash), so one delivered again after
 * a crash between the save and the acknowledgement is not applied twice; a deleted session (`state`
 * set to `undefined`) leaves such a record too, without state, for `ttl` seconds (a day without one).
 * One key's messages are handled one at a time.
 *
 * @example
 * ```ts
 * import { Bot, MemoryStorage, withSession } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc", { apiRoot: "http://127.0.0.1:8081" });
 * const loop = bot.messageLoop(withSession<{ count: number }>(async (msg, session) => {
 *   session!.state!.count += 1;
 *   await bot.sendMessage(msg.chat.id, `message ${session!.state!.count}`);
 * }, { storage: new MemoryStorage(), initial: () => ({ count: 0 }) }));
 * await loop.stop();
 * ```
 *
 * @throws {BadInput} when `handler` is no function, `options.storage` no storage, `options.initial`
 *   or `options.key` no function, `options.name` no non-empty string of well-formed UTF-16, or
 *   `options.ttl` no positive number of seconds: here, before any handler runs.
 */
export function withSession<S>(
  handler: SessionHandler<S>,
  options: SessionOptions<S>,
): (msg: LoopMessage) => Promise<unknown> {
  if (typeof handler !== "function") throw new BadInput("handler", "a function (msg, session)");
  if (!isStorage(options?.storage)) throw new BadInput("options.storage", "a Storage");
  if (typeof options.initial !== "function") throw new BadInput("options.initial", "a function");
  if (options.key !== undefined && typeof options.key !== "function") {
    throw new BadInput("options.key", "a function from a message to its session key");
  }
  const { name = "session", storage, initial, ttl } = options;
  if (typeof name !== "string" || name === "") throw new BadInput("options.name", "a non-empty string");
  checkKey(name, "options.name");
  checkTtl(ttl);
  const keyOf = options.key ?? chatSessionKey;
  const prefix = `${name}:`;
  let opened: Promise<void> | undefined;
  const queues = new Map<string, Promise<unknown>>();

  const run = async (msg: LoopMessage, key: string): Promise<unknown> => {
    const stored = await storage.get(prefix + key);
    const record = stored?.value as SessionRecord<S> | undefined;
    const updateId = originOf(msg)?.updateId;
    const applied = record?.applied ?? [];
    if (updateId !== undefined && record !== undefined && liveApplied(record).includes(updateId)) {
      return undefined;
    }
    const session: Session<S> = {
      key,
      state: record !== undefined && "state" in record ? record.state : initial(),
    };
    const result = await handler(msg, session);
    const version = stored?.version ?? 0;
    const deliverer = delivererOf(msg);
    const next = keepApplied(
      updateId === undefined ? applied : [...applied, updateId],
      (id) => deliverer?.mayBeSentAgain(id) ?? false,
    );
    if (session.state === undefined) {
      // Without an update to remember, nothing needs to stay.
      if (updateId === undefined) {
        if (stored !== undefined) await storage.delete(prefix + key, version);
        return result;
      }
      await storage.set(prefix + key, next, { version, ttl: ttl ?? DELETED_KEPT_SECONDS });
      return result;
    }
    await storage.set(prefix + key, { state: session.state, ...next }, { version, ttl });
    return result;
  };

  return async (msg) => {
    const raw = keyOf(msg);
    if (raw === undefined || raw === null) return await handler(msg, undefined);
    // A failed open is tried again at the next message, not remembered for ever.
    opened ??= Promise.resolve(storage.open()).catch((error) => {
      opened = undefined;
      throw error;
    });
    await opened;
    const key = String(raw);
    const previous = queues.get(key);
    const current = (previous ?? Promise.resolve()).then(() => run(msg, key), () => run(msg, key));
    queues.set(key, current);
    try {
      return await current;
    } finally {
      if (queues.get(key) === current) queues.delete(key);
    }
  };
}
