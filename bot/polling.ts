import type { CallOptions } from "../api/client.ts";
import type { Update } from "../api/types.gen.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { Backoff, type BackoffOptions, pause } from "./backoff.ts";
import { isUpdate } from "./parse_update.ts";
import { conflictError, judgePollError } from "./poll_errors.ts";
import type { Receiver } from "./receiver.ts";
import { within } from "./within.ts";

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
  /** Updates received and not yet handled before polling pauses. */
  readonly maxInFlight: number;
  /**
   * Seconds the oldest unfinished update may keep the next window from filling before the poller
   * confirms past it (loudly) so that other chats keep receiving. Default 30.
   */
  readonly stuckAfter?: number;
  /** Seconds, on top of the long-poll timeout, before a `getUpdates` call counts as hung. Default 10. */
  readonly grace?: number;
}

// Seconds between looks at a window that is not filling, to notice an update stuck for stuckAfter.
const RECHECK = 0.5;
// Seconds without a handler finishing that end a burst of them.
const BURST_GAP = 0.001;
// 409s within one long-poll period that mean another poller, not a stale poll of our own.
const CONFLICTS = 3;

/**
 * Offsets of a polling loop. `received` is one past the largest update_id received; the offset sent
 * is the smallest update not yet confirmable (or `received`), never below what Telegram was already
 * told, so nothing unfinished is confirmed. With a durable journal every received update is
 * confirmable as soon as it is journaled, so the offset is `received`.
 */
export class OffsetState {
  /** One past the largest update_id received, once any was. */
  received: number | undefined;
  /** The offset last acknowledged by Telegram (sent in a successful call). */
  confirmed: number | undefined;

  /**
   * The offset that confirms exactly what is confirmable. Updates below an offset already confirmed
   * (passed after `stuckAfter`) no longer count: Telegram has forgotten them.
   */
  next(receiver: Receiver): number | undefined {
    return receiver.ledger.lowestUnfinished(this.confirmed) ?? this.received;
  }

  /**
   * How many new updates the next call can bring: `getUpdates` returns `limit` updates from the
   * offset on, and those already received (still unfinished, or finished above an unfinished one)
   * take up room in that window.
   */
  room(receiver: Receiver, limit: number): number {
    const offset = this.next(receiver);
    if (offset === undefined || this.received === undefined) return limit;
    return limit - (this.received - offset);
  }
}

/**
 * Polls `getUpdates` until `stop` aborts, feeding the receiver. The next call goes out once enough of
 * the window has finished to bring three quarters of `limit` new updates (at once with a durable
 * journal) and the burst of handlers finishing has ended, not after each single completion. Network
 * errors, timeouts and 5xx back off with jitter and retry for ever, the first failure of a run of them
 * reported and every tenth (a success ends the run); 429 waits `retry_after`; 401 and 409 end the poll
 * by throwing. An update_id below the offset sent means Telegram started a new sequence of ids: the
 * receiver forgets the old one.
 */
export async function pollUpdates(
  client: PollingClient,
  receiver: Receiver,
  offsets: OffsetState,
  options: PollingOptions,
  stop: AbortSignal,
): Promise<void> {
  const backoff = new Backoff(options.backoff);
  const stuckAfter = options.stuckAfter ?? 30;
  const grace = options.grace ?? 10;
  const enough = Math.ceil((options.limit * 3) / 4);
  let conflicts: number[] = [];
  let outage = 0;
  let blocked: { offset: number | undefined; since: number } | undefined;
  while (!stop.aborted) {
    if (receiver.backlog >= options.maxInFlight) await receiver.belowCapacity(options.maxInFlight, stop);
    let offset = offsets.next(receiver);
    const room = offsets.room(receiver, options.limit);
    // Unfinished updates the window no longer counts (passed after stuckAfter, forgotten by Telegram):
    // counted only when the call waits.
    const stale = () => receiver.ledger.unfinishedBelow(offsets.confirmed);
    if (room >= enough && room < options.limit) {
      // Handlers finish in bursts (the answers to requests sent together): the call waits for the
      // burst to end (the whole window finished, or none for BURST_GAP), so that it confirms, and
      // brings, as many updates as it can.
      const before = receiver.finished;
      if (await receiver.unfinishedAtMost(stale(), BURST_GAP) || receiver.finished !== before) {
        continue;
      }
    }
    if (room < enough) {
      if (blocked === undefined || blocked.offset !== offset) blocked = { offset, since: Date.now() };
      const waited = (Date.now() - blocked.since) / 1000;
      if (waited < stuckAfter) {
        // Room comes only once enough of the window has finished, and then only as its oldest update
        // does: one wake for each, not one per update finished.
        const few = options.limit - enough + stale();
        const seconds = Math.min(RECHECK, stuckAfter - waited);
        if (receiver.ledger.unfinished > few) await receiver.unfinishedAtMost(few, seconds);
        else await within(receiver.confirmable(offset!), seconds);
        continue;
      }
      // The oldest unfinished update has kept the window from moving for a long while: Telegram
      // returns nothing newer until the offset moves. Move past it, loudly, rather than stall every chat.
      options.report(
        new TelepotException(
          `update ${offset} and others are still being handled after ${stuckAfter} s; confirming past `
            + "them to keep receiving, so a crash now would not redeliver them",
        ),
      );
      offset = offsets.received;
    }
    blocked = undefined;
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
      outage = 0;
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
      // A server that stays away must not look like silence, nor fill the log: as getMe's failures at
      // start, the first of a run is reported, and every tenth.
      if (verdict.transient) outage++;
      if (!verdict.transient || outage === 1 || outage % 10 === 0) options.report(error);
      await pause(backoff.next(), stop);
      continue;
    }
    if (!Array.isArray(updates) || !updates.every(isUpdate)) {
      // A server or proxy answering nonsense: what it sent is not taken for updates (nor for offsets).
      options.report(
        new TelepotException("getUpdates answered something other than a list of Updates; asking again"),
      );
      await pause(backoff.next(), stop);
      continue;
    }
    if (updates.length === 0) {
      await pause(options.relax, stop);
      continue;
    }
    if (offset !== undefined && updates[0].update_id < offset) {
      // Telegram never returns an id below the offset it was sent, unless its numbering started over.
      try {
        await receiver.restartSequence();
      } catch (error) {
        // The journal could not forget the old sequence, whose ids the new one may share: nothing is
        // received (or confirmed) until it has, so the same batch comes again.
        options.report(error);
        await pause(backoff.next(), stop);
        continue;
      }
      offsets.received = undefined;
      offsets.confirmed = undefined;
    }
    const before = offsets.received;
    for (const update of updates) {
      if (offsets.received === undefined || update.update_id >= offsets.received) {
        offsets.received = update.update_id + 1;
      }
    }
    try {
      await receiver.receive(updates);
    } catch (error) {
      // Not journaled, so not confirmed: the same batch comes again.
      offsets.received = before;
      options.report(error);
      await pause(backoff.next(), stop);
      continue;
    }
    if (updates.length < options.limit) await pause(options.relax, stop);
  }
}

/**
 * Confirms the final offset after a stop, so Telegram forgets what was handled (or journaled). A few
 * quick attempts (none more after a 401 or 409): a failure only means those updates come again to the
 * next run, which is at-least-once.
 */
export async function confirmOffset(
  client: PollingClient,
  receiver: Receiver,
  offsets: OffsetState,
): Promise<void> {
  const offset = offsets.next(receiver);
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
