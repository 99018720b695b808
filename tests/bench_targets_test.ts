// The bench's verdicts on issue 9's targets, from results made up to sit on either side of each line.
import assert from "node:assert/strict";
import type { RunResult } from "../bench/e2e/harness.ts";
import { checkTargets } from "../bench/e2e/targets.ts";
import { modes, type Variant, VARIANTS } from "../bench/e2e/variants.ts";

const MODES = modes(10, 0.05);
const [FAST, SLOW, FAULTS] = MODES;

function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.name === name);
  assert.ok(found, `no variant ${name}`);
  return found;
}

function run(
  name: string,
  mode: typeof FAST,
  updatesPerSecond: number,
  extra: Partial<RunResult> = {},
): RunResult {
  return {
    variant: variant(name),
    mode,
    outcome: "ok",
    updates: 20_000,
    answered: 20_000,
    seconds: 20_000 / updatesPerSecond,
    updatesPerSecond,
    cpuMsPer1k: 100,
    peakRssMiB: 100,
    duplicates: 0,
    outOfOrder: 0,
    wrong: 0,
    faults: 0,
    floodWaitMs: 0,
    polls: 0,
    polled: 0,
    ...extra,
  };
}

function verdict(checks: ReturnType<typeof checkTargets>, what: string): string {
  const found = checks.find((c) => c.what === what);
  assert.ok(found, `no target ${what} in ${checks.map((c) => c.what).join(" | ")}`);
  return found.verdict;
}

Deno.test("bench targets: a memory webhook is held against Telegraf polling and Telegraf's webhook; a miss the bare webhook shares says so", () => {
  const ours = "telepot plain, webhook, memory";
  const checks = checkTargets([
    run(ours, FAST, 10_500),
    run("Telegraf 4.16.3", FAST, 10_000),
    run("Telegraf 4.16.3, webhook", FAST, 9_000),
    run("bare webhook (Deno.serve)", FAST, 10_800),
    run(ours, SLOW, 6_000),
    run("Telegraf 4.16.3", SLOW, 3_000),
  ], MODES);
  assert.equal(
    verdict(checks, `${ours} ÷ Telegraf, 0 ms: updates/s`),
    "not met; the bare webhook (Deno.serve) itself makes 1.08",
  );
  assert.equal(verdict(checks, `${ours} ÷ Telegraf's webhook, 0 ms: updates/s`), "met");
  assert.equal(verdict(checks, `${ours} ÷ Telegraf, 10 ms: updates/s`), "met");
  assert.ok(
    !checks.some((c) => c.what === `${ours} ÷ Telegraf's webhook, 10 ms: updates/s`),
    "no run, no target",
  );
});

Deno.test("bench targets: a SQLite poller against the bare loop only, in rate and in CPU", () => {
  const ours = "telepot plain, polling, sqlite";
  const checks = checkTargets([
    run(ours, FAST, 9_500, { cpuMsPer1k: 140 }),
    run("bare fetch loop (Deno)", FAST, 10_000, { cpuMsPer1k: 100 }),
    run("bare webhook (Deno.serve)", FAST, 8_000),
  ], MODES);
  assert.deepEqual(checks.map((c) => [c.what, c.verdict]), [
    [`${ours} ÷ bare loop, 0 ms: updates/s`, "met"],
    [`${ours} ÷ bare loop, 0 ms: CPU per update`, "not met"],
  ]);
});

Deno.test("bench targets: under faults a chat told to wait longer than twice the fault-free time puts the target out of reach", () => {
  const ours = "telepot plain, polling, sqlite";
  const fault = (floodWaitMs: number) =>
    checkTargets([run(ours, FAST, 10_000), run(ours, FAULTS, 2_000, { floodWaitMs })], MODES)[0];
  // Fault-free: 2 s; with faults: 10 s, 5 ×.
  assert.equal(fault(3_000).verdict, "not met");
  assert.equal(
    fault(5_000).verdict,
    "not met; out of reach: one chat was told to wait 5.0 s in all (2.50 ×)",
  );
  assert.equal(fault(5_000).ratio, 5);
});

Deno.test("bench targets: our bot over fetch is shown beside the default but held to no target", () => {
  const overFetch = "telepot plain, polling, sqlite, over fetch";
  const pooled = "telepot plain, polling, sqlite";
  const checks = checkTargets([
    run(overFetch, FAST, 5_000),
    run(pooled, FAST, 10_000),
    run("bare fetch loop (Deno)", FAST, 10_000),
  ], MODES);
  assert.ok(checks.some((c) => c.what.startsWith(`${pooled} ÷`)));
  assert.deepEqual(checks.filter((c) => c.what.includes(overFetch)), []);
});

Deno.test("bench targets: the pooled bare webhook is held to no target and is no baseline", () => {
  const ours = "telepot plain, webhook, sqlite";
  const pooledBare = "bare webhook (Deno.serve), pooled";
  const checks = checkTargets([
    run(ours, FAST, 9_000),
    run("bare fetch loop (Deno)", FAST, 10_000),
    run(pooledBare, FAST, 30_000),
    run("bare webhook (Deno.serve)", FAST, 9_500),
  ], MODES);
  assert.deepEqual(checks.filter((c) => c.what.includes(pooledBare)), []);
  const webhookRate = checks.find((c) => c.what === `${ours} ÷ bare webhook, 0 ms: updates/s`);
  assert.ok(webhookRate);
  assert.equal(webhookRate.ratio, 9_000 / 9_500);
  assert.equal(webhookRate.verdict, "met");
});
