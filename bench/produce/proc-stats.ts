// What a broker process cost, from Linux's /proc: peak resident memory (VmHWM) and CPU time used.
// Parsers are pure; the readers return undefined off Linux or once the process is gone.
import { readFileSync } from "node:fs";

/** VmHWM of /proc/<pid>/status in bytes: the peak resident set size since the process started. */
export function parsePeakRss(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** utime + stime of /proc/<pid>/stat in clock ticks (fields 14 and 15, counted after the command name). */
export function parseCpuTicks(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Linux's USER_HZ: /proc reports CPU times in hundredths of a second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

export function peakRssBytes(pid: number): number | undefined {
  const status = readProc(pid, "status");
  return status === undefined ? undefined : parsePeakRss(status);
}

export function cpuSeconds(pid: number): number | undefined {
  const stat = readProc(pid, "stat");
  const ticks = stat === undefined ? undefined : parseCpuTicks(stat);
  return ticks === undefined ? undefined : ticks / TICKS_PER_SECOND;
}
