// DescribeQuorum for a cluster of one, which a Kafka 4 combined node answers on its broker listener
// by forwarding to its own controller: the node is the only voter and leads the metadata log.
import type { MetadataImage } from "../metadata/image.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { DescribeQuorumResponse } from "../protocol/generated/messages.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import { METADATA_TOPIC } from "../rpc/raft-wire.ts";

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
export function describeSingleNodeQuorum(version: number, nodeId: number, image: MetadataImage, nowMs: number): DescribeQuorumResponse {
  const logEndOffset = BigInt(image.appliedRecords);
  const self = image.brokers.get(nodeId);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            leaderId: nodeId,
            leaderEpoch: SINGLE_NODE_LEADER_EPOCH,
            highWatermark: logEndOffset,
            currentVoters: [{ replicaId: nodeId, replicaDirectoryId: ZERO_UUID, logEndOffset, lastFetchTimestamp: BigInt(nowMs), lastCaughtUpTimestamp: BigInt(nowMs) }],
            observers: [],
          },
        ],
      },
    ],
    ...(version >= 2 ? { nodes: self ? [{ nodeId, listeners: [{ name: "PLAINTEXT", host: self.host, port: self.port }] }] : [] } : {}),
  };
}
