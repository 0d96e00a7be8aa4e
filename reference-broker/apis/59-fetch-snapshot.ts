// FetchSnapshot (key 59), versions 0-1, on the controller listener: a replica whose fetch offset
// fell below the leader's log start reads the leader's latest metadata snapshot in chunks.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { askRaft, isForeignCluster, type ControllerContext } from "../quorum/node/controller-context.ts";
import { fetchSnapshotRequestFromWire, fetchSnapshotResponseToWire } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const fetchSnapshot: ApiHandler<typeof ApiKey.FetchSnapshot, ControllerContext> = {
  apiKey: ApiKey.FetchSnapshot,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    if (isForeignCluster(context, request.body.clusterId)) return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    return fetchSnapshotResponseToWire(await askRaft(context.raft, "fetch-snapshot", fetchSnapshotRequestFromWire(request.body)));
  },
};
