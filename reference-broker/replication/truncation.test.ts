// Where a follower cuts its log, given the leader's end offset for the follower's last epoch:
// Kafka's getOffsetTruncationState, case by case.
import { describe, expect, it } from "vitest";
import { offsetTruncationState, type EpochEndOffset, type FollowerLogView } from "./truncation.ts";

/** A follower log with epochs starting at the given offsets (sorted by epoch) and a log end. */
function follower(epochs: [epoch: number, startOffset: number][], logEndOffset: number, fetchOffset = logEndOffset): FollowerLogView {
  return {
    logEndOffset,
    fetchOffset,
    endOffsetForEpoch(requested: number): EpochEndOffset {
      const floor = epochs.filter(([epoch]) => epoch <= requested).pop();
      const higher = epochs.find(([epoch]) => epoch > requested);
      if (!floor) return higher ? { leaderEpoch: requested, endOffset: higher[1] } : { leaderEpoch: -1, endOffset: -1 };
      return { leaderEpoch: floor[0], endOffset: higher ? higher[1] : logEndOffset };
    },
  };
}

describe("offset truncation state", () => {
  it("cuts to the leader's end of the shared epoch when the follower wrote more in it", () => {
    expect(offsetTruncationState({ leaderEpoch: 3, endOffset: 7 }, follower([[1, 0], [3, 5]], 10))).toEqual({ offset: 7, truncationCompleted: true });
  });

  it("cuts to the follower's own end of the epoch when that comes first", () => {
    expect(offsetTruncationState({ leaderEpoch: 1, endOffset: 9 }, follower([[1, 0], [3, 5]], 10))).toEqual({ offset: 5, truncationCompleted: true });
  });

  it("cuts to the end of the follower's largest earlier epoch and asks again when the leader named an epoch the follower never had", () => {
    expect(offsetTruncationState({ leaderEpoch: 2, endOffset: 8 }, follower([[1, 0], [3, 5]], 10))).toEqual({ offset: 5, truncationCompleted: false });
  });

  it("takes the leader's offset when the follower has no epoch that old", () => {
    expect(offsetTruncationState({ leaderEpoch: 0, endOffset: 4 }, follower([], 10))).toEqual({ offset: 4, truncationCompleted: true });
  });

  it("takes the leader's offset, capped at the log end, when the leader gives no epoch", () => {
    expect(offsetTruncationState({ leaderEpoch: -1, endOffset: 40 }, follower([[1, 0]], 10))).toEqual({ offset: 10, truncationCompleted: true });
  });

  it("falls back to the fetch offset (the high watermark) when the leader knows no end offset", () => {
    expect(offsetTruncationState({ leaderEpoch: -1, endOffset: -1 }, follower([[1, 0]], 10, 6))).toEqual({ offset: 6, truncationCompleted: true });
  });
});
