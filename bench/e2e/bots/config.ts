/**
 * What the harness tells a bench bot process (one JSON argument), and the pieces every bench bot
 * shares: reading that argument, the retry rule for competitors, and the webhook listener.
 *
 * @module
 */

/** The argument of a bench bot process. */
export interface BotConfig {
  /** Root URL of the bench API server. */
  readonly apiRoot: string;
  /** The token whose scenario to serve. */
  readonly token: string;
  /** Poll `getUpdates`, or listen for webhook POSTs. */
  readonly receive: "polling" | "webhook";
  /** Bot-specific settings from the variant table (e.g. `{ "style": "delegator" }`). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Reads the process argument. */
export function readConfig(): BotConfig {
  return JSON.parse(Deno.args[0]) as BotConfig;
}

/** Tells the harness this bot cannot run the variant, and why (shown as "n/a (reason)"), then exits. */
export function unsupported(reason: string): never {
  console.log(`UNSUPPORTED ${reason.replaceAll("\n", " ")}`);
  Deno.exit(3);
}

/** Most attempts of one `sendMessage`, the first included: the same for every bot. */
export const MAX_ATTEMPTS = 20;
/** Seconds before repeating after a 5xx or a network error, doubling each time: the same for every bot. */
export const FIRST_BACKOFF = 0.05;

/**
 * `max_connections` every webhook bot of the bench gives `setWebhook`: Telegram's largest, which its
 * documentation names as the way to more throughput (the default is 40). With 40, a webhook answering
 * once the reply is sent carries at most 40 updates per round trip of the API.
 */
export const WEBHOOK_MAX_CONNECTIONS = 100;

/** How a competitor's error tells what failed: the Bot API error code and `retry_after`, when known. */
export interface FailureFacts {
  /** The Bot API `error_code`; absent for a network error. */
  readonly code?: number;
  /** `parameters.retry_after` of a 429, in seconds. */
  readonly retryAfter?: number;
}

/**
 * Sends with the bench's retry rule, for the bots whose library has none built in (our bot uses its
 * client's own `retry` option with the same numbers): 429 waits `retry_after`, anything else waits
 * {@link FIRST_BACKOFF} doubling, up to {@link MAX_ATTEMPTS} attempts.
 */
export async function sendWithRetry<T>(
  send: () => Promise<T>,
  facts: (error: unknown) => FailureFacts,
): Promise<T> {
  let backoff = FIRST_BACKOFF;
  for (let attempt = 1;; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error;
      const { code, retryAfter } = facts(error);
      if (code !== undefined && code < 500 && code !== 429) throw error;
      const wait = code === 429 && retryAfter !== undefined ? retryAfter : backoff;
      if (code !== 429) backoff *= 2;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }
}

/**
 * Serves `handler` on a free loopback port and returns the webhook URL to give `setWebhook`.
 */
export function listen(handler: (req: Request) => Response | Promise<Response>): Promise<string> {
  return new Promise((resolve) => {
    Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => resolve(`http://127.0.0.1:${port}/hook`),
    }, handler);
  });
}
