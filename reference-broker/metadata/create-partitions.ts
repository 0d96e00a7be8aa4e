// CreatePartitions as the controller decides it (Kafka's ReplicationControlManager.createPartitions):
// a topic's partition count only grows; the new partitions keep the topic's replication factor and
// are placed round-robin like CreateTopics places them, or where an explicit assignment says.
import { placeReplicas } from "./controller-logic.ts";
import type { MetadataImage, TopicState } from "./image.ts";
import type { MetadataRecord } from "./records.ts";

export interface CreatePartitionsSpec {
  name: string;
  /** The total partition count wanted. */
  count: number;
  /** One replica list per new partition, or null to let the controller place them. */
  assignments: number[][] | null;
}

export type TopicDecision = { ok: true; records: MetadataRecord[] } | { ok: false; error: string; message: string | null };

const refuse = (error: string, message: string | null): TopicDecision => ({ ok: false, error, message });

export function planCreatePartitions(image: MetadataImage, spec: CreatePartitionsSpec): TopicDecision {
  const topic = image.topicsByName.get(spec.name);
  // Kafka answers an unknown topic here without a message.
  if (!topic) return refuse("UNKNOWN_TOPIC_OR_PARTITION", null);
  const current = topic.partitions.length;
  if (spec.count === current) return refuse("INVALID_PARTITIONS", `Topic already has ${current} partition(s).`);
  if (spec.count < current) {
    return refuse("INVALID_PARTITIONS", `The topic ${spec.name} currently has ${current} partition(s); ${spec.count} would not be an increase.`);
  }
  const additional = spec.count - current;
  if (spec.assignments !== null && spec.assignments.length !== additional) {
    return refuse(
      "INVALID_REPLICA_ASSIGNMENT",
      `Attempted to add ${additional} additional partition(s), but only ${spec.assignments.length} assignment(s) were specified.`,
    );
  }
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
  if (replicationFactor === 0) return refuse("UNKNOWN_SERVER_ERROR", `Invalid state: topic ${spec.name} appears to have no partitions.`);

  let replicaLists: number[][];
  if (spec.assignments !== null) {
    for (const [i, replicas] of spec.assignments.entries()) {
      const problem = manualAssignmentProblem(image, replicas, replicationFactor);
      if (problem) return refuse("INVALID_REPLICA_ASSIGNMENT", problem);
      if (!replicas.some((id) => image.isLive(id))) {
        return refuse(
          "INVALID_REPLICA_ASSIGNMENT",
          `All brokers specified in the manual partition assignment for partition ${current + i} are fenced or in controlled shutdown.`,
        );
      }
    }
    replicaLists = spec.assignments.map((replicas) => [...replicas]);
  } else {
    const live = image.liveBrokerIds();
    if (live.length === 0) {
      return refuse("INVALID_REPLICATION_FACTOR", `Unable to replicate the partition ${replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.`);
    }
    if (replicationFactor > live.length) {
      return refuse(
        "INVALID_REPLICATION_FACTOR",
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${live.length} broker(s) are registered.`,
      );
    }
    replicaLists = placeReplicas(live, additional, replicationFactor, placementStart(topic, live) + current);
  }

  const records: MetadataRecord[] = replicaLists.map((replicas, i) => {
    const isr = replicas.filter((id) => image.isLive(id));
    return { type: "partition", topicId: topic.topicId, partition: current + i, replicas, isr, leader: isr[0] };
  });
  return { ok: true, records };
}

/**
 * Where the topic's round-robin started: the position of partition 0's preferred leader among the
 * live brokers, so partition p's preferred leader continues the same rotation.
 */
function placementStart(topic: TopicState, live: readonly number[]): number {
  const index = live.indexOf(topic.partitions[0]?.replicas[0] ?? -1);
  return index < 0 ? 0 : index;
}

/** Kafka's validateManualPartitionAssignment, checked in broker id order, with its messages. */
function manualAssignmentProblem(image: MetadataImage, replicas: readonly number[], replicationFactor: number): string | undefined {
  if (replicas.length === 0) return "The manual partition assignment includes an empty replica list.";
  const sorted = [...replicas].sort((a, b) => a - b);
  for (const [i, brokerId] of sorted.entries()) {
    if (!image.brokers.has(brokerId)) return `The manual partition assignment includes broker ${brokerId}, but no such broker is registered.`;
    if (i > 0 && sorted[i - 1] === brokerId) return `The manual partition assignment includes the broker ${brokerId} more than once.`;
  }
  if (sorted.length !== replicationFactor) {
    return `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`;
  }
  return undefined;
}
