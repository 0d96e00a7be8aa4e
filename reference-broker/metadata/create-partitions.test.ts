// CreatePartitions decisions: only increases, the topic's replication factor kept, new partitions
// spread over live brokers like CreateTopics spreads them, explicit assignments checked with
// Kafka's messages.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planCreatePartitions } from "./create-partitions.ts";
import { applyAll, clusterOf, withTopic } from "./test-images.ts";

describe("CreatePartitions decisions", () => {
  it("adds partitions after the existing ones with the topic's replication factor, all in sync", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (brokers, rfSeed, initial, extra) => {
        const rf = Math.min(rfSeed, brokers);
        const image = withTopic(clusterOf(brokers), "t", initial, rf);
        const decision = planCreatePartitions(image, { name: "t", count: initial + extra, assignments: null });
        if (!decision.ok) throw new Error(decision.message ?? decision.error);
        applyAll(image, decision.records);
        const partitions = image.topicsByName.get("t")!.partitions;
        expect(partitions.map((p) => p.partition)).toEqual([...Array(initial + extra).keys()]);
        for (const p of partitions.slice(initial)) {
          expect(new Set(p.replicas).size).toBe(rf);
          expect(p.isr).toEqual(p.replicas);
          expect(p.leader).toBe(p.replicas[0]);
        }
        // Leaders keep rotating over the brokers: no broker leads more than its share, rounded up.
        const leads = new Map<number, number>();
        for (const p of partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
        for (const count of leads.values()) expect(count).toBeLessThanOrEqual(Math.ceil((initial + extra) / brokers));
      }),
      { numRuns: 60 },
    );
  });

  it("refuses the same count and a decrease with INVALID_PARTITIONS, and an unknown topic without a message", () => {
    const image = withTopic(clusterOf(3), "t", 3, 1);
    expect(planCreatePartitions(image, { name: "t", count: 3, assignments: null })).toEqual({ ok: false, error: "INVALID_PARTITIONS", message: "Topic already has 3 partition(s)." });
    expect(planCreatePartitions(image, { name: "t", count: 2, assignments: null })).toEqual({
      ok: false,
      error: "INVALID_PARTITIONS",
      message: "The topic t currently has 3 partition(s); 2 would not be an increase.",
    });
    expect(planCreatePartitions(image, { name: "nope", count: 5, assignments: null })).toEqual({ ok: false, error: "UNKNOWN_TOPIC_OR_PARTITION", message: null });
  });

  it("takes explicit assignments, and refuses ones Kafka refuses", () => {
    const image = withTopic(clusterOf(3), "t", 1, 2);
    const ok = planCreatePartitions(image, { name: "t", count: 3, assignments: [[3, 1], [2, 3]] });
    expect(ok.ok && ok.records).toEqual([
      { type: "partition", topicId: "id-t", partition: 1, replicas: [3, 1], isr: [3, 1], leader: 3 },
      { type: "partition", topicId: "id-t", partition: 2, replicas: [2, 3], isr: [2, 3], leader: 2 },
    ]);
    const refused = (assignments: number[][], count = 2) => {
      const decision = planCreatePartitions(image, { name: "t", count, assignments });
      return decision.ok ? "accepted" : `${decision.error}: ${decision.message}`;
    };
    expect(refused([[1, 2]], 3)).toBe("INVALID_REPLICA_ASSIGNMENT: Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
    expect(refused([[1, 9]])).toBe("INVALID_REPLICA_ASSIGNMENT: The manual partition assignment includes broker 9, but no such broker is registered.");
    expect(refused([[2, 2]])).toBe("INVALID_REPLICA_ASSIGNMENT: The manual partition assignment includes the broker 2 more than once.");
    expect(refused([[1, 2, 3]])).toContain("not consistent with previous partitions, which have 2 replica(s)");
    expect(refused([[]])).toBe("INVALID_REPLICA_ASSIGNMENT: The manual partition assignment includes an empty replica list.");
    image.apply({ type: "fence-broker", brokerId: 1 });
    image.apply({ type: "fence-broker", brokerId: 2 });
    expect(refused([[1, 2]])).toContain("are fenced or in controlled shutdown");
  });

  it("refuses automatic placement when fewer brokers are live than the replication factor", () => {
    const image = withTopic(clusterOf(3), "t", 1, 3);
    image.apply({ type: "fence-broker", brokerId: 2 });
    const decision = planCreatePartitions(image, { name: "t", count: 2, assignments: null });
    expect(decision).toMatchObject({ ok: false, error: "INVALID_REPLICATION_FACTOR" });
  });
});
