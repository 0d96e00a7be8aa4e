// Where a fetcher's log stands against the leader's (KRaft's validateOffsetAndEpoch), and how far
// a follower truncates when told it diverges. Pure functions of the two logs' epochs and offsets.
import { UNDEFINED_EPOCH, type OffsetAndEpoch, type RaftSnapshot } from "./types.ts";

/** The parts of a log the checks read. */
export interface LogPosition {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly latestSnapshot: RaftSnapshot | undefined;
  endOffsetForEpoch(epoch: number): OffsetAndEpoch;
}

export type FetchPosition =
  | { kind: "valid" }
  /** The fetcher's last entry is not in the leader's log: it truncates and fetches again. */
  | { kind: "diverging"; divergingEpoch: OffsetAndEpoch }
  /** What the fetcher wants is below the leader's log start: it fetches the snapshot. */
  | { kind: "snapshot"; snapshotId: OffsetAndEpoch };

/** The leader's check of a Fetch at fetchOffset whose entry fetchOffset-1 has lastFetchedEpoch. */
export function validateFetchPosition(leaderLog: LogPosition, fetchOffset: number, lastFetchedEpoch: number): FetchPosition {
  const snapshot = leaderLog.latestSnapshot;
  const snapshotId = snapshot ? { kind: "snapshot" as const, snapshotId: { offset: snapshot.endOffset, epoch: snapshot.epoch } } : undefined;
  if (fetchOffset < leaderLog.startOffset) return snapshotId!;
  if (fetchOffset === 0) return { kind: "valid" };
  if (snapshot && fetchOffset === snapshot.endOffset && lastFetchedEpoch === snapshot.epoch) return { kind: "valid" };
  const end = leaderLog.endOffsetForEpoch(lastFetchedEpoch);
  if (end.epoch === UNDEFINED_EPOCH && snapshotId) return snapshotId;
  if (end.epoch !== lastFetchedEpoch || fetchOffset > end.offset) return { kind: "diverging", divergingEpoch: end };
  return { kind: "valid" };
}

/** The follower's truncation point for a diverging epoch: where both logs last agree at most. */
export function truncationOffset(followerLog: LogPosition, diverging: OffsetAndEpoch): number {
  const local = followerLog.endOffsetForEpoch(diverging.epoch);
  return Math.min(diverging.offset, local.offset);
}
