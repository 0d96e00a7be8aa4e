// SyncGroup (key 14), versions 0-5: the leader hands in the assignment, which is persisted to
// __consumer_offsets before every member (parked until then) receives its part. From v5 the
// protocol type and name are mandatory and must match the group's (INCONSISTENT_GROUP_PROTOCOL).
// Not implemented: authorization.
import { syncErrorResponse } from "../groups/classic-group.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import { groupRequestContext } from "../group-service/request-context.ts";
import type { ApiHandler } from "./api.ts";

const FIRST_VERSION_WITH_MANDATORY_PROTOCOL = 5;

export const syncGroup: ApiHandler<typeof ApiKey.SyncGroup, GroupApiContext> = {
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, context, connection) {
    const body = request.body;
    if (request.apiVersion >= FIRST_VERSION_WITH_MANDATORY_PROTOCOL && ((body.protocolType ?? null) === null || (body.protocolName ?? null) === null)) {
      return syncErrorResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const groupContext = groupRequestContext(request, connection);
    return context.groups.run(
      body.groupId,
      (coordinator) => coordinator.syncGroup(body, groupContext),
      (errorCode) => Promise.resolve(syncErrorResponse(errorCode)),
    );
  },
};
