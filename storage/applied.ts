/**
 * Which messages a stored state names as included, so that one delivered again after a crash is
 * recognised and not applied twice: the rule persistent delegates and sessions share.
 *
 * @module
 */
import { UPDATE_LIFETIME_MS } from "../bot/ledger.ts";

// The latest ids a record names whatever else it keeps: enough for what comes again besides a polling
// window, one update per chat (a durable journal hands out again an update whose acknowledgement a crash
// caught) or a webhook answer or queue confirmation still on its way.
const LATEST = 16;

/** What a record says of the messages it includes. */
export interface AppliedIds<T> {
  /** Their ids, oldest first. */
  readonly applied: readonly T[];
  /**
   * When the record was saved (Unix seconds), given when it names more than the latest ids: those were
   * kept because Telegram might send them again.
   */
  readonly saved?: number;
}

/**
 * What a record keeps of `applied` (oldest first, the messages just handled last): the latest 16, and
 * before them every update that its source may still send again (`sentAgain`). After a crash Telegram
 * sends again every update from the last offset it confirmed: a window that an unfinished update held
 * back can bring back many more than 16 of one chat's updates, and recognising only the newest of them
 * would apply the older ones again, each pushing a newer one out in turn.
 */
export function keepApplied<T>(applied: readonly T[], sentAgain: (id: T) => boolean): AppliedIds<T> {
  const from = applied.length - LATEST;
  if (from <= 0) return { applied };
  const kept = applied.filter((id, i) => i >= from || sentAgain(id));
  return kept.length > LATEST ? { applied: kept, saved: Date.now() / 1000 } : { applied: kept };
}

/**
 * The ids of a record still to recognise now. Those beyond the latest 16 were kept because Telegram might
 * send them again, which it does for a day at most: after that they are dropped, since a new sequence
 * of ids (Telegram starts one after a quiet week) may reuse them.
 */
export function liveApplied<T>(record: AppliedIds<T>): readonly T[] {
  const { applied, saved } = record;
  if (applied.length <= LATEST || saved === undefined) return applied;
  return Date.now() - saved * 1000 > UPDATE_LIFETIME_MS ? applied.slice(-LATEST) : applied;
}
