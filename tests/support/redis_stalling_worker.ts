// A Redis worker journal in a process of its own that stalls: handed the update whose text is "stall",
// it blocks its event loop synchronously (as a long GC pause or a handler that never yields would),
// right in the reader's turn that read it, until the file `resume` exists. It handles nothing.
// Appends to `out`: `C <consumer>` once listening, `P <count>` whenever the number of partitions it
// holds changes, `S` as the stall begins and `R` as it ends.
import { redisJournal } from "../../redis/mod.ts";

/** What the process is told. */
export interface StallingConfig {
  readonly url: string;
  readonly name: string;
  readonly partitions: number;
  readonly leaseSeconds: number;
  readonly out: string;
  readonly resume: string;
}

const config: StallingConfig = JSON.parse(Deno.args[0]);
const out = Deno.openSync(config.out, { append: true, create: true });
const encoder = new TextEncoder();

function write(line: string): void {
  out.writeSync(encoder.encode(line + "\n"));
}

function resumed(): boolean {
  try {
    Deno.statSync(config.resume);
    return true;
  } catch {
    return false;
  }
}

const journal = redisJournal(config);
await journal.open();
let stalled = false;
journal.listen((records) => {
  if (stalled || !records.some((r) => r.update.message?.text === "stall")) return;
  stalled = true;
  write("S");
  // Blocked, without burning a core: no timer, no reply, no renewal runs meanwhile.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!resumed()) Atomics.wait(cell, 0, 0, 5);
  write("R");
});
write(`C ${journal.consumer}`);
let held = -1;
setInterval(() => {
  const now = journal.partitions.length;
  if (now !== held) write(`P ${held = now}`);
}, 20);
