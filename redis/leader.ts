import { BadInput } from "../exception/bad_input.ts";
import { connect, type Connection } from "./connection.ts";
import { keysOf } from "./keys.ts";
import { type RedisJournalOptions, type RedisSettings, redisSettings } from "./options.ts";

/**
 * The polling leader's lease: of the receiving processes that could poll `getUpdates`, exactly one
 * does (Telegram answers a second concurrent poll with 409 Conflict). `acquire` waits until this
 * process holds the lease, then keeps renewing it; the signal it returns aborts if the lease is lost
 * (Redis unreachable, or this process stalled longer than the lease), which is when the loop must stop.
 * A leader that dies is replaced by a waiting process once its lease expires.
 *
 * @example
 * ```ts ignore
 * const leadership = new PollingLeadership({ url: "redis://127.0.0.1:6379" });
 * const lost = await leadership.acquire();
 * await bot.messageLoop(() => {}, { journal: redisReceiverJournal(options), signal: lost }).done;
 * await leadership.release();
 * ```
 */
export class PollingLeadership {
  /** This process's lease value: unique per process. */
  readonly holder: string = `l-${crypto.randomUUID()}`;
  readonly #settings: RedisSettings;
  #redis: Connection | undefined;
  #renewing: ReturnType<typeof setInterval> | undefined;
  #lost = new AbortController();

  /**
   * Checks the options (the same as the journal's); connects only at `acquire`.
   *
   * @throws {BadInput} on malformed options.
   */
  constructor(options: RedisJournalOptions) {
    this.#settings = redisSettings(options);
  }

  /**
   * Resolves once this process leads (checking every third of the lease); the signal returned aborts
   * when the lead is lost. Rejects with the reason if `signal` aborts first.
   */
  async acquire(signal?: AbortSignal): Promise<AbortSignal> {
    if (this.#renewing !== undefined) throw new BadInput("leadership", "one acquire at a time");
    const { leaseMs, url, name } = this.#settings;
    const key = keysOf(name).leader;
    this.#redis ??= await connect(url);
    const redis = this.#redis;
    for (;;) {
      signal?.throwIfAborted();
      if (await redis.call("SET", key, this.holder, "NX", "PX", leaseMs) === "OK") break;
      await new Promise((r) => setTimeout(r, leaseMs / 3));
    }
    this.#lost = new AbortController();
    const lost = this.#lost;
    this.#renewing = setInterval(() => {
      redis.telepotRenew(1, key, this.holder, leaseMs).then(
        ([kept]) => kept !== 1 && this.#lose(lost),
        () => this.#lose(lost),
      );
    }, leaseMs / 3);
    return lost.signal;
  }

  /** Gives the lead up (if held) and closes the connection. */
  async release(): Promise<void> {
    clearInterval(this.#renewing);
    this.#renewing = undefined;
    const redis = this.#redis;
    this.#redis = undefined;
    if (!redis) return;
    await redis.telepotRelease(1, keysOf(this.#settings.name).leader, this.holder);
    await redis.quit();
  }

  #lose(lost: AbortController): void {
    clearInterval(this.#renewing);
    this.#renewing = undefined;
    lost.abort(new Error("the polling lead was lost"));
  }
}
