// DescribeQuorum for a cluster of one, which a Kafka 4 combined node answers on its broker listener
// by forwarding to its own controller: the node is the only voter and leads the metadata log.
import type { MetadataImage } from "../metadata/image.ts";
import type { DescribeQuorumRequest, DescribeQuorumResponse } from "../protocol/generated/messages.ts";
import { describeQuorumResponse } from "./describe-quorum-response.ts";

/**
 * A cluster of one never holds an election, so its leadership has a single epoch for its whole
 * life: the first one Raft hands out.
 */
export const SINGLE_NODE_LEADER_EPOCH = 1;

/**
 * The node leads, its whole metadata log is committed (the high watermark is its end), and, as
 * Kafka reports the leader itself, it counts as fetched and caught up right now. v2 names the
 * node's one listener, where it takes the controller's requests too.
 */
export function describeSingleNodeQuorum(
  version: number,
  request: DescribeQuorumRequest,
  nodeId: number,
  image: MetadataImage,
  nowMs: number,
): DescribeQuorumResponse {
  const logEndOffset = image.appliedRecords;
  const self = image.brokers.get(nodeId);
  return describeQuorumResponse(version, request, {
    role: "leader",
    leaderId: nodeId,
    leaderEpoch: SINGLE_NODE_LEADER_EPOCH,
    highWatermark: logEndOffset,
    voters: [{ replicaId: nodeId, logEndOffset, lastFetchTimestamp: nowMs, lastCaughtUpTimestamp: nowMs }],
    observers: [],
    nodes: self ? [{ nodeId, listeners: [{ name: "PLAINTEXT", host: self.host, port: self.port }] }] : [],
  });
}
