// Tests of the metadata image and the controller's decisions: topic creation rules, placement,
// elections on fencing (clean and unclean), ISR changes and preferred-leader election.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MetadataImage } from "./image.ts";
import { NO_LEADER, type MetadataRecord } from "./records.ts";
import {
  planAlterPartition,
  planBrokerFenced,
  planBrokerUnfenced,
  planCreateTopic,
  planDeleteTopic,
  planPreferredLeaderElection,
  planUncleanElections,
  type Plan,
} from "./controller-logic.ts";
import { configValue, effectiveTopicConfig, topicConfigProblem } from "./topic-config.ts";
import { topicNameProblem } from "./topic-names.ts";
import { clusterOf } from "./test-images.ts";

const defaults = { numPartitions: 1, replicationFactor: 1 };

function commit(image: MetadataImage, plan: Plan): MetadataRecord[] {
  if (!plan.ok) throw new Error(`${plan.error}: ${plan.message}`);
  for (const record of plan.records) image.apply(record);
  return plan.records;
}

describe("topic creation", () => {
  it("places RF replicas on distinct live brokers with leaders spread round-robin", () => {
    const image = clusterOf(3);
    commit(image, planCreateTopic(image, { name: "orders", numPartitions: 3, replicationFactor: 3 }, defaults, "id-orders"));
    const parts = image.topicsByName.get("orders")!.partitions;
    expect(parts.map((p) => p.leader)).toEqual([1, 2, 3]);
    for (const p of parts) {
      expect(new Set(p.replicas).size).toBe(3);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leaderEpoch).toBe(0);
    }
  });

  it("refuses a replication factor above the live broker count, as kafka-topics reports it", () => {
    const image = clusterOf(1);
    const plan = planCreateTopic(image, { name: "t", numPartitions: 1, replicationFactor: 3 }, defaults);
    expect(plan).toMatchObject({ ok: false, error: "INVALID_REPLICATION_FACTOR" });
    expect(!plan.ok && plan.message).toContain("only 1 broker(s) are registered");
  });

  it.each([
    ["", "can't be empty"],
    ["..", "cannot be"],
    ["a/b", "illegal"],
    ["x".repeat(250), "longer than 249"],
  ])("refuses the illegal name %j", (name, fragment) => {
    const plan = planCreateTopic(clusterOf(1), { name, numPartitions: 1, replicationFactor: 1 }, defaults);
    expect(plan).toMatchObject({ ok: false, error: "INVALID_TOPIC_EXCEPTION" });
    expect(!plan.ok && plan.message).toContain(fragment);
  });

  it("refuses duplicates, '.'/'_' collisions, bad counts and bad configs", () => {
    const image = clusterOf(1);
    commit(image, planCreateTopic(image, { name: "a.b", numPartitions: 1, replicationFactor: 1 }, defaults));
    expect(planCreateTopic(image, { name: "a.b", numPartitions: 1, replicationFactor: 1 }, defaults)).toMatchObject({ error: "TOPIC_ALREADY_EXISTS" });
    expect(planCreateTopic(image, { name: "a_b", numPartitions: 1, replicationFactor: 1 }, defaults)).toMatchObject({ error: "INVALID_TOPIC_EXCEPTION" });
    expect(planCreateTopic(image, { name: "z", numPartitions: 0, replicationFactor: 1 }, defaults)).toMatchObject({ error: "INVALID_PARTITIONS" });
    expect(planCreateTopic(image, { name: "z", numPartitions: 1, replicationFactor: 0 }, defaults)).toMatchObject({ error: "INVALID_REPLICATION_FACTOR" });
    expect(planCreateTopic(image, { name: "z", numPartitions: 1, replicationFactor: 1, configs: [{ name: "retention.ms", value: "soon" }] }, defaults))
      .toMatchObject({ error: "INVALID_CONFIG" });
    expect(planCreateTopic(image, { name: "z", numPartitions: 1, replicationFactor: 1, configs: [{ name: "no.such", value: "1" }] }, defaults))
      .toMatchObject({ error: "INVALID_CONFIG" });
  });

  it("uses the broker defaults for -1 and honours explicit assignments", () => {
    const image = clusterOf(3);
    commit(image, planCreateTopic(image, { name: "d", numPartitions: -1, replicationFactor: -1 }, { numPartitions: 4, replicationFactor: 2 }));
    expect(image.topicsByName.get("d")!.partitions.map((p) => p.replicas.length)).toEqual([2, 2, 2, 2]);
    commit(image, planCreateTopic(image, { name: "e", numPartitions: -1, replicationFactor: -1, assignments: [
      { partitionIndex: 0, brokerIds: [3, 1] }, { partitionIndex: 1, brokerIds: [2] },
    ] }, defaults));
    expect(image.partition("e", 0)).toMatchObject({ leader: 3, replicas: [3, 1] });
    expect(planCreateTopic(image, { name: "f", numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] }, defaults))
      .toMatchObject({ error: "INVALID_REPLICA_ASSIGNMENT" });
  });

  it("deletes topics and their configs", () => {
    const image = clusterOf(1);
    commit(image, planCreateTopic(image, { name: "t", numPartitions: 1, replicationFactor: 1, configs: [{ name: "retention.ms", value: "1000" }] }, defaults));
    expect(image.configOverrides("topic", "t").get("retention.ms")).toBe("1000");
    commit(image, planDeleteTopic(image, "t"));
    expect(image.topicsByName.has("t")).toBe(false);
    expect(image.configOverrides("topic", "t").size).toBe(0);
    expect(planDeleteTopic(image, "t")).toMatchObject({ error: "UNKNOWN_TOPIC_OR_PARTITION" });
  });
});

describe("topic configs", () => {
  it("resolves topic override, then broker setting, then Kafka's default", () => {
    const broker = new Map([["log.retention.hours", "1"], ["min.insync.replicas", "2"]]);
    expect(configValue("retention.ms", new Map(), broker)).toEqual({ value: "3600000", source: "broker" });
    expect(configValue("retention.ms", new Map([["retention.ms", "-1"]]), broker)).toEqual({ value: "-1", source: "topic" });
    expect(configValue("segment.bytes", new Map(), broker)).toEqual({ value: "1073741824", source: "default" });
    const effective = effectiveTopicConfig(new Map([["message.timestamp.type", "LogAppendTime"]]), broker);
    expect(effective).toMatchObject({ retentionMs: 3_600_000, retentionBytes: -1, minInsyncReplicas: 2, logAppendTime: true });
  });

  it("validates types, bounds and unimplemented values", () => {
    expect(topicConfigProblem("retention.bytes", "-1")).toBeUndefined();
    expect(topicConfigProblem("retention.bytes", "-2")).toContain("at least -1");
    expect(topicConfigProblem("segment.bytes", "1024")).toContain("at least 1048576");
    expect(topicConfigProblem("min.insync.replicas", "2147483648")).toContain("INT");
    expect(topicConfigProblem("unclean.leader.election.enable", "yes")).toContain("true or false");
    expect(topicConfigProblem("cleanup.policy", "compact")).toContain("compaction is not implemented");
    expect(topicNameProblem("ok.name_-1")).toBeUndefined();
  });
});

describe("elections", () => {
  function rf3(): MetadataImage {
    const image = clusterOf(3);
    commit(image, planCreateTopic(image, { name: "t", numPartitions: 1, replicationFactor: 3 }, defaults, "tid"));
    return image;
  }
  const clean = () => false;
  const unclean = () => true;

  it("fencing the leader elects the next in-sync replica and bumps the leader epoch", () => {
    const image = rf3();
    commit(image, planBrokerFenced(image, 1, clean));
    expect(image.partition("t", 0)).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 1 });
  });

  it("never empties the ISR: the last member stays and the partition goes offline", () => {
    const image = rf3();
    commit(image, planBrokerFenced(image, 1, clean));
    commit(image, planBrokerFenced(image, 2, clean));
    commit(image, planBrokerFenced(image, 3, clean));
    expect(image.partition("t", 0)).toMatchObject({ leader: NO_LEADER, isr: [3] });
    // Broker 1 returns but is out of sync: a clean election must wait for broker 3.
    commit(image, planBrokerUnfenced(image, 1, clean));
    expect(image.partition("t", 0)!.leader).toBe(NO_LEADER);
    commit(image, planBrokerUnfenced(image, 3, clean));
    expect(image.partition("t", 0)).toMatchObject({ leader: 3, isr: [3] });
  });

  it("unclean election hands leadership to an out-of-sync live replica", () => {
    const image = rf3();
    for (const id of [1, 2, 3]) commit(image, planBrokerFenced(image, id, clean));
    commit(image, planBrokerUnfenced(image, 1, clean));
    commit(image, planUncleanElections(image, unclean));
    expect(image.partition("t", 0)).toMatchObject({ leader: 1, isr: [1] });
  });

  // As Kafka's controller does on unfence and on fence, so the election does not wait for the
  // periodic check (unclean.leader.election.interval.ms).
  it("unclean election happens at once when an out-of-sync replica returns or the last in-sync one dies", () => {
    const returns = rf3();
    for (const id of [2, 3, 1]) commit(returns, planBrokerFenced(returns, id, unclean));
    expect(returns.partition("t", 0)).toMatchObject({ leader: NO_LEADER, isr: [1] });
    const offlineEpoch = returns.partition("t", 0)!.leaderEpoch;
    commit(returns, planBrokerUnfenced(returns, 2, unclean));
    expect(returns.partition("t", 0)).toMatchObject({ leader: 2, isr: [2], leaderEpoch: offlineEpoch + 1 });

    const dies = rf3();
    for (const id of [2, 3]) commit(dies, planBrokerFenced(dies, id, unclean));
    commit(dies, planBrokerUnfenced(dies, 3, unclean));
    expect(dies.partition("t", 0)).toMatchObject({ leader: 1, isr: [1] });
    commit(dies, planBrokerFenced(dies, 1, unclean));
    expect(dies.partition("t", 0)).toMatchObject({ leader: 3, isr: [3] });
  });

  it("AlterPartition checks leader, epochs and eligibility", () => {
    const image = rf3();
    const state = image.partition("t", 0)!;
    const base = { topicId: "tid", partition: 0, leaderId: 1, leaderEpoch: 0, partitionEpoch: 0 };
    commit(image, planAlterPartition(image, { ...base, newIsr: [1, 2] }));
    expect(state.isr).toEqual([1, 2]);
    expect(planAlterPartition(image, { ...base, newIsr: [1, 2, 3] })).toMatchObject({ error: "INVALID_UPDATE_VERSION" });
    expect(planAlterPartition(image, { ...base, leaderId: 2, partitionEpoch: 1, newIsr: [2] })).toMatchObject({ error: "FENCED_LEADER_EPOCH" });
    commit(image, planBrokerFenced(image, 3, clean));
    expect(planAlterPartition(image, { ...base, partitionEpoch: 1, newIsr: [1, 2, 3] })).toMatchObject({ error: "INELIGIBLE_REPLICA" });
  });

  it("preferred leader election moves leadership back once the first replica is in sync", () => {
    const image = rf3();
    commit(image, planBrokerFenced(image, 1, clean));
    commit(image, planBrokerUnfenced(image, 1, clean));
    expect(image.partition("t", 0)!.leader).toBe(2);
    commit(image, planPreferredLeaderElection(image));
    expect(image.partition("t", 0)!.leader).toBe(2); // broker 1 is not back in the ISR yet
    const s = image.partition("t", 0)!;
    commit(image, planAlterPartition(image, { topicId: "tid", partition: 0, leaderId: 2, leaderEpoch: s.leaderEpoch, partitionEpoch: s.partitionEpoch, newIsr: [2, 3, 1] }));
    commit(image, planPreferredLeaderElection(image));
    expect(image.partition("t", 0)).toMatchObject({ leader: 1 });
  });

  it("with clean elections only, a leader is always a live ISR member and the ISR is never empty", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3 })), { maxLength: 30 }), (events) => {
        const image = rf3();
        for (const [fence, id] of events) {
          if (fence === !image.isLive(id)) continue;
          commit(image, fence ? planBrokerFenced(image, id, clean) : planBrokerUnfenced(image, id, clean));
          const s = image.partition("t", 0)!;
          expect(s.isr.length).toBeGreaterThan(0);
          expect(s.isr.every((r) => s.replicas.includes(r))).toBe(true);
          if (s.leader !== NO_LEADER) {
            expect(s.isr).toContain(s.leader);
            expect(image.isLive(s.leader)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
