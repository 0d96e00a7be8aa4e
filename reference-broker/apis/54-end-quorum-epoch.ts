// EndQuorumEpoch (key 54), versions 0-1, on the controller listener: the leader of the metadata
// quorum is stopping and names its preferred successors, so a new election starts at once.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { askRaft, isForeignCluster, type ControllerContext } from "../quorum/node/controller-context.ts";
import { endQuorumEpochRequestFromWire, quorumEpochResponseToWire } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const endQuorumEpoch: ApiHandler<typeof ApiKey.EndQuorumEpoch, ControllerContext> = {
  apiKey: ApiKey.EndQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    if (isForeignCluster(context, request.body.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    return quorumEpochResponseToWire(await askRaft(context.raft, "end-quorum-epoch", endQuorumEpochRequestFromWire(request.body)));
  },
};
