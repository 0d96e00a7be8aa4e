// Vote (key 52), versions 0-1, on the controller listener: a candidate asks this voter for its vote
// in a new epoch of the metadata quorum (see quorum/raft/replica.ts for the rules).
// Not implemented: directory ids (v1's CandidateDirectoryId and VoterDirectoryId are ignored).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { askRaft, isForeignCluster, type ControllerContext } from "../quorum/node/controller-context.ts";
import { voteRequestFromWire, voteResponseToWire } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const vote: ApiHandler<typeof ApiKey.Vote, ControllerContext> = {
  apiKey: ApiKey.Vote,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    if (isForeignCluster(context, request.body.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    return voteResponseToWire(await askRaft(context.raft, "vote", voteRequestFromWire(request.body)));
  },
};
