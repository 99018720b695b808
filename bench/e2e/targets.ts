/**
 * Issue 9's speed targets, as ratios between runs of the same bench invocation. The bench reports
 * them as met or not met; it never fails on them.
 *
 * @module
 */
import type { RunResult } from "./harness.ts";
import type { Mode, Variant } from "./variants.ts";

/** One target, checked. */
export interface TargetCheck {
  /** What is compared, e.g. "telepot plain, polling, memory ÷ Telegraf, 0 ms: updates/s". */
  readonly what: string;
  /** The measured ratio, when both sides ran. */
  readonly ratio?: number;
  /** The requirement, e.g. "≥ 1.1". */
  readonly need: string;
  /** "met", "not met", or "n/a (why)". */
  readonly verdict: string;
}

const usable = (r: RunResult): boolean => (r.outcome === "ok" || r.outcome === "cut") && r.answered > 0;

function check(
  what: string,
  a: RunResult,
  b: RunResult,
  measure: (r: RunResult) => number,
  need: { atLeast?: number; atMost?: number },
  bare?: { readonly name: string; readonly ratio: number },
): TargetCheck {
  const needText = need.atLeast !== undefined ? `≥ ${need.atLeast}` : `≤ ${need.atMost}`;
  const missing = [a, b].find((r) => !usable(r));
  if (missing !== undefined) {
    const reason = missing.reason ? `: ${missing.reason}` : "";
    return { what, need: needText, verdict: `n/a (${missing.variant.name} ${missing.outcome}${reason})` };
  }
  // A side that answered twice, out of order or wrongly did other work than the echo bot's: no ratio.
  const sloppy = [a, b].find((r) => r.duplicates + r.outOfOrder + r.wrong > 0);
  if (sloppy !== undefined) {
    return {
      what,
      need: needText,
      verdict: `n/a (${sloppy.variant.name} ${sloppy.mode.name}: replies not once each, in order)`,
    };
  }
  const meets = (ratio: number) => need.atLeast !== undefined ? ratio >= need.atLeast : ratio <= need.atMost!;
  const ratio = measure(a) / measure(b);
  const cut = a.outcome === "cut" || b.outcome === "cut" ? " (a run was cut at the time limit)" : "";
  let verdict = (meets(ratio) ? "met" : "not met") + cut;
  // A target that the bare program receiving the same way misses too asks more of that way of
  // receiving than of the library.
  if (!meets(ratio) && bare !== undefined && !meets(bare.ratio)) {
    verdict += `; the ${bare.name} itself makes ${bare.ratio.toFixed(2)}`;
  }
  return { what, ratio, need: needText, verdict };
}

/** The ratio `measure(a) / measure(b)` of two runs of a bare program, when both are usable. */
function bareRatio(
  a: RunResult | undefined,
  b: RunResult | undefined,
  measure: (r: RunResult) => number,
): { name: string; ratio: number } | undefined {
  if (a === undefined || b === undefined || a === b || !usable(a) || !usable(b)) return undefined;
  return { name: a.variant.name, ratio: measure(a) / measure(b) };
}

const perSecond = (r: RunResult): number => r.updatesPerSecond;
const cpuPerUpdate = (r: RunResult): number => r.cpuMsPer1k;

/** Seconds the run took for all its updates, extrapolated from its rate when it was cut. */
const secondsForAll = (r: RunResult): number => r.updates / r.updatesPerSecond;

// The most a variant under faults may take, as a multiple of its fault-free time.
const FAULT_SLOWDOWN = 2;

// How a baseline is named in a target.
const BASELINE_NAMES = {
  telegraf: { polling: "Telegraf", webhook: "Telegraf's webhook" },
  bare: { polling: "bare loop", webhook: "bare webhook" },
} as const;

/**
 * Checks every target that `results` allow: our memory-journal variants ≥ 1.1 × Telegraf (updates/s)
 * at 0 ms and at the latency mode; our SQLite variants ≥ 0.9 × the bare loop (updates/s) and ≤ 1.3 ×
 * its CPU per update at 0 ms; each of our variants under faults ≤ 2 × its fault-free time, saying so
 * when the run made that out of reach (a chat's replies are sent in order, so its 429s' `retry_after`
 * waits add up). The issue's baselines poll; a webhook variant is also held against the baseline that
 * receives by webhook. A target missed that the bare program receiving the same way (bare loop or bare
 * webhook) misses too says so; under faults only for the memory journal, which like the bare programs
 * confirms an update once handled.
 */
export function checkTargets(results: readonly RunResult[], modes: readonly Mode[]): TargetCheck[] {
  const [fast, slow, faulty] = modes;
  const find = (mode: Mode | undefined, pick: (r: RunResult) => boolean) =>
    results.find((r) => r.mode === mode && pick(r));
  const checks: TargetCheck[] = [];
  const ours = [
    ...new Set(
      results.filter((r) => r.variant.journal !== undefined && !r.variant.overFetch).map((r) => r.variant),
    ),
  ];
  const baseline = (kind: "telegraf" | "bare", receive: Variant["receive"], mode: Mode | undefined) =>
    find(mode, (r) => r.variant.baseline === kind && r.variant.receive === receive);
  // The bare program that receives as `variant` does, in `mode`.
  const bareLike = (variant: Variant, mode: Mode | undefined) => baseline("bare", variant.receive, mode);
  // What a variant is held against: the polling baselines, and for a webhook variant the webhook ones too.
  const receives = (variant: Variant): Variant["receive"][] =>
    variant.receive === "webhook" ? ["polling", "webhook"] : ["polling"];
  for (const variant of ours.filter((v) => v.journal === "memory")) {
    for (const mode of [fast, slow]) {
      const a = find(mode, (r) => r.variant === variant);
      for (const receive of receives(variant)) {
        const b = baseline("telegraf", receive, mode);
        if (a === undefined || b === undefined) continue;
        checks.push(
          check(
            `${variant.name} ÷ ${BASELINE_NAMES.telegraf[receive]}, ${mode.name}: updates/s`,
            a,
            b,
            perSecond,
            {
              atLeast: 1.1,
            },
            bareRatio(bareLike(variant, mode), b, perSecond),
          ),
        );
      }
    }
  }
  for (const variant of ours.filter((v) => v.journal === "sqlite")) {
    const a = find(fast, (r) => r.variant === variant);
    if (a === undefined) continue;
    for (const receive of receives(variant)) {
      const b = baseline("bare", receive, fast);
      if (b === undefined) continue;
      const name = BASELINE_NAMES.bare[receive];
      checks.push(
        check(`${variant.name} ÷ ${name}, ${fast.name}: updates/s`, a, b, perSecond, {
          atLeast: 0.9,
        }, bareRatio(bareLike(variant, fast), b, perSecond)),
      );
      checks.push(
        check(`${variant.name} ÷ ${name}, ${fast.name}: CPU per update`, a, b, cpuPerUpdate, {
          atMost: 1.3,
        }, bareRatio(bareLike(variant, fast), b, cpuPerUpdate)),
      );
    }
  }
  for (const variant of ours) {
    const a = find(faulty, (r) => r.variant === variant);
    const b = find(fast, (r) => r.variant === variant);
    if (a === undefined || b === undefined) continue;
    const bare = variant.journal === "memory"
      ? bareRatio(bareLike(variant, faulty), bareLike(variant, fast), secondsForAll)
      : undefined;
    const timed = check(`${variant.name}: ${faulty.name} ÷ ${fast.name}: time`, a, b, secondsForAll, {
      atMost: FAULT_SLOWDOWN,
    }, bare);
    checks.push(withFloodFloor(timed, a, b));
  }
  return checks;
}

/**
 * A fault target not met, with the least ratio the bot could have reached in that run when it is above
 * the limit: the unluckiest chat's `retry_after` waits, added up, against the fault-free time. (The
 * faults fell on the bot's own calls in the order it made them: another run spreads them otherwise.)
 */
function withFloodFloor(timed: TargetCheck, faulty: RunResult, fast: RunResult): TargetCheck {
  // A ratio is there only when both runs were usable.
  if (timed.ratio === undefined || timed.ratio <= FAULT_SLOWDOWN) return timed;
  const floor = faulty.floodWaitMs / 1000 / secondsForAll(fast);
  if (floor <= FAULT_SLOWDOWN) return timed;
  const waits = (faulty.floodWaitMs / 1000).toFixed(1);
  return {
    ...timed,
    verdict: `${timed.verdict}; out of reach: one chat was told to wait ${waits} s in all (${
      floor.toFixed(2)
    } ×)`,
  };
}
