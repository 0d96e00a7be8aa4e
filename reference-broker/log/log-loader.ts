// Opening a partition directory (Kafka's LogLoader): find the segments, trust those the recovery
// point says are durable, scan the rest batch by batch and cut a torn or corrupt tail, keep the
// segments contiguous, and reconcile the checkpoints with what is really on disk.
import type { Disk } from "../io/disk.ts";
import { LeaderEpochCache } from "./leader-epoch-cache.ts";
import {
  readEpochCheckpoint,
  readLogState,
  takeCleanShutdownMarker,
  writeEpochCheckpoint,
  type LogState,
} from "./log-checkpoints.ts";
import type { LogConfig } from "./log-config.ts";
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, LogSegment, segmentFileName, TIME_INDEX_FILE_SUFFIX } from "./log-segment.ts";

const SEGMENT_FILE_NAME = /^(\d{20})\.(log|index|timeindex)$/;

export interface LoadContext {
  dir: string;
  disk: Disk;
  config: LogConfig;
  nowMs: number;
  /** "topic-partition", for log lines. */
  name: string;
  logLine: (line: string) => void;
}

export interface LoadedLog {
  /** Contiguous, oldest first, at least one; every one but the last is durable with its indexes. */
  segments: LogSegment[];
  epochCache: LeaderEpochCache;
  logStartOffset: number;
  highWatermark: number;
  /** The state file as read, so the log rewrites it only when something changed. */
  persistedState: LogState | undefined;
  /** A segment file was created, so the directory needs a sync before its data counts as durable. */
  createdSegment: boolean;
}

export function loadLog(ctx: LoadContext): LoadedLog {
  const { dir, disk, name, logLine } = ctx;
  disk.mkdirs(dir);
  const names = disk.list(dir);
  for (const file of names) if (file.endsWith(".tmp")) disk.remove(`${dir}/${file}`);
  const cleanShutdown = takeCleanShutdownMarker(disk, dir);
  const state = readLogState(disk, dir);
  const recoveryPoint = state?.recoveryPoint ?? 0;
  const epochCache = new LeaderEpochCache(readEpochCheckpoint(disk, dir), (entries) => writeEpochCheckpoint(disk, dir, entries));

  const bases = segmentBaseOffsets(disk, dir, names);
  const segments: LogSegment[] = [];
  let discardFrom: number | undefined;
  bases.forEach((base, i) => {
    const segment = LogSegment.open(disk, dir, base, ctx.config, ctx.nowMs);
    const previous = segments[segments.length - 1];
    // Segments always start where the previous one ends; a gap or overlap means the previous one
    // lost its tail in the crash, and what follows cannot be kept without a hole.
    if (discardFrom !== undefined || (previous && base !== previous.nextOffset)) {
      discardFrom ??= base;
      segment.delete();
      return;
    }
    const nextBase = bases[i + 1] ?? Number.POSITIVE_INFINITY;
    const trusted = cleanShutdown || nextBase <= recoveryPoint;
    if (!trusted || !segment.loadIndexes()) {
      const truncated = segment.recover((batch) => {
        const latest = epochCache.latestEntry();
        if (batch.partitionLeaderEpoch >= 0 && (!latest || batch.partitionLeaderEpoch > latest.epoch)) {
          epochCache.assign(batch.partitionLeaderEpoch, batch.baseOffset);
        }
      });
      if (truncated > 0) {
        logLine(`${name}: recovery truncated ${truncated} bytes of segment ${base} at offset ${segment.nextOffset} (torn or corrupt tail)`);
        discardFrom = bases[i + 1];
      }
    }
    segments.push(segment);
  });
  if (discardFrom !== undefined) {
    logLine(`${name}: recovery discarded the segments from offset ${discardFrom} on, which followed a truncated one`);
    disk.syncDir(dir);
  }

  const checkpointedStart = state?.logStartOffset ?? 0;
  const recoveredEnd = segments[segments.length - 1]?.nextOffset;
  if (recoveredEnd !== undefined && recoveredEnd < checkpointedStart) {
    // Unsynced data lost in the crash ended below a log start offset that was made durable: start
    // empty at that offset rather than hand out offsets below it again (as Kafka does).
    logLine(`${name}: recovered log ends at ${recoveredEnd}, below the log start offset ${checkpointedStart}; deleting all segments`);
    for (const segment of segments.splice(0)) segment.delete();
    epochCache.clear();
  }
  const createdSegment = segments.length === 0;
  if (createdSegment) segments.push(LogSegment.create(disk, dir, checkpointedStart, ctx.config, ctx.nowMs));

  const active = segments[segments.length - 1];
  // Recovered segments before the active one get their indexes written and synced now, so the
  // recovery point can move past them.
  for (const segment of segments) {
    if (segment !== active && !segment.durable) {
      segment.persistIndexes();
      segment.sync();
      segment.durable = true;
    }
  }
  const logEndOffset = active.nextOffset;
  const logStartOffset = Math.min(Math.max(checkpointedStart, segments[0].baseOffset), logEndOffset);
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);
  return {
    segments,
    epochCache,
    logStartOffset,
    highWatermark: Math.max(logStartOffset, Math.min(state?.highWatermark ?? 0, logEndOffset)),
    persistedState: state,
    createdSegment,
  };
}

/** Base offsets of the segment files, ascending; index files whose log file is gone are removed. */
function segmentBaseOffsets(disk: Disk, dir: string, names: readonly string[]): number[] {
  const all = new Set<number>();
  const withLog = new Set<number>();
  for (const file of names) {
    const match = SEGMENT_FILE_NAME.exec(file);
    if (!match) continue;
    all.add(Number(match[1]));
    if (`.${match[2]}` === LOG_FILE_SUFFIX) withLog.add(Number(match[1]));
  }
  for (const base of all) {
    if (withLog.has(base)) continue;
    // Left over from a segment deletion that crashed half-way (the log file goes first).
    for (const suffix of [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) disk.remove(`${dir}/${segmentFileName(base, suffix)}`);
  }
  return [...withLog].sort((a, b) => a - b);
}
