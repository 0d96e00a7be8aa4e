// Topic config change decisions: the four incremental operations, the legacy replace-all form,
// validation with Kafka's messages and errors, records only for actual changes, and no election
// of its own when unclean.leader.election.enable is turned on.
import { describe, expect, it } from "vitest";
import { ConfigOperation, planTopicConfigChange, type IncrementalConfigChange } from "./config-changes.ts";
import { planBrokerFenced } from "./controller-logic.ts";
import type { MetadataImage } from "./image.ts";
import { NO_LEADER } from "./records.ts";
import { applyAll, clusterOf, withTopic } from "./test-images.ts";

const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperation;

function incremental(image: MetadataImage, changes: IncrementalConfigChange[], topic = "t") {
  return planTopicConfigChange(image, topic, { kind: "incremental", changes });
}

function commit(image: MetadataImage, decision: ReturnType<typeof incremental>): void {
  if (!decision.ok) throw new Error(`${decision.error}: ${decision.message}`);
  applyAll(image, decision.records);
}

describe("IncrementalAlterConfigs decisions", () => {
  it("sets and deletes overrides, writing records only for what changes", () => {
    const image = withTopic(clusterOf(1), "t", 1, 1);
    commit(image, incremental(image, [{ name: "retention.ms", operation: SET, value: "60000" }, { name: "min.insync.replicas", operation: SET, value: "1" }]));
    expect(Object.fromEntries(image.configOverrides("topic", "t"))).toEqual({ "retention.ms": "60000", "min.insync.replicas": "1" });
    expect(incremental(image, [{ name: "retention.ms", operation: SET, value: "60000" }])).toEqual({ ok: true, records: [] });
    commit(image, incremental(image, [{ name: "retention.ms", operation: DELETE, value: null }, { name: "segment.ms", operation: DELETE, value: null }]));
    expect(Object.fromEntries(image.configOverrides("topic", "t"))).toEqual({ "min.insync.replicas": "1" });
  });

  it("appends to and subtracts from list configs only, starting from the default", () => {
    const image = withTopic(clusterOf(1), "t", 1, 1);
    // Appending the default's own value makes it an explicit override, as in Kafka.
    expect(incremental(image, [{ name: "cleanup.policy", operation: APPEND, value: "delete" }])).toEqual({
      ok: true,
      records: [{ type: "config", resourceType: "topic", resourceName: "t", name: "cleanup.policy", value: "delete" }],
    });
    expect(incremental(image, [{ name: "cleanup.policy", operation: APPEND, value: "compact" }])).toMatchObject({ ok: false, error: "INVALID_CONFIG" });
    expect(incremental(image, [{ name: "retention.ms", operation: SUBTRACT, value: "1" }])).toEqual({
      ok: false,
      error: "INVALID_CONFIG",
      message: "Can't SUBTRACT to key retention.ms because its type is not LIST.",
    });
  });

  it("refuses unknown names and bad values with INVALID_CONFIG and a missing topic with UNKNOWN_TOPIC_OR_PARTITION", () => {
    const image = withTopic(clusterOf(1), "t", 1, 1);
    expect(incremental(image, [{ name: "no.such.config", operation: SET, value: "1" }])).toEqual({ ok: false, error: "INVALID_CONFIG", message: "Unknown topic config name: no.such.config" });
    expect(incremental(image, [{ name: "min.insync.replicas", operation: SET, value: "0" }])).toMatchObject({ ok: false, error: "INVALID_CONFIG", message: expect.stringContaining("Value must be at least 1") });
    expect(incremental(image, [{ name: "retention.ms", operation: SET, value: "1" }], "gone")).toEqual({ ok: false, error: "UNKNOWN_TOPIC_OR_PARTITION", message: "The topic 'gone' does not exist." });
    expect(incremental(image, [{ name: "retention.ms", operation: SET, value: "1" }], "")).toEqual({ ok: false, error: "INVALID_REQUEST", message: "Default topic resources are not allowed." });
    expect(incremental(image, [{ name: "retention.ms", operation: SET, value: "1" }], "a/b")).toMatchObject({ ok: false, error: "INVALID_TOPIC_EXCEPTION" });
  });
});

describe("legacy AlterConfigs decisions", () => {
  it("replaces the whole set of overrides: the ones not named are removed", () => {
    const image = withTopic(clusterOf(1), "t", 1, 1);
    commit(image, incremental(image, [{ name: "retention.ms", operation: SET, value: "1000" }, { name: "segment.ms", operation: SET, value: "2000" }]));
    const decision = planTopicConfigChange(image, "t", { kind: "legacy", configs: [{ name: "segment.ms", value: "3000" }] });
    commit(image, decision);
    expect(Object.fromEntries(image.configOverrides("topic", "t"))).toEqual({ "segment.ms": "3000" });
    expect(planTopicConfigChange(image, "t", { kind: "legacy", configs: [{ name: "segment.ms", value: null }] })).toEqual({
      ok: false,
      error: "INVALID_CONFIG",
      message: "Null value not supported for topic configs: segment.ms",
    });
  });
});

describe("unclean.leader.election.enable turned on", () => {
  it("is only a config record, as in KRaft: leaderless partitions wait for the periodic unclean election or ElectLeaders", () => {
    const image = withTopic(clusterOf(2), "t", 1, 2);
    // Broker 2 falls out of the ISR, then the leader dies: the partition has no eligible leader.
    applyAll(image, [{ type: "partition-change", topicId: "id-t", partition: 0, isr: [1] }]);
    commit(image, planBrokerFenced(image, 1, () => false));
    expect(image.partition("t", 0)).toMatchObject({ leader: NO_LEADER, isr: [1] });
    expect(incremental(image, [{ name: "unclean.leader.election.enable", operation: SET, value: "true" }])).toEqual({
      ok: true,
      records: [{ type: "config", resourceType: "topic", resourceName: "t", name: "unclean.leader.election.enable", value: "true" }],
    });
  });
});
