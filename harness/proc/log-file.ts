// Reading the log files of child processes: waiting for a line that says a server is up, and the
// tail that goes into an error message when it is not.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { lastLines } from "./run.ts";

const LOG_POLL_MS = 20;

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readRange(file: string, from: number, to: number): string {
  if (to <= from) return "";
  const buffer = Buffer.alloc(to - from);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a log file ("" when it does not exist). */
export function logTail(file: string, lines = 25): string {
  const size = fileSize(file);
  return lastLines(readRange(file, Math.max(0, size - 64 * 1024), size), lines);
}

export type LogWait =
  | { outcome: "found"; line: string }
  | { outcome: "timeout" }
  | { outcome: "stopped"; reason: string };

export interface LogWaitOptions {
  file: string;
  /** Only text written after this byte offset counts (a restart appends to the same file). */
  fromOffset: number;
  pattern: RegExp;
  timeoutMs: number;
  /** Polled while waiting; a reason string ends the wait (e.g. "the process exited"). */
  stopIf?: () => string | undefined;
}

export async function waitForLogLine(options: LogWaitOptions): Promise<LogWait> {
  const deadline = performance.now() + options.timeoutMs;
  let offset = options.fromOffset;
  let partial = "";
  for (;;) {
    const size = fileSize(options.file);
    if (size > offset) {
      const lines = (partial + readRange(options.file, offset, size)).split("\n");
      offset = size;
      partial = lines.pop() ?? "";
      const line = lines.find((candidate) => options.pattern.test(candidate));
      if (line !== undefined) return { outcome: "found", line };
    }
    const reason = options.stopIf?.();
    if (reason !== undefined) return { outcome: "stopped", reason };
    if (performance.now() >= deadline) return { outcome: "timeout" };
    // Short: a node's start-up is timed to its ready line, and a stat is cheap.
    await sleep(LOG_POLL_MS);
  }
}
