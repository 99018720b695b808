import assert from "node:assert/strict";
import { Deadlines, deadlinesOf } from "../bot/deadlines.ts";
import { until } from "./support/until.ts";

Deno.test("Deadlines: each expires once, in the order started; one ended first never expires", async () => {
  const deadlines = new Deadlines(0.05);
  const expired: string[] = [];
  const first = deadlines.start(() => expired.push("first"));
  const ended = deadlines.start(() => expired.push("ended"));
  deadlines.end(ended);
  // Started after `ended`, so it expires after the time `ended` would have.
  const last = deadlines.start(() => expired.push("last"));
  await until(() => expired.includes("last"), 30, "the last deadline");
  assert.deepEqual(expired, ["first", "last"]);
  deadlines.end(first);
  deadlines.end(last);
});

Deno.test("Deadlines: a deadline started while the timer idles after the others ended still expires", async () => {
  const deadlines = new Deadlines(0.05);
  deadlines.end(deadlines.start(() => assert.fail("ended before it expired")));
  let expired = false;
  const again = deadlines.start(() => expired = true);
  await until(() => expired, 30, "the deadline started after an idle spell");
  deadlines.end(again);
});

Deno.test("Deadlines: with none pending, no timer keeps the process alive", async () => {
  // A process whose deadlines of 600 s all ended must exit on its own, long before they would expire.
  const module = new URL("../bot/deadlines.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { Deadlines } from "${module}";
      const deadlines = new Deadlines(600);
      const all = [1, 2, 3].map(() => deadlines.start(() => { throw new Error("expired"); }));
      for (const deadline of all) deadlines.end(deadline);`,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  try {
    await until(() => exited, 120, "the process to exit");
  } finally {
    if (!exited) child.kill("SIGKILL");
    await child.status;
  }
  assert.equal((await child.status).code, 0);
});

Deno.test("deadlinesOf: one Deadlines per length", () => {
  assert.equal(deadlinesOf(7), deadlinesOf(7));
  assert.notEqual(deadlinesOf(7), deadlinesOf(8));
});
