/**
 * Issue 9's speed targets, as ratios between runs of the same bench invocation. The bench reports
 * them as met or not met; it never fails on them.
 *
 * @module
 */
import type { RunResult } from "./harness.ts";
import type { Mode } from "./variants.ts";

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

/**
 * Checks every target that `results` allow: our memory-journal variants ≥ 1.1 × Telegraf (updates/s) at
 * 0 ms and at the latency mode (the webhook ones against Telegraf's webhook too, like for like); our SQLite variants ≥ 0.9 × the bare loop (updates/s) and ≤ 1.3 × its
 * CPU per update at 0 ms (the webhook ones against the bare webhook too, like for like); each of our
 * variants under faults ≤ 2 × its fault-free time, saying so when the run made that out of reach (a
 * chat's replies are sent in order, so its 429s' `retry_after` waits add up). A target missed that
 * the bare program receiving the same way (bare loop or bare webhook) misses too says so; under faults
 * only for the memory journal, which like the bare programs confirms an update once handled.
 */
export function checkTargets(results: readonly RunResult[], modes: readonly Mode[]): TargetCheck[] {
  const [fast, slow, faulty] = modes;
  const find = (mode: Mode | undefined, pick: (r: RunResult) => boolean) =>
    results.find((r) => r.mode === mode && pick(r));
  const checks: TargetCheck[] = [];
  const ours = [...new Set(results.filter((r) => r.variant.journal !== undefined).map((r) => r.variant))];
  // The bare program that receives as `variant` does, in `mode`.
  const bareLike = (variant: RunResult["variant"], mode: Mode | undefined) =>
    find(mode, (r) => r.variant.baseline === (variant.receive === "webhook" ? "bare webhook" : "bare"));
  for (const variant of ours.filter((v) => v.journal === "memory")) {
    // The baseline is Telegraf as it usually runs, polling; a webhook is also held against
    // Telegraf receiving by webhook, like for like.
    const baselines = [
      ["telegraf", "Telegraf"],
      ...(variant.receive === "webhook" ? [["telegraf webhook", "Telegraf's webhook"]] : []),
    ];
    for (const mode of [fast, slow]) {
      const a = find(mode, (r) => r.variant === variant);
      for (const [baseline, name] of baselines) {
        const b = find(mode, (r) => r.variant.baseline === baseline);
        if (a === undefined || b === undefined) continue;
        checks.push(
          check(`${variant.name} ÷ ${name}, ${mode.name}: updates/s`, a, b, perSecond, {
            atLeast: 1.1,
          }, bareRatio(bareLike(variant, mode), b, perSecond)),
        );
      }
    }
  }
  for (const variant of ours.filter((v) => v.journal === "sqlite")) {
    const a = find(fast, (r) => r.variant === variant);
    if (a === undefined) continue;
    // The baseline is the polling loop; a webhook is also held against the bare webhook, which
    // pays the same incoming request per update.
    const baselines = [
      ["bare", "bare loop"],
      ...(variant.receive === "webhook" ? [["bare webhook", "bare webhook"]] : []),
    ];
    for (const [baseline, name] of baselines) {
      const b = find(fast, (r) => r.variant.baseline === baseline);
      if (b === undefined) continue;
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
    const timed = check(
      `${variant.name}: ${faulty.name} ÷ ${fast.name}: time`,
      a,
      b,
      secondsForAll,
      {
        atMost: 2,
      },
      variant.journal === "memory"
        ? bareRatio(bareLike(variant, faulty), bareLike(variant, fast), secondsForAll)
        : undefined,
    );
    checks.push(withFloodFloor(timed, a, b));
  }
  return checks;
}

/**
 * A fault target not met, with the least ratio any bot could have reached in that run when it is above
 * 2: the unluckiest chat's `retry_after` waits, added up, against the fault-free time.
 */
function withFloodFloor(timed: TargetCheck, faulty: RunResult, fast: RunResult): TargetCheck {
  if (timed.ratio === undefined || timed.ratio <= 2 || !usable(fast)) return timed;
  const floor = faulty.floodWaitMs / 1000 / secondsForAll(fast);
  if (floor <= 2) return timed;
  const waits = (faulty.floodWaitMs / 1000).toFixed(1);
  return {
    ...timed,
    verdict: `${timed.verdict}; out of reach: one chat was told to wait ${waits} s in all (${
      floor.toFixed(2)
    } ×)`,
  };
}
