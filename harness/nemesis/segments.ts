// Where a node keeps a partition's log segments (Kafka's layout: <log dir>/<topic>-<partition>/
// <20-digit base offset>.log), and which segment is the newest. Pure apart from listing a directory.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const SEGMENT = /^(\d{20})\.log$/;

/** The newest segment file (highest base offset) of a partition, or undefined when there is none. */
export function newestSegment(dataDir: string, topic: string, partition: number): string | undefined {
  const dir = join(dataDir, `${topic}-${partition}`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const segments = names.filter((name) => SEGMENT.test(name)).sort();
  const newest = segments[segments.length - 1];
  return newest === undefined ? undefined : join(dir, newest);
}

/** The new length of a file of `size` bytes after cutting `bytes` off its tail (never below 0). */
export function truncatedLength(size: number, bytes: number): number {
  return Math.max(0, size - Math.max(0, Math.floor(bytes)));
}
