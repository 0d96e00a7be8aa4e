// Fetch (key 1), versions 12-17, on the controller listener: voters and observers (brokers) pull the
// metadata log __cluster_metadata-0 from its leader, long-polled; the answer may instead say the
// fetcher's log diverges (DivergingEpoch) or must start from a snapshot (SnapshotId). Client and
// replica fetches of ordinary topics are the broker listener's (01-fetch.ts).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { askRaft, isForeignCluster, type ControllerContext } from "../quorum/node/controller-context.ts";
import { fetchRequestFromWire, fetchResponseToWire } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const metadataFetch: ApiHandler<typeof ApiKey.Fetch, ControllerContext> = {
  apiKey: ApiKey.Fetch,
  minVersion: 12,
  maxVersion: 17,
  async handle(request, context) {
    if (isForeignCluster(context, request.body.clusterId)) return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, sessionId: 0, responses: [] };
    const topic = request.body.topics[0];
    const named = request.apiVersion >= 13 ? { topicId: topic?.topicId ?? "" } : { topic: topic?.topic ?? "" };
    return fetchResponseToWire(await askRaft(context.raft, "fetch", fetchRequestFromWire(request.body)), named);
  },
};
