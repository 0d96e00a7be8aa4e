// ElectLeaders as the controller decides it (Kafka's ReplicationControlManager.electLeaders):
// PREFERRED moves leadership to the first replica when it is live and in sync; UNCLEAN gives a
// leaderless partition a leader, from the ISR if one is live, else any live replica — on request,
// whatever unclean.leader.election.enable says, which only governs the automatic elections.
import { electLeader } from "./controller-logic.ts";
import type { MetadataImage } from "./image.ts";
import { NO_LEADER, type MetadataRecord } from "./records.ts";

/** ElectionType ids of the protocol. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;
export type ElectionTypeId = (typeof ElectionType)[keyof typeof ElectionType];

export interface PartitionElectionResult {
  partitionId: number;
  /** A Kafka error name; "NONE" when a leader was elected. */
  error: string;
  message: string | null;
}

export interface TopicElectionResults {
  topic: string;
  partitionResult: PartitionElectionResult[];
}

export interface ElectionDecision {
  records: MetadataRecord[];
  results: TopicElectionResults[];
}

/**
 * `partitions` null means every partition of every topic; then, as in Kafka, partitions that
 * already have the leader the election would give are left out of the results.
 */
export function planElectLeaders(
  image: MetadataImage,
  electionType: ElectionTypeId,
  partitions: readonly { topic: string; partitions: readonly number[] }[] | null,
): ElectionDecision {
  const records: MetadataRecord[] = [];
  const elected = new Set<string>();
  const electOne = (topic: string, partitionId: number): PartitionElectionResult => {
    const key = `${topic}-${partitionId}`;
    if (elected.has(key)) return { partitionId, error: "NONE", message: null };
    const result = electPartition(image, electionType, topic, partitionId);
    if ("record" in result) {
      records.push(result.record);
      elected.add(key);
      return { partitionId, error: "NONE", message: null };
    }
    return { partitionId, ...result };
  };

  if (partitions === null) {
    const results = [...image.topicsByName.values()].map((topic) => ({
      topic: topic.name,
      partitionResult: topic.partitions.map((state) => electOne(topic.name, state.partition)).filter((r) => r.error !== "ELECTION_NOT_NEEDED"),
    }));
    return { records, results };
  }
  const results = partitions.map(({ topic, partitions: ids }) => ({ topic, partitionResult: ids.map((id) => electOne(topic, id)) }));
  return { records, results };
}

function electPartition(
  image: MetadataImage,
  electionType: ElectionTypeId,
  topic: string,
  partitionId: number,
): { record: MetadataRecord } | { error: string; message: string | null } {
  const topicState = image.topicsByName.get(topic);
  if (!topicState) return { error: "UNKNOWN_TOPIC_OR_PARTITION", message: `No such topic as ${topic}` };
  const state = topicState.partitions[partitionId];
  if (!state) return { error: "UNKNOWN_TOPIC_OR_PARTITION", message: `No such partition as ${topic}-${partitionId}` };
  const notNeeded = { error: "ELECTION_NOT_NEEDED", message: "Leader election not needed for topic partition." };
  if (electionType === ElectionType.PREFERRED) {
    const preferred = state.replicas[0];
    if (state.leader === preferred) return notNeeded;
    if (!state.isr.includes(preferred) || !image.isLive(preferred)) {
      return { error: "PREFERRED_LEADER_NOT_AVAILABLE", message: "The preferred leader was not available." };
    }
    return { record: { type: "partition-change", topicId: state.topicId, partition: partitionId, leader: preferred } };
  }
  if (state.leader !== NO_LEADER) return notNeeded;
  const change = electLeader(state, [...state.isr], (id) => image.isLive(id), true, false);
  if (!change || change.leader === undefined || change.leader === NO_LEADER) {
    return { error: "ELIGIBLE_LEADERS_NOT_AVAILABLE", message: "Eligible topic partition leaders are not available." };
  }
  return { record: change };
}
