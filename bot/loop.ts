import { checkSeconds } from "../api/seconds.ts";
import type { Update } from "../api/types.gen.ts";
import { BadInput } from "../exception/bad_input.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { exitProcess, onStopSignal, signalExitCode, type StopSignal } from "../platform/process.ts";
import { kindsFor, type LoopHandler, type LoopMessage, resolveHandler } from "./handler.ts";
import { checkJournal, resolveJournal } from "./journal_option.ts";
import type { LoopController, MessageLoopOptions } from "./loop_options.ts";
import { confirmOffset, OffsetState, type PollingClient, pollUpdates } from "./polling.ts";
import { consumeQueue } from "./queue_source.ts";
import { receiverOf } from "./receiver.ts";
import { abortable } from "./within.ts";

/** What a loop runs on: the client (for `getUpdates`) and the bot's own `handle`. */
export interface LoopHost extends PollingClient {
  /** Handles a message when the loop has no handler of its own. */
  handle(msg: LoopMessage): unknown;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  return checkSeconds(value, `options.${name}`, true) ?? fallback;
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new BadInput(`options.${name}`, "a positive integer");
  return value;
}

function validLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new BadInput("options.limit", "an integer 1–100");
  }
  return limit;
}

/**
 * The default error reporter: one line per failure with the update id, the token removed by `redact`.
 */
export function defaultErrorLogger(
  redact: (text: string) => string,
): (error: unknown, update?: Update) => void {
  return (error, update) => {
    const where = update ? `update ${update.update_id}` : "message loop";
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    console.error(`telepot: ${where}: ${redact(text)}`);
  };
}

/**
 * Wraps a user's `onError` so that a reporter that throws or rejects is itself logged instead of
 * crashing the loop or the process.
 */
function guarded(
  report: (error: unknown, update?: Update) => unknown,
  fallback: (error: unknown, update?: Update) => void,
): (error: unknown, update?: Update) => void {
  return (error, update) => {
    try {
      const result = report(error, update);
      if (result instanceof Promise) result.catch((failure) => fallback(failure, update));
    } catch (failure) {
      fallback(failure, update);
    }
  };
}

/**
 * Starts a message loop in the background: the core of `Bot.messageLoop` (and of `aio.ts`, which awaits
 * `done`). See {@link MessageLoopOptions} for the options and the delivery guarantees.
 *
 * @param host the bot: its client calls `getUpdates`, its `handle` is used when `handler` is absent.
 * @param handler a function, a routing table, or `undefined` for `host.handle`.
 * @param options see {@link MessageLoopOptions}.
 * @param redact removes the bot token from logged text.
 * @throws {BadInput} on a malformed handler or option (before anything starts).
 */
export function runLoop(
  host: LoopHost,
  handler: LoopHandler | undefined,
  options: MessageLoopOptions = {},
  redact: (text: string) => string = (text) => text,
): LoopController {
  const handle = handler === undefined ? (msg: LoopMessage) => host.handle(msg) : resolveHandler(handler);
  const relax = seconds(options.relax, 0.1, "relax");
  const timeout = seconds(options.timeout, 20, "timeout");
  // getUpdates takes whole seconds; a fraction would be refused by Telegram on every poll.
  if (!Number.isInteger(timeout)) throw new BadInput("options.timeout", "a whole number of seconds ≥ 0");
  const maxhold = seconds(options.maxhold, 3, "maxhold");
  const stopTimeout = seconds(options.stopTimeout, 10, "stopTimeout");
  const limit = validLimit(options.limit);
  const stuckAfter = options.stuckAfter === Infinity
    ? Infinity
    : seconds(options.stuckAfter, 30, "stuckAfter");
  const logger = defaultErrorLogger(redact);
  const report = options.onError ? guarded(options.onError, logger) : logger;
  const maxAttempts = positive(options.maxAttempts, "maxAttempts") ?? 3;
  const maxInFlight = positive(options.maxInFlight, "maxInFlight");
  checkJournal(options.journal);
  const receiver = receiverOf(host);
  if (receiver.attached) {
    throw new TelepotException(
      "a message loop is already running for this bot: stop it before starting another",
    );
  }
  // Chosen once, at start: a loop never switches from polling to a webhook made later.
  // A shared journal that hands out records (a Redis worker) is the loop's only source.
  const fed = typeof options.journal === "object" && typeof options.journal.listen === "function";
  const mode = options.source !== undefined ? "queue" : receiver.webhook || fed ? "fed" : "polling";
  const allowedUpdates = options.allowedUpdates ?? kindsFor(handler);
  const journal = resolveJournal(options.journal, receiver);
  const attached = receiver.attach({
    handle: (payload) => handle(payload as LoopMessage),
    onError: report,
    maxAttempts,
    backoff: options.backoff,
  }, journal);
  const handledBefore = receiver.handled;

  const stopper = new AbortController();
  const stop = () => stopper.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal?.aborted) stop();
  const handleSignals = options.handleSignals ?? Boolean(options.runForever);
  let bySignal = false;
  const onSignal = (signal: StopSignal) => {
    // A second signal during the graceful stop ends a run-forever program at once, as it would have
    // without the library's listener.
    if (bySignal && options.runForever) exitProcess(signalExitCode(signal));
    bySignal = true;
    stop();
  };
  const unlisten = handleSignals ? onStopSignal(onSignal) : () => {};
  if (typeof options.runForever === "string" && options.runForever !== "") console.log(options.runForever);
  // A loop waiting on a queue holds only a promise, which does not keep a Deno process alive.
  const keepAlive = options.runForever ? setInterval(() => {}, 1 << 30) : undefined;

  const offsets = new OffsetState();
  receiver.polled = mode === "polling" ? offsets : undefined;
  const run = async () => {
    let failed = false;
    try {
      await attached;
      const limitInFlight = maxInFlight ?? ((await journal).durable ? 100_000 : 1000);
      if (mode === "queue") {
        await consumeQueue(options.source!, receiver, {
          ordered: options.ordered ?? true,
          maxhold,
          maxInFlight: limitInFlight,
          report,
          backoff: options.backoff,
          stopSeconds: stopTimeout,
        }, stopper.signal);
      } else if (mode === "fed") {
        // The webhook handler or the journal feeds the receiver; the loop only keeps handling until stopped.
        await abortable(new Promise<void>(() => {}), stopper.signal);
      } else {
        await pollUpdates(host, receiver, offsets, {
          timeout,
          relax,
          limit,
          allowedUpdates,
          backoff: options.backoff,
          report,
          stuckAfter,
          maxInFlight: limitInFlight,
        }, stopper.signal);
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      let abandoned = 0;
      if (receiver.attached) abandoned = await attached.then(() => receiver.detach(stopTimeout), () => 0);
      // After a 401 or 409 another getUpdates would only fail the same way.
      if (mode === "polling" && !failed) await confirmOffset(host, receiver, offsets);
      clearInterval(keepAlive);
      unlisten();
      options.signal?.removeEventListener("abort", stop);
      // A run-forever program stopped by SIGINT/SIGTERM ends once its loop has stopped: with status 1
      // when stopTimeout cut handlers off (their updates come back to the next run).
      if (bySignal && options.runForever) exitProcess(abandoned > 0 ? 1 : 0);
    }
  };
  // `done` is left for the caller to observe: a fatal error (401, 409) nobody awaits should surface.
  const done = run();
  return {
    stop: () => {
      stop();
      return done.then(() => {}, () => {});
    },
    done,
    get handled() {
      return receiver.handled - handledBefore;
    },
  };
}
