// ElectLeaders decisions: PREFERRED moves leadership back to the first replica when it is live and
// in sync; UNCLEAN only acts on leaderless partitions, whatever the topic's config; the answers
// carry Kafka's error for each partition, and "all partitions" leaves out those needing nothing.
import { describe, expect, it } from "vitest";
import { planBrokerFenced, planBrokerUnfenced } from "./controller-logic.ts";
import { ElectionType, planElectLeaders } from "./elect-leaders.ts";
import { NO_LEADER } from "./records.ts";
import { applyAll, clusterOf, withTopic } from "./test-images.ts";

function commitPlan(image: ReturnType<typeof clusterOf>, plan: ReturnType<typeof planBrokerFenced>): void {
  if (!plan.ok) throw new Error(plan.message);
  applyAll(image, plan.records);
}

describe("PREFERRED elections", () => {
  it("moves leadership back to the preferred replica once it is back in the ISR", () => {
    const image = withTopic(clusterOf(2), "t", 2, 2);
    commitPlan(image, planBrokerFenced(image, 1, () => false));
    commitPlan(image, planBrokerUnfenced(image, 1, () => false));
    // Broker 1 is live but out of the ISR of partition 0 until it catches up.
    expect(planElectLeaders(image, ElectionType.PREFERRED, [{ topic: "t", partitions: [0] }]).results[0].partitionResult).toEqual([
      { partitionId: 0, error: "PREFERRED_LEADER_NOT_AVAILABLE", message: "The preferred leader was not available." },
    ]);
    applyAll(image, [{ type: "partition-change", topicId: "id-t", partition: 0, isr: [2, 1] }]);
    const decision = planElectLeaders(image, ElectionType.PREFERRED, [{ topic: "t", partitions: [0, 1, 7] }, { topic: "gone", partitions: [0] }]);
    expect(decision.records).toEqual([{ type: "partition-change", topicId: "id-t", partition: 0, leader: 1 }]);
    expect(decision.results).toEqual([
      {
        topic: "t",
        partitionResult: [
          { partitionId: 0, error: "NONE", message: null },
          { partitionId: 1, error: "ELECTION_NOT_NEEDED", message: "Leader election not needed for topic partition." },
          { partitionId: 7, error: "UNKNOWN_TOPIC_OR_PARTITION", message: "No such partition as t-7" },
        ],
      },
      { topic: "gone", partitionResult: [{ partitionId: 0, error: "UNKNOWN_TOPIC_OR_PARTITION", message: "No such topic as gone" }] },
    ]);
  });

  it("for all partitions, answers only those where something was done or refused", () => {
    const image = withTopic(clusterOf(2), "t", 2, 2);
    const decision = planElectLeaders(image, ElectionType.PREFERRED, null);
    expect(decision).toEqual({ records: [], results: [{ topic: "t", partitionResult: [] }] });
  });
});

describe("UNCLEAN elections", () => {
  it("gives a leaderless partition its live out-of-sync replica even with unclean election disabled", () => {
    const image = withTopic(clusterOf(2), "t", 1, 2);
    applyAll(image, [{ type: "partition-change", topicId: "id-t", partition: 0, isr: [1] }]);
    commitPlan(image, planBrokerFenced(image, 1, () => false));
    expect(image.partition("t", 0)?.leader).toBe(NO_LEADER);
    const decision = planElectLeaders(image, ElectionType.UNCLEAN, [{ topic: "t", partitions: [0] }]);
    expect(decision.records).toEqual([{ type: "partition-change", topicId: "id-t", partition: 0, leader: 2, isr: [2] }]);
    applyAll(image, decision.records);
    expect(planElectLeaders(image, ElectionType.UNCLEAN, [{ topic: "t", partitions: [0] }]).results[0].partitionResult[0].error).toBe("ELECTION_NOT_NEEDED");
  });

  it("answers ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live", () => {
    const image = withTopic(clusterOf(1), "t", 1, 1);
    commitPlan(image, planBrokerFenced(image, 1, () => false));
    const decision = planElectLeaders(image, ElectionType.UNCLEAN, [{ topic: "t", partitions: [0] }]);
    expect(decision.records).toEqual([]);
    expect(decision.results[0].partitionResult[0].error).toBe("ELIGIBLE_LEADERS_NOT_AVAILABLE");
  });
});
