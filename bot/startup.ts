import type { CallOptions } from "../api/call_options.ts";
import type { Logger } from "../api/logger.ts";
import type { User } from "../api/types.gen.ts";
import { NetworkError } from "../exception/network_error.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { UnauthorizedError } from "../exception/telegram_error_subclasses.ts";
import { Backoff, pause } from "./backoff.ts";
import { hasInbox, onInboxCreated } from "./inbox.ts";
import type { LoopController, MessageLoopOptions } from "./loop_options.ts";

/** What start-up needs of the bot. */
export interface StartupHost {
  /** Root URL of the Bot API server, named when it cannot be reached. */
  readonly apiRoot: string;
  /** Where a failure is reported when the loop has no `onError`. */
  readonly logger: Logger;
  /** Telegram's getMe. */
  getMe(callOptions?: CallOptions): Promise<User>;
}

const identities = new WeakMap<object, User>();

/** The bot's own User (its `username` for commands like `/start@name`), once a polling loop has started. */
export function botUser(bot: object): User | undefined {
  return identities.get(bot);
}

function report(host: StartupHost, options: MessageLoopOptions, error: Error): void {
  if (options.onError === undefined) return host.logger.error(`telepot-ts: ${error.message}`);
  try {
    const result = options.onError(error);
    if (result instanceof Promise) {
      result.catch((failure) => host.logger.error("telepot-ts: onError failed:", failure));
    }
  } catch (failure) {
    host.logger.error("telepot-ts: onError failed:", failure);
  }
}

/** Asks getMe until it answers; `undefined` when stopped first. A 401 is thrown with a clear message. */
async function identify(
  host: StartupHost,
  options: MessageLoopOptions,
  signal: AbortSignal,
): Promise<User | undefined> {
  let failures = 0;
  const backoff = new Backoff(options.backoff);
  for (;;) {
    try {
      const me = await host.getMe({ signal });
      if (failures > 0) host.logger.error(`telepot-ts: the Bot API at ${host.apiRoot} answers again`);
      return me;
    } catch (error) {
      if (signal.aborted) return undefined;
      if (error instanceof TelegramError && error.errorCode === 401) {
        throw new UnauthorizedError(
          "Unauthorized: the Bot API refused this bot's token (getMe at start-up); check the token from "
            + "@BotFather, and that apiRoot is the server the bot is registered with",
          401,
          error.json,
          { method: "getMe" },
        );
      }
      failures++;
      // The first failure is reported, and every tenth: a wrong apiRoot must not look like silence.
      if (failures === 1 || failures % 10 === 0) {
        const cause = error instanceof Error ? error : new Error(String(error));
        report(
          host,
          options,
          new NetworkError(
            "getMe",
            `cannot reach the Bot API at ${host.apiRoot} (getMe: ${cause.message}); retrying`,
            { cause },
          ),
        );
      }
      await pause(backoff.next(), signal);
    }
  }
}

/**
 * Starts a polling loop once getMe answered (so the bot's username is known, see {@link botUser}): a
 * refused token (401) ends the loop at once (`done` rejects with an `UnauthorizedError` saying so);
 * an unreachable server is reported (to `onError`, else the logger) and asked again with back-off.
 * A loop reading a `source` (a queue) or a webhook's updates starts at once, without getMe, and so
 * does one whose bot gets a webhook handler while getMe is still unanswered.
 *
 * @param host the bot.
 * @param options the loop's options (`source`, `signal`, `onError`).
 * @param start starts the loop itself.
 */
export function startLoop(
  host: StartupHost,
  options: MessageLoopOptions,
  start: () => LoopController,
): LoopController {
  if (options.source !== undefined || hasInbox(host)) return start();
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([stopper.signal, options.signal]) : stopper.signal;
  // A webhook handler made while getMe is still unanswered takes over, as it does from polling.
  const handover = new AbortController();
  const unwatch = onInboxCreated(host, () => handover.abort());
  let loop: LoopController | undefined;
  const done = identify(host, options, AbortSignal.any([signal, handover.signal])).then((me) => {
    unwatch();
    if (signal.aborted) return;
    if (me !== undefined) identities.set(host, me);
    loop = start();
    return loop.done;
  }, (error) => {
    unwatch();
    throw error;
  });
  return {
    stop: () => {
      stopper.abort();
      return loop ? loop.stop() : done.then(() => {}, () => {});
    },
    done,
    get handled() {
      return loop?.handled ?? 0;
    },
  };
}
