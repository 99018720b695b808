/**
 * The bench's printed report: one Markdown table of runs, one of targets, and CPU hot spots.
 *
 * @module
 */
import type { RunResult } from "./harness.ts";
import type { HotSpot } from "./profile.ts";
import type { TargetCheck } from "./targets.ts";

function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const whole = (n: number) => Math.round(n).toLocaleString("en-US");

/** The table of runs: updates/s, CPU ms per 1k updates, peak RSS, and what the server checked. */
export function runTable(results: readonly RunResult[]): string {
  const rows = results.map((r) => {
    if (r.outcome === "n/a" || (r.outcome === "failed" && r.answered === 0)) {
      return [r.variant.name, r.mode.name, r.outcome, "", "", r.reason ?? "", "", ""];
    }
    const answered = r.outcome === "ok"
      ? whole(r.answered)
      : `${whole(r.answered)} of ${whole(r.updates)}, ${
        r.outcome === "cut" ? `cut at ${r.seconds.toFixed(0)} s` : `failed: ${r.reason}`
      }`;
    const issues = [
      r.duplicates ? `${r.duplicates} dup` : "",
      r.outOfOrder ? `${r.outOfOrder} out of order` : "",
      r.wrong ? `${r.wrong} wrong` : "",
    ].filter(Boolean).join(", ") || "ok";
    return [
      r.variant.name,
      r.mode.name,
      whole(r.updatesPerSecond),
      r.cpuMsPer1k.toFixed(0),
      r.peakRssMiB.toFixed(0),
      answered,
      issues,
      r.polls === 0 ? "" : `${whole(r.polls)} (${(r.polled / r.polls).toFixed(0)} updates each)`,
    ];
  });
  return markdown(
    [
      "bot",
      "mode",
      "updates/s",
      "CPU ms / 1k updates",
      "peak RSS MiB",
      "answered",
      "replies",
      "getUpdates calls",
    ],
    rows,
  );
}

/** The table of targets. */
export function targetTable(checks: readonly TargetCheck[]): string {
  return markdown(
    ["target", "ratio", "need", "verdict"],
    checks.map((c) => [c.what, c.ratio === undefined ? "" : c.ratio.toFixed(2), c.need, c.verdict]),
  );
}

/** Hot spots of one profile. */
export function hotSpotTable(title: string, spots: readonly HotSpot[]): string {
  return markdown([title, "self %"], spots.map((s) => [s.where, s.percent.toFixed(1)]));
}
