// The leadership checker on doctored observations: two leaders in one epoch, a partition listed
// twice, and a non-leader that accepted a Produce are all reported.
import { describe, expect, it } from "vitest";
import { leadershipViolations, type LeaderObservation, type NonLeaderProbe } from "./one-leader-per-partition.ts";

const seen = (broker: number, sample: number, leader: number, leaderEpoch: number, partition = 0): LeaderObservation => ({ broker, sample, partitions: [{ partition, leader, leaderEpoch }] });
const refused: NonLeaderProbe = { broker: 2, partition: 0, leader: 1, leaderEpoch: 0, errorCode: 6, baseOffset: -1 };

describe("leadershipViolations", () => {
  it("accepts a failover: a new leader in a new epoch, non-leaders refusing", () => {
    expect(leadershipViolations([seen(1, 0, 1, 0), seen(2, 1, 1, 0), seen(2, 2, 2, 1), seen(3, 3, 2, 1), seen(3, 4, -1, -1)], [refused])).toEqual([]);
  });

  it("reports two leaders named for one leader epoch", () => {
    expect(leadershipViolations([seen(1, 0, 1, 4), seen(2, 1, 2, 4)], []).join("\n")).toMatch(/partition 0 has 2 leaders in leader epoch 4: 1 according to broker 1 \(sample 0\), 2 according to broker 2 \(sample 1\)/);
  });

  it("reports a partition listed twice in one answer", () => {
    const twice: LeaderObservation = { broker: 1, sample: 0, partitions: [{ partition: 0, leader: 1, leaderEpoch: 0 }, { partition: 0, leader: 1, leaderEpoch: 0 }] };
    expect(leadershipViolations([twice], []).join("\n")).toMatch(/lists partition 0 twice/);
  });

  it("reports a non-leader that accepted a Produce, or refused it with another error", () => {
    const text = leadershipViolations([], [{ ...refused, errorCode: 0, baseOffset: 12 }, { ...refused, errorCode: 3 }]).join("\n");
    expect(text).toMatch(/broker 2 named broker 1 leader of partition 0 \(epoch 0\) .* accepted it at offset 12 instead of NOT_LEADER_OR_FOLLOWER/);
    expect(text).toMatch(/refused it with error code 3/);
  });
});
