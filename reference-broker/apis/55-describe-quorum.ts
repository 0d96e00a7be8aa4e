// DescribeQuorum (key 55), versions 0-2: the metadata quorum's leader, epoch and high watermark and
// how far each voter and observer has replicated, as kafka-metadata-quorum and the harness ask it.
// Answered by the leader on the controller listener (others: NOT_LEADER_OR_FOLLOWER with the leader
// they know); a broker forwards it to the active controller, as Kafka's brokers do.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type DescribeQuorumResponse, type DescribeQuorumResponseReplicaState } from "../protocol/generated/messages.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import type { ReplicaProgress } from "../quorum/raft/leader-progress.ts";
import { METADATA_TOPIC } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

const MIN_VERSION = 0;
const MAX_VERSION = 2;

function replicaState(progress: ReplicaProgress): DescribeQuorumResponseReplicaState {
  return {
    replicaId: progress.replicaId,
    replicaDirectoryId: ZERO_UUID,
    logEndOffset: BigInt(progress.endOffset),
    lastFetchTimestamp: BigInt(progress.lastFetchTimestamp),
    lastCaughtUpTimestamp: BigInt(progress.lastCaughtUpTimestamp),
  };
}

export const describeQuorum: ApiHandler<typeof ApiKey.DescribeQuorum, ControllerContext> = {
  apiKey: ApiKey.DescribeQuorum,
  minVersion: MIN_VERSION,
  maxVersion: MAX_VERSION,
  handle(request, context) {
    const description = context.raft.describe();
    const leader = description ?? context.raft.leader;
    const nodes = [...context.voterEndpoints].map(([nodeId, endpoint]) => ({ nodeId, listeners: [{ name: "CONTROLLER", host: endpoint.host, port: endpoint.port }] }));
    const response: DescribeQuorumResponse = {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [
        {
          topicName: METADATA_TOPIC,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: description ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER,
              errorMessage: null,
              leaderId: leader.leaderId,
              leaderEpoch: leader.leaderEpoch,
              highWatermark: BigInt(description?.highWatermark ?? -1),
              currentVoters: description?.voters.map(replicaState) ?? [],
              observers: description?.observers.map(replicaState) ?? [],
            },
          ],
        },
      ],
      ...(request.apiVersion >= 2 ? { nodes } : {}),
    };
    return response;
  },
};

/** The broker listener's DescribeQuorum: asked of the active controller at the same version. */
export function forwardedDescribeQuorum(forward: (version: number, body: { topics: { topicName: string; partitions: { partitionIndex: number }[] }[] }) => Promise<DescribeQuorumResponse>): ApiHandler<typeof ApiKey.DescribeQuorum, unknown> {
  return {
    apiKey: ApiKey.DescribeQuorum,
    minVersion: MIN_VERSION,
    maxVersion: MAX_VERSION,
    async handle(request) {
      try {
        return await forward(request.apiVersion, request.body);
      } catch (error) {
        return { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `the active controller could not be asked: ${(error as Error).message}`, topics: [], ...(request.apiVersion >= 2 ? { nodes: [] } : {}) };
      }
    },
  };
}
