// The small files beside a partition's segments: its state checkpoint (log start offset, recovery
// point, high watermark), Kafka's leader-epoch-checkpoint, and the clean-shutdown marker. Each
// is replaced atomically, so a crash leaves the old or the new version.
import { readWholeFile, writeFileAtomically, type Disk } from "../io/disk.ts";
import { formatEpochCheckpoint, parseEpochCheckpoint, type EpochEntry } from "./leader-epoch-cache.ts";

const STATE_FILE = "log-state.checkpoint";
const EPOCH_CHECKPOINT_FILE = "leader-epoch-checkpoint";
const CLEAN_SHUTDOWN_FILE = ".clean-shutdown";

export interface LogState {
  logStartOffset: number;
  /** Segments from this base offset on are scanned after an unclean shutdown; all below are durable. */
  recoveryPoint: number;
  highWatermark: number;
}

export function sameLogState(a: LogState | undefined, b: LogState): boolean {
  return a !== undefined && a.logStartOffset === b.logStartOffset && a.recoveryPoint === b.recoveryPoint && a.highWatermark === b.highWatermark;
}

export function writeLogState(disk: Disk, dir: string, s: LogState): void {
  const text = `0\nlogStartOffset ${s.logStartOffset}\nrecoveryPoint ${s.recoveryPoint}\nhighWatermark ${s.highWatermark}\n`;
  writeFileAtomically(disk, dir, STATE_FILE, Buffer.from(text));
}

/** The last state written; undefined when there is none or it is unreadable (then everything is recovered). */
export function readLogState(disk: Disk, dir: string): LogState | undefined {
  const text = readWholeFile(disk, `${dir}/${STATE_FILE}`)?.toString("utf8");
  const match = text === undefined ? null : /^0\nlogStartOffset (\d+)\nrecoveryPoint (\d+)\nhighWatermark (\d+)\n$/.exec(text);
  if (!match) return undefined;
  return { logStartOffset: Number(match[1]), recoveryPoint: Number(match[2]), highWatermark: Number(match[3]) };
}

export function writeEpochCheckpoint(disk: Disk, dir: string, entries: readonly EpochEntry[]): void {
  writeFileAtomically(disk, dir, EPOCH_CHECKPOINT_FILE, Buffer.from(formatEpochCheckpoint(entries)));
}

/** The checkpointed epochs; empty when missing or unreadable (recovery re-learns them from the batches it scans). */
export function readEpochCheckpoint(disk: Disk, dir: string): EpochEntry[] {
  const text = readWholeFile(disk, `${dir}/${EPOCH_CHECKPOINT_FILE}`)?.toString("utf8");
  return (text === undefined ? undefined : parseEpochCheckpoint(text)) ?? [];
}

export function markCleanShutdown(disk: Disk, dir: string): void {
  writeFileAtomically(disk, dir, CLEAN_SHUTDOWN_FILE, Buffer.alloc(0));
}

/** Whether the last shutdown was clean; the marker is removed, so a crash from now on is not. */
export function takeCleanShutdownMarker(disk: Disk, dir: string): boolean {
  const path = `${dir}/${CLEAN_SHUTDOWN_FILE}`;
  if (!disk.exists(path)) return false;
  disk.remove(path);
  return true;
}
