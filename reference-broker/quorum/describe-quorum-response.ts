// The one shape of a DescribeQuorum answer, for the Raft leader's controller listener and for a
// cluster of one alike (Kafka's RaftUtil.singletonDescribeQuorumResponse and the error forms of
// DescribeQuorumRequest/Response): a request must name __cluster_metadata partition 0 and nothing
// else (UNKNOWN_TOPIC_OR_PARTITION on every partition named otherwise); a node that does not lead
// says NOT_LEADER_OR_FOLLOWER with the leader it knows.
import { ErrorCode, errorByName } from "../protocol/errors.ts";
import type {
  DescribeQuorumRequest,
  DescribeQuorumResponse,
  DescribeQuorumResponseNode,
  DescribeQuorumResponseReplicaState,
} from "../protocol/generated/messages.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import { METADATA_TOPIC } from "../rpc/raft-wire.ts";

/** How far one voter or observer has replicated, as the leader saw it. */
export interface QuorumReplica {
  replicaId: number;
  logEndOffset: number;
  /** Wall-clock ms; -1 for never. */
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

export type QuorumView =
  | {
      role: "leader";
      leaderId: number;
      leaderEpoch: number;
      highWatermark: number;
      voters: readonly QuorumReplica[];
      observers: readonly QuorumReplica[];
      /** The voters' controller endpoints, for v2. */
      nodes: readonly DescribeQuorumResponseNode[];
    }
  | { role: "not-leader"; leaderId: number; leaderEpoch: number };

/** Kafka's hasValidTopicPartition: exactly one topic, __cluster_metadata, with exactly partition 0. */
export function namesMetadataPartition(request: DescribeQuorumRequest): boolean {
  const [topic] = request.topics;
  return request.topics.length === 1 && topic.topicName === METADATA_TOPIC && topic.partitions.length === 1 && topic.partitions[0].partitionIndex === 0;
}

export function describeQuorumResponse(version: number, request: DescribeQuorumRequest, view: QuorumView): DescribeQuorumResponse {
  const withNodes = (response: DescribeQuorumResponse, nodes: readonly DescribeQuorumResponseNode[]): DescribeQuorumResponse =>
    version >= 2 ? { ...response, nodes: [...nodes] } : response;
  if (!namesMetadataPartition(request)) {
    const { message } = errorByName("UNKNOWN_TOPIC_OR_PARTITION");
    return withNodes(
      {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: request.topics.map((topic) => ({
          topicName: topic.topicName,
          partitions: topic.partitions.map(({ partitionIndex }) => ({
            // Kafka leaves the rest at the message's defaults.
            ...emptyPartition(partitionIndex, 0, 0, 0n),
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: message,
          })),
        })),
      },
      [],
    );
  }
  if (view.role === "not-leader") {
    const partition = { ...emptyPartition(0, view.leaderId, view.leaderEpoch, -1n), errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: errorByName("NOT_LEADER_OR_FOLLOWER").message };
    return withNodes({ errorCode: ErrorCode.NONE, errorMessage: null, topics: [{ topicName: METADATA_TOPIC, partitions: [partition] }] }, []);
  }
  const partition = {
    partitionIndex: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    leaderId: view.leaderId,
    leaderEpoch: view.leaderEpoch,
    highWatermark: BigInt(view.highWatermark),
    currentVoters: view.voters.map(replicaState),
    observers: view.observers.map(replicaState),
  };
  return withNodes({ errorCode: ErrorCode.NONE, errorMessage: null, topics: [{ topicName: METADATA_TOPIC, partitions: [partition] }] }, view.nodes);
}

function emptyPartition(partitionIndex: number, leaderId: number, leaderEpoch: number, highWatermark: bigint) {
  return { partitionIndex, leaderId, leaderEpoch, highWatermark, currentVoters: [], observers: [] };
}

function replicaState(replica: QuorumReplica): DescribeQuorumResponseReplicaState {
  return {
    replicaId: replica.replicaId,
    replicaDirectoryId: ZERO_UUID,
    logEndOffset: BigInt(replica.logEndOffset),
    lastFetchTimestamp: BigInt(replica.lastFetchTimestamp),
    lastCaughtUpTimestamp: BigInt(replica.lastCaughtUpTimestamp),
  };
}
