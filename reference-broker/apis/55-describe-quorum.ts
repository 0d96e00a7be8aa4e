// DescribeQuorum (key 55), versions 0-2: the metadata quorum's leader, epoch and high watermark and
// how far each voter and observer has replicated, as kafka-metadata-quorum and the harness ask it.
// Answered by the leader on the controller listener (others: NOT_LEADER_OR_FOLLOWER with the leader
// they know); a request naming anything but __cluster_metadata-0 is UNKNOWN_TOPIC_OR_PARTITION; a
// broker forwards it to the active controller, as Kafka's brokers do.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type DescribeQuorumRequest, type DescribeQuorumResponse } from "../protocol/generated/messages.ts";
import { describeQuorumResponse, type QuorumReplica } from "../quorum/describe-quorum-response.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import type { ReplicaProgress } from "../quorum/raft/leader-progress.ts";
import type { ApiHandler } from "./api.ts";

const MIN_VERSION = 0;
const MAX_VERSION = 2;

function quorumReplica(progress: ReplicaProgress): QuorumReplica {
  return {
    replicaId: progress.replicaId,
    logEndOffset: progress.endOffset,
    lastFetchTimestamp: progress.lastFetchTimestamp,
    lastCaughtUpTimestamp: progress.lastCaughtUpTimestamp,
  };
}

export const describeQuorum: ApiHandler<typeof ApiKey.DescribeQuorum, ControllerContext> = {
  apiKey: ApiKey.DescribeQuorum,
  minVersion: MIN_VERSION,
  maxVersion: MAX_VERSION,
  handle(request, context) {
    const description = context.raft.describe();
    if (!description) return describeQuorumResponse(request.apiVersion, request.body, { role: "not-leader", ...context.raft.leader });
    return describeQuorumResponse(request.apiVersion, request.body, {
      role: "leader",
      leaderId: description.leaderId,
      leaderEpoch: description.leaderEpoch,
      highWatermark: description.highWatermark,
      voters: description.voters.map(quorumReplica),
      observers: description.observers.map(quorumReplica),
      nodes: [...context.voterEndpoints].map(([nodeId, endpoint]) => ({ nodeId, listeners: [{ name: "CONTROLLER", host: endpoint.host, port: endpoint.port }] })),
    });
  },
};

/** The broker listener's DescribeQuorum: asked of the active controller at the same version. */
export function forwardedDescribeQuorum(forward: (version: number, body: DescribeQuorumRequest) => Promise<DescribeQuorumResponse>): ApiHandler<typeof ApiKey.DescribeQuorum, unknown> {
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
