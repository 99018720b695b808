import type { CallOptions } from "../api/client.ts";
import type { Update } from "../api/types.gen.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { Backoff, type BackoffOptions, pause } from "./backoff.ts";
import { abortable, type Dispatcher } from "./dispatcher.ts";
import { conflictError, judgePollError } from "./poll_errors.ts";

/** The part of the client the poller uses. */
export interface PollingClient {
  /** `Api.call`. */
  call<T>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T>;
}

/** Settings of {@link pollUpdates}. */
export interface PollingOptions {
  /** Long-polling timeout, seconds. */
  readonly timeout: number;
  /** Seconds between polls that did not fill a batch. */
  readonly relax: number;
  /** Updates per call. */
  readonly limit: number;
  /** `allowed_updates`. */
  readonly allowedUpdates: readonly string[];
  /** Back-off bounds. */
  readonly backoff?: BackoffOptions;
  /** Where reportable problems go. */
  readonly report: (error: unknown, update?: Update) => void;
  /**
   * Seconds a full batch of updates still in flight may hold the offset before the poller confirms
   * past them (loudly) so that other chats keep receiving. Default 30.
   */
  readonly stuckAfter?: number;
  /** Seconds, on top of the long-poll timeout, before a `getUpdates` call counts as hung. Default 10. */
  readonly grace?: number;
}

// Seconds to wait before polling again when a poll brought only updates that are still being handled.
const RECHECK = 0.5;
// 409s within one long-poll period that mean another poller, not a stale poll of our own.
const CONFLICTS = 3;

/**
 * Offsets of a polling loop. `received` is one past the largest update_id received; the offset sent
 * to Telegram is the smallest update still in flight (or `received`), so nothing unfinished is ever
 * confirmed.
 */
export class OffsetState {
  /** One past the largest update_id received, once any was. */
  received: number | undefined;
  /** The offset last acknowledged by Telegram (sent in a successful call). */
  confirmed: number | undefined;

  /** The offset that confirms exactly what has finished. */
  safeOffset(dispatcher: Dispatcher): number | undefined {
    return dispatcher.lowestInFlight() ?? this.received;
  }
}

/**
 * Polls `getUpdates` until `stop` aborts, feeding the dispatcher. Network errors, timeouts and 5xx back
 * off with jitter and retry for ever; 429 waits `retry_after`; 401 and 409 end the poll by throwing.
 */
export async function pollUpdates(
  client: PollingClient,
  dispatcher: Dispatcher,
  offsets: OffsetState,
  options: PollingOptions,
  stop: AbortSignal,
): Promise<void> {
  const backoff = new Backoff(options.backoff);
  const stuckAfter = options.stuckAfter ?? 30;
  const grace = options.grace ?? 10;
  let conflicts: number[] = [];
  let pastStuck = false;
  let blocked: { id: number; since: number } | undefined;
  while (!stop.aborted) {
    await dispatcher.belowCapacity(stop);
    if (stop.aborted) break;
    const offset = pastStuck ? offsets.received : offsets.safeOffset(dispatcher);
    pastStuck = false;
    let updates: Update[];
    try {
      // An undefined offset (nothing received yet) is left out by the client.
      updates = await client.call<Update[]>("getUpdates", {
        offset,
        limit: options.limit,
        timeout: options.timeout,
        allowed_updates: options.allowedUpdates,
      }, { signal: stop, timeout: grace });
      if (offset !== undefined) offsets.confirmed = offset;
      backoff.reset();
    } catch (error) {
      if (stop.aborted) break;
      const verdict = judgePollError(error);
      if (verdict.action === "fatal") throw verdict.error;
      if (verdict.action === "conflict") {
        if (verdict.webhook) throw conflictError(verdict.error, true);
        // Telegram ends the older of two polls with 409. Once may be a previous instance of this bot
        // finishing its stop; repeated conflicts mean another poller is running now.
        const now = Date.now();
        conflicts = conflicts.filter((t) => now - t < (options.timeout + grace) * 1000);
        conflicts.push(now);
        if (conflicts.length >= CONFLICTS) throw conflictError(verdict.error, false);
        await pause(backoff.next(), stop);
        continue;
      }
      if (verdict.action === "wait") {
        await pause(verdict.seconds, stop);
        continue;
      }
      if (verdict.report) options.report(error);
      await pause(backoff.next(), stop);
      continue;
    }
    let fresh = 0;
    for (const update of updates) {
      if (offsets.received === undefined || update.update_id >= offsets.received) {
        offsets.received = update.update_id + 1;
      }
      if (dispatcher.dispatch(update)) fresh++;
    }
    if (updates.length > 0 && fresh === 0) {
      const oldest = updates[0].update_id;
      if (blocked?.id !== oldest) blocked = { id: oldest, since: Date.now() };
      if (updates.length >= options.limit && Date.now() - blocked.since > stuckAfter * 1000) {
        // A full batch of updates still in flight for a long while: the offset cannot move until the
        // oldest finishes, and nothing newer can be fetched. Move past them, loudly, rather than stall
        // every chat.
        pastStuck = true;
        blocked = undefined;
        options.report(
          new TelepotException(
            `${updates.length} updates are still being handled after ${stuckAfter} s (oldest ${oldest}); `
              + "confirming past them to keep receiving, so a crash now would not redeliver them",
          ),
          updates[0],
        );
      } else {
        await abortable(Promise.race([dispatcher.changed(), pause(RECHECK, stop)]), stop);
      }
    } else if (updates.length < options.limit) {
      await pause(options.relax, stop);
    }
  }
}

/**
 * Confirms the final offset after a stop, so Telegram forgets what was handled. A few quick attempts
 * (none more after a 401 or 409): a failure only means those updates come again to the next run,
 * which is at-least-once.
 */
export async function confirmOffset(
  client: PollingClient,
  dispatcher: Dispatcher,
  offsets: OffsetState,
): Promise<void> {
  const offset = offsets.safeOffset(dispatcher);
  if (offset === undefined || offset === offsets.confirmed) return;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await client.call("getUpdates", { offset, limit: 1, timeout: 0 }, { timeout: 5 });
      offsets.confirmed = offset;
      return;
    } catch (error) {
      // A 401 or 409 (a webhook was set meanwhile) would only come again.
      const action = judgePollError(error).action;
      if (action === "fatal" || action === "conflict") return;
      await pause(0.2 * 2 ** attempt);
    }
  }
}
