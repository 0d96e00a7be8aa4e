// OffsetFetch (key 9), versions 1-7: one group's committed offsets, for the named partitions (-1 where
// nothing is committed) or, from v2, for every partition it committed (topics null). Below v2 there
// is no top-level error code, so a group error is repeated on every requested partition. v8+ (many
// groups per request) is not served: clients fall back to one request per group, the Java client
// 4.3.1 included. require_stable (v7) holds nothing back because there are no transactions yet.
// Not implemented: authorization.
import type { OffsetFetchRequestTopic, OffsetFetchResponseGroup } from "../groups/messages.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type OffsetFetchResponse } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import type { ApiHandler } from "./api.ts";

export const offsetFetch: ApiHandler<typeof ApiKey.OffsetFetch, GroupApiContext> = {
  apiKey: ApiKey.OffsetFetch,
  minVersion: 1,
  maxVersion: 7,
  handle(request, context) {
    const groupId = request.body.groupId ?? "";
    const topics = request.body.topics ?? null;
    const group = context.groups.run(
      groupId,
      (coordinator) => coordinator.fetchOffsets(groupId, topics),
      (errorCode) => ({ groupId, topics: [], errorCode }),
    );
    return singleGroupResponse(group, topics, request.apiVersion);
  },
};

/** Kafka's OffsetFetchResponse for one group below v8. */
function singleGroupResponse(group: OffsetFetchResponseGroup, requested: readonly OffsetFetchRequestTopic[] | null, version: number): OffsetFetchResponse {
  if (group.errorCode === ErrorCode.NONE || version >= 2) {
    return { throttleTimeMs: 0, topics: group.topics, errorCode: group.errorCode };
  }
  const topics = (requested ?? []).map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: "",
      errorCode: group.errorCode,
    })),
  }));
  return { throttleTimeMs: 0, topics, errorCode: group.errorCode };
}
