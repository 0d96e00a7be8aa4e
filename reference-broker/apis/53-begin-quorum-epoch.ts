// BeginQuorumEpoch (key 53), versions 0-1, on the controller listener: a newly elected leader of
// the metadata quorum tells this voter to follow it.
// Not implemented: leader endpoints (v1): voters know each other from controller.quorum.voters.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { askRaft, isForeignCluster, type ControllerContext } from "../quorum/node/controller-context.ts";
import { beginQuorumEpochRequestFromWire, quorumEpochResponseToWire } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const beginQuorumEpoch: ApiHandler<typeof ApiKey.BeginQuorumEpoch, ControllerContext> = {
  apiKey: ApiKey.BeginQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    if (isForeignCluster(context, request.body.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    return quorumEpochResponseToWire(await askRaft(context.raft, "begin-quorum-epoch", beginQuorumEpochRequestFromWire(request.body)));
  },
};
