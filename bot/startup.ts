import type { CallOptions } from "../api/call_options.ts";
import type { Logger } from "../api/logger.ts";
import type { User } from "../api/types.gen.ts";
import { NetworkError } from "../exception/network_error.ts";
import { TelegramError } from "../exception/telegram_error.ts";
import { UnauthorizedError } from "../exception/telegram_error_subclasses.ts";
import { Backoff, pause } from "./backoff.ts";
import { deferred } from "./deferred.ts";
import type { LoopMessage } from "./handler.ts";
import type { LoopController, MessageLoopOptions } from "./loop_options.ts";
import { refusedByRuntime } from "./poll_errors.ts";

/** What start-up needs of the bot. */
export interface StartupHost {
  /** Root URL of the Bot API server, named when it cannot be reached. */
  readonly apiRoot: string;
  /** Where a failure is reported when the loop has no `onError`. */
  readonly logger: Logger;
  /** Telegram's getMe; it remembers the answer (`rememberBotUser`), which makes it `botUser`'s. */
  getMe(callOptions?: CallOptions): Promise<User>;
}

/** A loop's handler, as start-up wraps it. */
type Handle = (msg: LoopMessage) => unknown;

const identities = new WeakMap<object, User>();
// Seconds a getMe may take before it counts as failed (and is tried again): handlers wait for its first
// answer or failure, so one whose answer never comes must not hold them for ever.
const GET_ME_HANG = 10;

/** The bot's own User (its `username` for commands like `/start@name`), once getMe has answered. */
export function botUser(bot: object): User | undefined {
  return identities.get(bot);
}

/** Records what getMe answered for `bot`. */
export function rememberBotUser(bot: object, me: User): void {
  identities.set(bot, me);
}

/** How the loop about to start receives its updates, as far as start-up needs to know. */
export interface LoopReception {
  /** Whether it polls getUpdates (rather than reading a queue `source` or a webhook's updates). */
  readonly polls: boolean;
  /** Whether a loop that does not poll asks getMe in the background (a webhook's; a queue's does not). */
  readonly identifies?: boolean;
  /** Calls `release` when a webhook takes the updates over later; returns how to stop watching. */
  readonly onWebhook?: (release: () => void) => () => void;
}

// Telegram's bare "Unauthorized" does not say what to check: the library's words replace it, the call's
// method and params are kept, and Telegram's own error stays as the cause.
function refused(error: unknown): UnauthorizedError | undefined {
  if (!(error instanceof TelegramError) || error.errorCode !== 401) return undefined;
  return new UnauthorizedError(
    "Unauthorized: the Bot API refused this bot's token; check the token from @BotFather, and that "
      + "apiRoot is the server the bot is registered with",
    401,
    error.json,
    { method: error.method ?? "getMe", params: error.params },
    { cause: error },
  );
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

/**
 * Asks getMe until it answers; `undefined` when stopped first. A 401 is thrown with a clear message.
 * `settled` is called at the first answer or failure: handlers need not wait longer, since a server
 * that getMe cannot reach sends no updates by polling either (a webhook made meanwhile may). An
 * unreachable server is reported unless `quiet`.
 */
async function identify(
  host: StartupHost,
  options: MessageLoopOptions,
  signal: AbortSignal,
  settled: () => void,
  quiet = false,
): Promise<User | undefined> {
  let failures = 0;
  const backoff = new Backoff(options.backoff);
  for (;;) {
    try {
      const hang = AbortSignal.timeout(GET_ME_HANG * 1000);
      const me = await host.getMe({ signal: AbortSignal.any([signal, hang]) }).finally(settled);
      if (failures > 0) host.logger.error(`telepot-ts: the Bot API at ${host.apiRoot} answers again`);
      return me;
    } catch (error) {
      if (signal.aborted) return undefined;
      const unauthorized = refused(error);
      if (unauthorized !== undefined) throw unauthorized;
      if (refusedByRuntime(error)) throw error;
      failures++;
      // The first failure is reported, and every tenth: a wrong apiRoot must not look like silence.
      if (!quiet && (failures === 1 || failures % 10 === 0)) {
        const cause = error instanceof Error ? error : new Error(String(error));
        // The client's errors name their method already.
        const detail = cause.message.startsWith("getMe") ? cause.message : `getMe: ${cause.message}`;
        const message = `cannot reach the Bot API at ${host.apiRoot} (${detail}); retrying`;
        report(host, options, new NetworkError("getMe", message, { cause }));
      }
      await pause(backoff.next(), signal);
    }
  }
}

/**
 * Starts a loop with getMe alongside: a polling loop's handlers wait until getMe has answered (so the
 * bot's username is known, see {@link botUser}) or failed once; a refused token (401, from getMe or getUpdates) ends
 * the loop, `done` rejecting with an `UnauthorizedError` that says so; an unreachable server is
 * reported (to `onError`, else the logger) after the first failed attempt and every tenth. A loop
 * reading a `source` or a webhook's updates does not wait for getMe. `start` runs at once, so the
 * loop's own checks still throw from `messageLoop`.
 *
 * @param host the bot.
 * @param options the loop's options (`signal`, `onError`, `backoff`).
 * @param reception whether the loop polls, and how a webhook made later announces itself.
 * @param handle the loop's handler.
 * @param start starts the loop itself with the handler it is given.
 */
export function startLoop(
  host: StartupHost,
  options: MessageLoopOptions,
  reception: LoopReception,
  handle: Handle,
  start: (handle: Handle) => LoopController,
): LoopController {
  if (!reception.polls) {
    return reception.identifies
      ? identifyAlongside(host, options, start(handle))
      : start(handle);
  }
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([stopper.signal, options.signal]) : stopper.signal;
  // A webhook handler made meanwhile takes the updates over: its handlers need not wait.
  const unwatch = reception.onWebhook?.(() => stopper.abort()) ?? (() => {});
  let known = false;
  const { promise: ready, resolve } = deferred<void>();
  const settle = () => {
    known = true;
    resolve();
  };
  const identity = identify(host, options, signal, settle);
  identity.then(settle, settle);
  let loop: LoopController;
  try {
    loop = start((msg) => known ? handle(msg) : ready.then(() => handle(msg)));
  } catch (error) {
    // Refused (a loop already runs): its getMe must not go on asking.
    stopper.abort();
    unwatch();
    throw error;
  }
  identity.catch(() => loop.stop());
  const done = loop.done.then(() => undefined, (error: unknown) => ({ error })).then(async (failure) => {
    unwatch();
    stopper.abort();
    await identity;
    if (failure !== undefined) throw refused(failure.error) ?? failure.error;
  });
  return {
    stop: () => {
      stopper.abort();
      return loop.stop();
    },
    done,
    get handled() {
      return loop.handled;
    },
  };
}

/**
 * A loop whose handlers do not wait for getMe (a webhook's), with getMe asked alongside until it
 * answers or the loop ends, so that `bot.me` comes to be known. A refused token is reported where the
 * loop's failures go; an unreachable server is only retried, since the handlers' own calls say so.
 */
function identifyAlongside(
  host: StartupHost,
  options: MessageLoopOptions,
  loop: LoopController,
): LoopController {
  if (identities.has(host)) return loop;
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([stopper.signal, options.signal]) : stopper.signal;
  identify(host, options, signal, () => {}, true).catch((error) => report(host, options, error));
  const ended = () => stopper.abort();
  loop.done.then(ended, ended);
  return {
    stop: () => {
      stopper.abort();
      return loop.stop();
    },
    done: loop.done,
    get handled() {
      return loop.handled;
    },
  };
}
