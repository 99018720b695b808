/**
 * The bots of the end-to-end bench, one entry per variant: which bot program runs, how it receives,
 * and the settings it is given. Adding a variant is adding an entry.
 *
 * @module
 */

/** One bot variant of the bench. */
export interface Variant {
  /** Shown in the table; also what `--only` matches. */
  readonly name: string;
  /** The bot program, under `bench/e2e/bots/`. */
  readonly program: string;
  /** Poll `getUpdates`, or have the server POST to a webhook. */
  readonly receive: "polling" | "webhook";
  /** Given to the bot program as `settings`. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Our library's update journal: "sqlite" has the harness pass `journal: "<tmp>/bot.db"`. */
  readonly journal?: "memory" | "sqlite";
  /** A baseline the targets compare against (the one that receives as a variant does, or polling). */
  readonly baseline?: "telegraf" | "bare";
  /**
   * Our bot given `fetch` as its transport (the `fetch` option) instead of the pooled connections a
   * loop uses by default: shown beside the default for what the pool is worth, held to no target.
   */
  readonly overFetch?: true;
}

function ours(
  style: "plain" | "delegator",
  receive: "polling" | "webhook",
  journal: "memory" | "sqlite",
  overFetch?: true,
): Variant {
  return {
    name: `telepot ${style}, ${receive}, ${journal}${overFetch ? ", over fetch" : ""}`,
    program: "telepot.ts",
    receive,
    settings: overFetch ? { style, overFetch } : { style },
    journal,
    ...(overFetch ? { overFetch } : {}),
  };
}

/** Every variant, in the order of the table. */
export const VARIANTS: readonly Variant[] = [
  ours("plain", "polling", "memory"),
  ours("delegator", "polling", "memory"),
  ours("plain", "webhook", "memory"),
  ours("delegator", "webhook", "memory"),
  ours("plain", "polling", "sqlite"),
  ours("delegator", "polling", "sqlite"),
  ours("plain", "webhook", "sqlite"),
  ours("delegator", "webhook", "sqlite"),
  ours("plain", "polling", "sqlite", true),
  { name: "Telegraf 4.16.3", program: "telegraf.ts", receive: "polling", settings: {}, baseline: "telegraf" },
  {
    name: "Telegraf 4.16.3, webhook",
    program: "telegraf_webhook.ts",
    receive: "webhook",
    settings: {},
    baseline: "telegraf",
  },
  { name: "grammY 1.46.0", program: "grammy.ts", receive: "polling", settings: { runner: false } },
  { name: "grammY + runner 2.0.3", program: "grammy.ts", receive: "polling", settings: { runner: true } },
  { name: "bare fetch loop (Deno)", program: "bare.ts", receive: "polling", settings: {}, baseline: "bare" },
  {
    name: "bare webhook (Deno.serve)",
    program: "bare_webhook.ts",
    receive: "webhook",
    settings: {},
    baseline: "bare",
  },
  // What a webhook can make on this machine with nothing but a cheaper transport: held to no target.
  {
    name: "bare webhook (Deno.serve), pooled",
    program: "bare_webhook.ts",
    receive: "webhook",
    settings: { pooled: true },
  },
];

/** A network condition the bench runs every variant under. */
export interface Mode {
  /** Shown in the table. */
  readonly name: string;
  /** Milliseconds the server waits before answering each Bot API call. */
  readonly latencyMs: number;
  /** Share of `sendMessage` calls answered with a 500 or a 429. */
  readonly faultRate: number;
}

/** The three modes of issue 9, with the given latency and fault rate. */
export function modes(latencyMs: number, faultRate: number): Mode[] {
  return [
    { name: "0 ms", latencyMs: 0, faultRate: 0 },
    { name: `${latencyMs} ms`, latencyMs, faultRate: 0 },
    { name: `${Math.round(faultRate * 100)} % faults`, latencyMs: 0, faultRate },
  ];
}
