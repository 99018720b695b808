import { TelegramError } from "./telegram_error.ts";

/** The token was rejected (revoked, or never valid). */
export class UnauthorizedError extends TelegramError {
  /** Matches Telegram's "Unauthorized". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [/unauthorized/i];
}

/** The bot was removed from the group, supergroup or channel it tried to act in. */
export class BotWasKickedError extends TelegramError {
  /** Matches "bot was kicked from the … chat". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [/bot.*kicked/i];
}

/** The user blocked the bot, so it can no longer message them. */
export class BotWasBlockedError extends TelegramError {
  /** Matches "bot was blocked by the user". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [/bot.*blocked/i];
}

const RETRY_AFTER_IN_TEXT = /retry after (\d+)/i;

/** Flood control: the bot sent too much too fast. Wait {@link TooManyRequestsError.retryAfter} seconds. */
export class TooManyRequestsError extends TelegramError {
  /** Matches "Too Many Requests: retry after N". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [/too *many *requests/i];

  /**
   * Seconds to wait before repeating the call: `parameters.retry_after`, else the number in the
   * description, else `undefined`.
   */
  get retryAfter(): number | undefined {
    const fromParameters = this.parameters?.retry_after;
    if (typeof fromParameters === "number") return fromParameters;
    const fromText = RETRY_AFTER_IN_TEXT.exec(this.description);
    return fromText ? Number(fromText[1]) : undefined;
  }
}

/** The group became a supergroup; repeat the call with {@link MigratedToSupergroupChatError.migrateToChatId}. */
export class MigratedToSupergroupChatError extends TelegramError {
  /** Matches both telepot's wording and today's "group chat was upgraded to a supergroup chat". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [
    /migrated.*supergroup *chat/i,
    /upgraded to a supergroup *chat/i,
  ];

  /** The new supergroup's chat id, from `parameters.migrate_to_chat_id`. */
  get migrateToChatId(): number | undefined {
    return this.parameters?.migrate_to_chat_id;
  }
}

/** The bot lacks an administrator right (or chat permission) that the call needs. */
export class NotEnoughRightsError extends TelegramError {
  /** Matches "not enough rights …", "have no rights …" and "CHAT_ADMIN_REQUIRED". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [
    /not enough rights/i,
    /have no rights/i,
    /chat_admin_required/i,
  ];
}

/**
 * Telegram refused `getUpdates` because something else receives this bot's updates: another poller
 * with the same token, or an active webhook.
 */
export class ConflictError extends TelegramError {
  /** Matches "Conflict: terminated by other getUpdates request" and "… while webhook is active". */
  static override readonly DESCRIPTION_PATTERNS: readonly RegExp[] = [/^conflict/i];

  /** Whether the conflict is an active webhook (otherwise another poller). */
  get webhookActive(): boolean {
    return /webhook/i.test(this.description);
  }
}
