/**
 * CPU time and peak memory of another process, read from Linux's /proc.
 *
 * @module
 */

// Linux reports CPU times in clock ticks of 1/100 s on every common architecture (USER_HZ).
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system, all threads) `pid` has used so far, or `undefined` once it is gone. */
export function cpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * Resident memory of `pid` in KiB, from /proc/<pid>/status: `VmRSS` now, `VmHWM` its peak; `undefined`
 * once the process is gone.
 */
export function memoryKiB(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  let status: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return undefined;
  }
  const line = status.split("\n").find((l) => l.startsWith(`${field}:`));
  return line === undefined ? undefined : Number(line.split(/\s+/)[1]);
}

/** Peak resident set size of `pid` (VmHWM) in MiB, or `undefined` once it is gone. */
export function peakRssMiB(pid: number): number | undefined {
  const kib = memoryKiB(pid, "VmHWM");
  return kib === undefined ? undefined : kib / 1024;
}
