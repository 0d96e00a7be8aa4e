// Where a follower cuts its log when the leader says their histories diverged (Kafka's
// getOffsetTruncationState): the leader names the largest epoch it has at or below the follower's
// last one and where that epoch ends; the follower keeps what both logs agree on. Pure.
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from "../log/leader-epoch-cache.ts";

export interface EpochEndOffset {
  leaderEpoch: number;
  endOffset: number;
}

export interface OffsetTruncationState {
  offset: number;
  /**
   * False when the leader named an epoch this follower never saw: it cut to the end of its own
   * largest earlier epoch and must ask again (the next fetch does, with its new last epoch).
   */
  truncationCompleted: boolean;
}

export interface FollowerLogView {
  readonly logEndOffset: number;
  /** Where the fetch would have started: the follower's high watermark for a log without epochs. */
  readonly fetchOffset: number;
  /** The largest local epoch <= epoch and where it ends; -1/-1 when unknown (the log's endOffsetForEpoch). */
  endOffsetForEpoch(epoch: number): EpochEndOffset;
}

export function offsetTruncationState(leader: EpochEndOffset, follower: FollowerLogView): OffsetTruncationState {
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET) return { offset: follower.fetchOffset, truncationCompleted: true };
  if (leader.leaderEpoch === UNDEFINED_EPOCH) return { offset: Math.min(leader.endOffset, follower.logEndOffset), truncationCompleted: true };
  const local = follower.endOffsetForEpoch(leader.leaderEpoch);
  // The follower has no epoch that old: the leader's end offset is all there is to go by.
  if (local.endOffset === UNDEFINED_EPOCH_OFFSET) return { offset: Math.min(leader.endOffset, follower.logEndOffset), truncationCompleted: true };
  if (local.leaderEpoch !== leader.leaderEpoch) return { offset: Math.min(local.endOffset, follower.logEndOffset), truncationCompleted: false };
  return { offset: Math.min(local.endOffset, leader.endOffset, follower.logEndOffset), truncationCompleted: true };
}
