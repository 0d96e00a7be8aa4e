// The group coordinator's settings and the shape of the offsets topic, read from the broker's
// config under Kafka's names (group.*, offsets.topic.*).
import type { BrokerConfig } from "../config/broker-config.ts";
import type { GroupCoordinatorConfig } from "../groups/config.ts";
import type { CreateTopicSpec } from "../metadata/controller-logic.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../metadata/topic-names.ts";

/** Kafka's offsets.topic.segment.bytes default. */
const OFFSETS_TOPIC_SEGMENT_BYTES = 104_857_600;

export function groupCoordinatorConfig(config: BrokerConfig): Partial<GroupCoordinatorConfig> {
  return {
    groupMinSessionTimeoutMs: config.int("group.min.session.timeout.ms"),
    groupMaxSessionTimeoutMs: config.int("group.max.session.timeout.ms"),
    groupMaxSize: config.int("group.max.size"),
    groupInitialRebalanceDelayMs: config.int("group.initial.rebalance.delay.ms"),
  };
}

/**
 * __consumer_offsets as Kafka creates it on first need: offsets.topic.num.partitions partitions and
 * offsets.topic.replication.factor replicas, which the controller refuses while fewer brokers are
 * live (Kafka since 0.11, KIP-115; FindCoordinator then answers COORDINATOR_NOT_AVAILABLE). Kafka
 * keeps the topic compacted, so the latest commit of every partition stays; without compaction the
 * only safe retention is none, since deleting an old segment could drop a group's only commit.
 */
export function offsetsTopicSpec(config: BrokerConfig): CreateTopicSpec {
  return {
    name: CONSUMER_OFFSETS_TOPIC,
    numPartitions: config.int("offsets.topic.num.partitions"),
    replicationFactor: config.int("offsets.topic.replication.factor"),
    configs: [
      { name: "retention.ms", value: "-1" },
      { name: "retention.bytes", value: "-1" },
      { name: "segment.bytes", value: String(OFFSETS_TOPIC_SEGMENT_BYTES) },
    ],
  };
}
