/**
 * `deno task bench:e2e`: echo bots side by side against one loopback Bot API server, each bot in its
 * own process, under three modes (no latency, API latency, injected sendMessage faults); prints the
 * runs and issue 9's targets as ratios measured in this same run. Flags: see `--help`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BenchServer, type RunResult, runVariant } from "./harness.ts";
import { summarize } from "./profile.ts";
import { hotSpotTable, runTable, targetTable } from "./table.ts";
import { checkTargets } from "./targets.ts";
import { modes, VARIANTS } from "./variants.ts";

const HELP = `deno task bench:e2e [flags]
  --updates N        updates per run (default 20000)
  --chats N          chats they are spread over (default 1000)
  --latency MS       API latency of the latency mode, milliseconds (default 10)
  --fault-rate R     share of sendMessage calls failed in the fault mode (default 0.05)
  --retry-after S    retry_after of an injected 429 (default 1)
  --time-limit S     cut a run after S seconds and measure it as it stands (default 15)
  --only TEXT        only variants whose name contains TEXT (case-insensitive); repeatable
  --modes A,B        only these modes: fast, latency, faults (default all three)
  --profile DIR      take a CPU profile of each of our bots' runs, write DIR/*.cpuprofile, print hot spots
                     (the figures of profiled runs include the profiler's own cost)
  --json FILE        also write the results as JSON`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    updates: { type: "string", default: "20000" },
    chats: { type: "string", default: "1000" },
    latency: { type: "string", default: "10" },
    "fault-rate": { type: "string", default: "0.05" },
    "retry-after": { type: "string", default: "1" },
    "time-limit": { type: "string", default: "15" },
    only: { type: "string", multiple: true },
    modes: { type: "string", default: "fast,latency,faults" },
    profile: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}

function numberFlag(name: string, text: string, valid: (n: number) => boolean, what: string): number {
  const n = Number(text);
  if (text.trim() === "" || !valid(n)) {
    console.error(`--${name} takes ${what}, not ${JSON.stringify(text)}\n\n${HELP}`);
    Deno.exit(2);
  }
  return n;
}
const count = (name: string, text: string) =>
  numberFlag(name, text, (n) => Number.isInteger(n) && n >= 1, "a whole number ≥ 1");

const settings = {
  updates: count("updates", values.updates),
  chats: count("chats", values.chats),
  retryAfter: numberFlag(
    "retry-after",
    values["retry-after"],
    (n) => Number.isInteger(n) && n >= 0,
    "whole seconds",
  ),
  timeLimit: numberFlag(
    "time-limit",
    values["time-limit"],
    (n) => Number.isFinite(n) && n > 0,
    "seconds > 0",
  ),
  startLimit: 120,
};
const allModes = modes(
  numberFlag("latency", values.latency, (n) => Number.isFinite(n) && n >= 0, "milliseconds ≥ 0"),
  numberFlag("fault-rate", values["fault-rate"], (n) => n >= 0 && n <= 1, "a share from 0 to 1"),
);
const modeKeys = ["fast", "latency", "faults"];
const wanted = values.modes.split(",").map((m) => m.trim());
for (const key of wanted) {
  if (!modeKeys.includes(key)) {
    console.error(`--modes takes fast, latency, faults; not ${JSON.stringify(key)}`);
    Deno.exit(2);
  }
}
const runModes = allModes.filter((_, i) => wanted.includes(modeKeys[i]));
const only = values.only?.map((s) => s.toLowerCase());
const variants = VARIANTS.filter((v) =>
  only === undefined || only.some((o) => v.name.toLowerCase().includes(o))
);
if (values.profile) await Deno.mkdir(values.profile, { recursive: true });

console.log(
  `bench:e2e: ${settings.updates} updates over ${settings.chats} chats per run; ${variants.length} bots × `
    + `${runModes.map((m) => m.name).join(", ")}; runs cut at ${settings.timeLimit} s`,
);
const server = await BenchServer.start();
const results: RunResult[] = [];
const profiles: string[] = [];
try {
  for (const mode of runModes) {
    for (const variant of variants) {
      const profile = values.profile !== undefined && variant.journal !== undefined;
      const r = await runVariant(server, variant, mode, settings, { profile });
      results.push(r);
      const figure = r.outcome === "n/a" || r.outcome === "failed"
        ? `${r.outcome} (${r.reason})`
        : `${Math.round(r.updatesPerSecond)} updates/s, ${r.cpuMsPer1k.toFixed(0)} CPU ms/1k, ${
          r.peakRssMiB.toFixed(0)
        } MiB${r.outcome === "cut" ? `, cut with ${r.answered} answered` : ""}`;
      console.log(`  ${mode.name.padEnd(12)} ${variant.name.padEnd(36)} ${figure}`);
      if (r.profile && values.profile) {
        const file = `${values.profile}/${variant.name}, ${mode.name}.cpuprofile`.replaceAll(/[ ,%]+/g, "-");
        await Deno.writeTextFile(file, JSON.stringify(r.profile));
        const spots = summarize(r.profile);
        profiles.push(
          `CPU profile: ${variant.name}, ${mode.name} (${file}); idle ${spots.idlePercent.toFixed(0)} % `
            + `of the time, the shares below are of the busy time\n\n`
            + hotSpotTable("area", spots.areas) + "\n\n"
            + hotSpotTable("function (self time)", spots.functions) + "\n\n"
            + hotSpotTable("file (self time)", spots.files),
        );
      }
    }
  }
} finally {
  await server.close();
}

console.log(`\n${runTable(results)}\n`);
console.log(`${targetTable(checkTargets(results, allModes))}\n`);
for (const p of profiles) console.log(`${p}\n`);
if (values.json) {
  await Deno.writeTextFile(
    values.json,
    JSON.stringify(
      results.map(({ profile: _, variant, mode, ...r }) => ({
        variant: variant.name,
        mode: mode.name,
        ...r,
      })),
      null,
      2,
    ),
  );
}
